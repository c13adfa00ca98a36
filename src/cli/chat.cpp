// `hirelm chat`: interactive multi-turn chat through the model's chat template. Each line on stdin is
// one user turn; /exit (or /quit) or end of input ends the session. The model's reasoning is shown
// distinctly from its answer (see stream_printer.h); the history keeps answers only, as the R1 template
// strips reasoning from earlier assistant turns anyway. Works with stdin as a pipe (no prompt is shown
// then).
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/generation_options.h"
#include "cli/stream_printer.h"
#include "engine/engine.h"
#include "util/error.h"

namespace hirelm::cli {
namespace {

std::vector<OptionSpec> chat_specs() {
  std::vector<OptionSpec> specs = engine_option_specs();
  specs.push_back({"system", "", true, false, "a system message for the whole conversation"});
  for (auto& s : sampling_option_specs()) specs.push_back(s);
  specs.push_back({"help", "h", false, false, "show this help"});
  return specs;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

int chat_main(int argc, char** argv) {
  const auto specs = chat_specs();
  Args args(specs, argc, argv, 2);
  if (args.has("help")) {
    std::printf("usage: hirelm chat --model PATH [options]\n\nInteractive chat; one line per turn, /exit or EOF "
                "quits.\n\n%s",
                format_options(specs).c_str());
    return kExitOk;
  }
  if (!args.positionals().empty()) throw InvalidInputError("unexpected argument '" + args.positionals()[0] + "'");
  const std::string model_spec = model_spec_from(args);
  engine::GenerationRequest base;
  apply_sampling_options(args, base);
  const engine::EngineOptions options = engine_options_from(args);

  engine::Engine engine = engine::Engine::load(model_spec, options);
  const bool interactive = ::isatty(::fileno(stdin)) != 0;
  const bool tty = ::isatty(::fileno(stdout)) != 0;
  StreamPrinter printer(stdout, tty);

  nlohmann::ordered_json history = nlohmann::ordered_json::array();
  if (auto system = args.get("system")) history.push_back({{"role", "system"}, {"content", *system}});

  std::string line;
  while (true) {
    if (interactive) {
      std::fputs("> ", stdout);
      std::fflush(stdout);
    }
    if (!std::getline(std::cin, line)) break;
    const std::string text = trim(line);
    if (text == "/exit" || text == "/quit") break;
    if (text.empty()) continue;

    history.push_back({{"role", "user"}, {"content", text}});
    engine::GenerationRequest request = base;
    request.messages = history;
    try {
      const auto result = engine.generate(request, [&](const engine::StreamEvent& e) {
        printer.reasoning(e.reasoning_delta);
        printer.content(e.content_delta);
        return true;
      });
      printer.finish();
      if (result.finish_reason == engine::FinishReason::kLength) {
        std::fprintf(stderr, "[reply cut at %lld tokens]\n", static_cast<long long>(result.completion_tokens));
      }
      history.push_back({{"role", "assistant"}, {"content", result.content}});
    } catch (const InvalidInputError& e) {
      // One bad turn (e.g. the conversation no longer fits the context) does not end the session.
      printer.finish();
      history.erase(history.size() - 1);
      std::fprintf(stderr, "hirelm chat: %s\n", e.what());
      if (!interactive) return kExitBadInput;
    }
  }
  if (interactive) std::fputc('\n', stdout);
  return kExitOk;
}

}  // namespace

HIRELM_COMMAND(chat, "chat", "interactive chat with the model through its chat template", chat_main);

}  // namespace hirelm::cli
