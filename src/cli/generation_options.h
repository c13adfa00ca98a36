// Command-line options shared by the subcommands that generate text (`run`, `chat`): the model and
// engine settings and the sampling parameters, with their parsing into engine types.
#pragma once

#include <vector>

#include "cli/args.h"
#include "engine/engine.h"

namespace hirelm::cli {

// --model, -t/--threads, --ctx, --dtype, --kv-type.
std::vector<OptionSpec> engine_option_specs();
// --temp, --top-p, --top-k, --min-p, --repeat-penalty, --presence-penalty, --frequency-penalty, -s/--seed,
// -n/--max-tokens, --stop (repeatable), --ignore-eos.
std::vector<OptionSpec> sampling_option_specs();

// Structured output: --json-schema FILE, --json-object, --regex PATTERN, --choice A,B (repeatable),
// --grammar FILE, --constrain-all.
std::vector<OptionSpec> constraint_option_specs();

// Throws InvalidInputError for a missing --model or a bad value.
std::string model_spec_from(const Args& args);
engine::EngineOptions engine_options_from(const Args& args);
// Fills sampling overrides, stop strings, ignore_eos and max_tokens of `request` from the flags given.
void apply_sampling_options(const Args& args, engine::GenerationRequest& request);
// Sets request.constraint from the constraint flags (at most one form; InvalidInputError otherwise, or
// NotFoundError for a missing file). The schema / regex / grammar compiles later, in the engine.
void apply_constraint_options(const Args& args, engine::GenerationRequest& request);

}  // namespace hirelm::cli
