// Independent validator for the grammar tests: reads a JSON file {"schemas": [...]} and a JSONL file of
// {"schema": index, "output": text}; parses each output with JSON.parse and validates it with ajv
// (+ ajv-formats for date/email). Prints one JSON line {"records", "failures", "examples"}.
"use strict";
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "../../..");
const Ajv2020 = require(path.join(root, "node_modules/ajv/dist/2020")).default;
const addFormats = require(path.join(root, "node_modules/ajv-formats")).default;

const [schemasFile, outputsFile] = process.argv.slice(2);
const ajv = new Ajv2020({ strict: false, allErrors: false });
addFormats(ajv);
const schemas = JSON.parse(fs.readFileSync(schemasFile, "utf8")).schemas.map((s) => ajv.compile(s));
let records = 0;
let failures = 0;
const examples = [];
for (const line of fs.readFileSync(outputsFile, "utf8").split("\n")) {
  if (line === "") continue;
  records++;
  const r = JSON.parse(line);
  let ok = false;
  let why = "";
  try {
    const value = JSON.parse(r.output);
    const validate = schemas[r.schema];
    ok = validate(value);
    if (!ok) why = JSON.stringify(validate.errors);
  } catch (e) {
    why = String(e);
  }
  if (!ok) {
    failures++;
    if (examples.length < 5) examples.push({ schema: r.schema, output: r.output, why });
  }
}
console.log(JSON.stringify({ records, failures, examples }));
