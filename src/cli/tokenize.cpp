// `hirelm tokenize --tokenizer PATH [--no-special] [--add-bos]`: reads JSON lines {"text": ...} on stdin
// and writes {"ids": [...]} lines on stdout, in order (one output line per input line; blank lines are
// skipped). PATH is a tokenizer.json, a model directory or a .gguf file. --no-special encodes added-token
// strings as plain text (untrusted text). A line that is not such a JSON object is bad input (exit 2),
// reported with its line number.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/command.h"
#include "engine/tokenizer/tokenizer.h"
#include "util/error.h"

namespace hirelm::cli {
namespace {

std::string text_of_line(const std::string& line, size_t line_number) {
  const std::string where = "stdin line " + std::to_string(line_number);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number too large
    throw InvalidInputError(where + ": invalid JSON: " + e.what());
  }
  if (!j.is_object()) throw InvalidInputError(where + ": expected a JSON object {\"text\": ...}");
  auto it = j.find("text");
  if (it == j.end()) throw InvalidInputError(where + ": field 'text' missing");
  if (!it->is_string()) throw InvalidInputError(where + ": field 'text' must be a string, got " + it->type_name());
  return it->get<std::string>();
}

int tokenize_main(int argc, char** argv) {
  const std::vector<OptionSpec> specs = {
      {"tokenizer", "", true, false, "tokenizer.json, model directory or .gguf file"},
      {"no-special", "", false, false, "encode added-token strings as plain text (untrusted input)"},
      {"add-bos", "", false, false, "prepend the BOS token to every line"},
      {"help", "h", false, false, "show this help"},
  };
  Args args(specs, argc, argv, 2);
  if (args.has("help")) {
    std::printf("usage: hirelm tokenize --tokenizer PATH [--no-special] [--add-bos] < lines.jsonl\n\n"
                "Reads {\"text\": ...} JSON lines on stdin, writes {\"ids\": [...]} lines on stdout.\n\n%s",
                format_options(specs).c_str());
    return kExitOk;
  }
  if (!args.positionals().empty()) throw InvalidInputError("unexpected argument '" + args.positionals()[0] + "'");
  auto path = args.get("tokenizer");
  if (!path) throw InvalidInputError("--tokenizer is required (see --help)");
  Tokenizer tokenizer = Tokenizer::from_path(*path);
  EncodeOptions options;
  options.parse_special = !args.has("no-special");
  options.add_bos = args.has("add-bos");

  std::string line;
  std::string out;
  std::vector<int32_t> ids;
  size_t line_number = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ids.clear();
    tokenizer.encode_into(text_of_line(line, line_number), options, ids);
    out = "{\"ids\": [";
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i) out += ", ";
      out += std::to_string(ids[i]);
    }
    out += "]}\n";
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) throw IoError("writing to stdout failed");
    std::fflush(stdout);
  }
  if (std::cin.bad()) throw IoError("reading stdin failed");
  return kExitOk;
}

}  // namespace

HIRELM_COMMAND(tokenize, "tokenize", "tokenize JSON lines {\"text\": ...} from stdin into {\"ids\": [...]}", tokenize_main);

}  // namespace hirelm::cli
