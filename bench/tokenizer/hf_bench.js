#!/usr/bin/env node
// Hugging Face tokenizers (npm `tokenizers`) single-thread throughput on the same input as
// tokenizer_bench: the text file written by `tokenizer_bench --write-input`, encoded line by line (each
// line with its '\n'), one sequential `encode` call at a time (no encodeBatch), add_special_tokens off.
// One warm-up pass, then REPS timed passes; prints the best as MB/s (10^6 bytes per second).
//   node hf_bench.js TOKENIZER_JSON INPUT_TXT [REPS] [--whole]   (--whole: the entire text in one call)
'use strict';
const fs = require('fs');
const path = require('path');
const { Tokenizer } = require(path.join(__dirname, '../../node_modules/tokenizers'));

async function main() {
  const args = process.argv.slice(2).filter((a) => a !== '--whole');
  const whole = process.argv.includes('--whole');
  const [file, input, repsArg] = args;
  if (!file || !input) {
    process.stderr.write('usage: node hf_bench.js TOKENIZER_JSON INPUT_TXT [REPS]\n');
    process.exit(2);
  }
  const reps = Number(repsArg || 5);
  const tok = Tokenizer.fromFile(file);
  const text = fs.readFileSync(input, 'utf8');
  const chunks = whole ? [text] : text.split(/(?<=\n)/);
  const bytes = Buffer.byteLength(text, 'utf8');
  let best = Infinity;
  let tokens = 0;
  for (let rep = 0; rep <= reps; ++rep) {
    const t0 = process.hrtime.bigint();
    tokens = 0;
    for (const c of chunks) {
      const e = await tok.encode(c, null, { addSpecialTokens: false });
      tokens += e.getIds().length;
    }
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (rep > 0) best = Math.min(best, s);
  }
  console.log(`hf       ${(bytes / best / 1e6).toFixed(2).padStart(8)} MB/s  (${bytes} bytes, ${chunks.length} chunks, ${tokens} tokens, best of ${reps}, sequential encode)`);
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
