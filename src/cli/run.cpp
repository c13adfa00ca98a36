// `hirelm run`: one completion, streamed to stdout. The prompt is raw text by default (special-token
// strings in it are parsed, BOS added if the model asks); --chat wraps it as one user message through
// the model's chat template. A one-line summary (token counts, speed, finish reason) goes to stderr.
// --json-schema / --json-object / --regex / --choice / --grammar constrain the answer (after `</think>`
// when the prompt opens reasoning, unless --constrain-all).
#include <unistd.h>

#include <cstdio>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/generation_options.h"
#include "cli/stream_printer.h"
#include "engine/engine.h"
#include "util/error.h"

namespace hirelm::cli {
namespace {

std::vector<OptionSpec> run_specs() {
  std::vector<OptionSpec> specs = engine_option_specs();
  specs.push_back({"prompt", "p", true, false, "prompt text (required)"});
  specs.push_back({"chat", "", false, false, "send the prompt as one user message through the chat template"});
  specs.push_back({"system", "", true, false, "with --chat: a system message"});
  specs.push_back({"quiet", "q", false, false, "no summary line on stderr"});
  for (auto& s : sampling_option_specs()) specs.push_back(s);
  for (auto& s : constraint_option_specs()) specs.push_back(s);
  specs.push_back({"help", "h", false, false, "show this help"});
  return specs;
}

int run_main(int argc, char** argv) {
  const auto specs = run_specs();
  Args args(specs, argc, argv, 2);
  if (args.has("help")) {
    std::printf("usage: hirelm run --model PATH --prompt TEXT [options]\n\nStreams a completion to stdout.\n\n%s",
                format_options(specs).c_str());
    return kExitOk;
  }
  if (!args.positionals().empty()) {
    throw InvalidInputError("unexpected argument '" + args.positionals()[0] + "' (the prompt goes in --prompt)");
  }
  const std::string model_spec = model_spec_from(args);
  auto prompt = args.get("prompt");
  if (!prompt) throw InvalidInputError("--prompt is required (see --help)");
  if (args.has("system") && !args.has("chat")) throw InvalidInputError("--system needs --chat");

  engine::GenerationRequest request;
  apply_sampling_options(args, request);
  apply_constraint_options(args, request);
  if (args.has("chat")) {
    nlohmann::ordered_json messages = nlohmann::ordered_json::array();
    if (auto system = args.get("system")) messages.push_back({{"role", "system"}, {"content", *system}});
    messages.push_back({{"role", "user"}, {"content", *prompt}});
    request.messages = std::move(messages);
  } else {
    request.prompt = *prompt;
  }
  const engine::EngineOptions options = engine_options_from(args);

  engine::Engine engine = engine::Engine::load(model_spec, options);
  StreamPrinter printer(stdout, ::isatty(::fileno(stdout)) != 0);
  // generate() compiles the constraint before the first token: a bad schema / regex / grammar fails
  // before any output (exit 2).
  const auto result = engine.generate(request, [&](const engine::StreamEvent& e) {
    printer.reasoning(e.reasoning_delta);
    printer.content(e.content_delta);
    return true;
  });
  printer.finish();

  if (!args.has("quiet")) {
    const double tg = result.decode_seconds > 0 ? static_cast<double>(result.completion_tokens) / result.decode_seconds : 0;
    const double pp = result.prefill_seconds > 0 ? static_cast<double>(result.prompt_tokens) / result.prefill_seconds : 0;
    std::fprintf(stderr, "[prompt %lld tokens (%.1f tok/s), generated %lld tokens (%.1f tok/s), finish: %s, seed %llu]\n",
                 static_cast<long long>(result.prompt_tokens), pp, static_cast<long long>(result.completion_tokens), tg,
                 std::string(engine::finish_reason_name(result.finish_reason)).c_str(),
                 static_cast<unsigned long long>(result.seed));
  }
  if (request.constraint && !result.constraint_complete) {
    // Never let a cut-off answer pass for a value: say so even under --quiet.
    std::fprintf(stderr, "hirelm run: the output is not a complete match of the constraint (finish: %s)\n",
                 std::string(engine::finish_reason_name(result.finish_reason)).c_str());
  }
  return kExitOk;
}

}  // namespace

HIRELM_COMMAND(run, "run", "generate a completion for a prompt, streamed to stdout", run_main);

}  // namespace hirelm::cli
