// `hirelm template --model PATH [--no-generation-prompt] [--tools FILE]`: reads a JSON array of chat
// messages on stdin and prints the prompt the model's chat template renders from it, with no
// trailing newline added. PATH is a model directory, a tokenizer_config.json or a .gguf file.
// Bad JSON on stdin, a bad template or a template error (raise_exception) is bad input (exit 2).
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/command.h"
#include "engine/template/chat_template.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace hirelm::cli {
namespace {

templating::Json parse_json(const std::string& text, const std::string& where) {
  try {
    return templating::Json::parse(text);
  } catch (const templating::Json::parse_error& e) {
    throw InvalidInputError(where + ": invalid JSON: " + e.what());
  }
}

int template_main(int argc, char** argv) {
  const std::vector<OptionSpec> specs = {
      {"model", "m", true, false, "model directory, tokenizer_config.json or .gguf file"},
      {"no-generation-prompt", "", false, false, "do not append the assistant generation prompt"},
      {"tools", "", true, false, "JSON file with the tool definitions passed to the template as `tools`"},
      {"help", "h", false, false, "show this help"},
  };
  Args args(specs, argc, argv, 2);
  if (args.has("help")) {
    std::printf("usage: hirelm template --model PATH [--no-generation-prompt] [--tools FILE] < messages.json\n\n"
                "Reads a JSON array of chat messages on stdin and prints the rendered prompt.\n\n%s",
                format_options(specs).c_str());
    return kExitOk;
  }
  if (!args.positionals().empty()) throw InvalidInputError("unexpected argument '" + args.positionals()[0] + "'");
  auto model = args.get("model");
  if (!model) throw InvalidInputError("--model is required (see --help)");
  templating::ChatTemplate tmpl = templating::ChatTemplate::from_model_path(*model);

  templating::Json tools = nullptr;
  if (auto tools_path = args.get("tools")) tools = parse_json(read_file(*tools_path), *tools_path);

  std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (std::cin.bad()) throw IoError("reading stdin failed");
  templating::Json messages = parse_json(input, "stdin");
  if (!messages.is_array()) {
    throw InvalidInputError(std::string("stdin: expected a JSON array of messages, got ") + messages.type_name());
  }
  std::string prompt = tmpl.render(messages, !args.has("no-generation-prompt"), tools);
  if (std::fwrite(prompt.data(), 1, prompt.size(), stdout) != prompt.size()) throw IoError("writing to stdout failed");
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace
}  // namespace hirelm::cli

HIRELM_COMMAND(template, "template", "render chat messages (JSON on stdin) through the model's chat template",
               hirelm::cli::template_main);
