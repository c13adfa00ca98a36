#include "cli/generation_options.h"

#include <limits>

#include "engine/kv/kv_cache.h"
#include "engine/model/qwen2_model.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace hirelm::cli {

std::vector<OptionSpec> engine_option_specs() {
  return {
      {"model", "m", true, false, "model: a .gguf file, a Hugging Face directory or hf:OWNER/NAME[:FILE]"},
      {"threads", "t", true, false, "compute threads (default: all hardware threads)"},
      {"ctx", "c", true, false, "context size in tokens, prompt + output (default 4096)"},
      {"dtype", "", true, false, "weight compute type: f32, f16, bf16, q8_0, q4_0, q4_k, q6_k (default: as stored)"},
      {"kv-type", "", true, false, "KV cache type: f16 (default) or f32"},
  };
}

std::vector<OptionSpec> sampling_option_specs() {
  return {
      {"temp", "", true, false, "temperature; 0 = greedy (default: the model's, else 1)"},
      {"top-p", "", true, false, "nucleus sampling mass in (0, 1] (default: the model's, else 1)"},
      {"top-k", "", true, false, "keep the K most likely tokens; 0 = off"},
      {"min-p", "", true, false, "drop tokens below P x the top probability; 0 = off"},
      {"repeat-penalty", "", true, false, "repetition penalty over prompt + output; 1 = off"},
      {"presence-penalty", "", true, false, "OpenAI presence penalty over the output; 0 = off"},
      {"frequency-penalty", "", true, false, "OpenAI frequency penalty over the output; 0 = off"},
      {"seed", "s", true, false, "random seed (default: random); the same seed gives the same output"},
      {"max-tokens", "n", true, false, "most tokens to generate (default: until the context is full)"},
      {"stop", "", true, true, "stop string (repeatable); not printed"},
      {"ignore-eos", "", false, false, "keep generating past end-of-sequence"},
  };
}

std::vector<OptionSpec> constraint_option_specs() {
  return {
      {"json-schema", "", true, false, "constrain the answer to JSON valid under the schema in FILE"},
      {"json-object", "", false, false, "constrain the answer to any JSON object"},
      {"regex", "", true, false, "constrain the answer to match the regex (whole answer)"},
      {"choice", "", true, true, "constrain the answer to one of the comma-separated strings (repeatable)"},
      {"grammar", "", true, false, "constrain the answer to the GBNF-like grammar in FILE (see docs/grammar.md)"},
      {"constrain-all", "", false, false, "constrain from the first token, reasoning included (default: after </think>)"},
  };
}

std::string model_spec_from(const Args& args) {
  auto model = args.get("model");
  if (!model || model->empty()) throw InvalidInputError("--model is required (see --help)");
  return *model;
}

engine::EngineOptions engine_options_from(const Args& args) {
  engine::EngineOptions o;
  const long long threads = args.get_int("threads", 0);
  if (threads < 0 || threads > 1024) {
    throw InvalidInputError("--threads: expected 0..1024, got " + std::to_string(threads));
  }
  o.threads = static_cast<int>(threads);
  const long long ctx = args.get_int("ctx", o.ctx);
  if (ctx < 2 || ctx > (1LL << 24)) throw InvalidInputError("--ctx: expected 2..16777216, got " + std::to_string(ctx));
  o.ctx = ctx;
  if (auto dtype = args.get("dtype")) o.dtype = model::parse_dtype(*dtype);
  if (auto kv = args.get("kv-type")) o.kv_type = kv::parse_kv_type(*kv);
  return o;
}

void apply_sampling_options(const Args& args, engine::GenerationRequest& request) {
  auto& s = request.sampling;
  if (args.has("temp")) s.temperature = args.get_double("temp", 0);
  if (args.has("top-p")) s.top_p = args.get_double("top-p", 0);
  if (args.has("top-k")) {
    const long long k = args.get_int("top-k", 0);
    if (k < 0 || k > std::numeric_limits<int>::max()) throw InvalidInputError("--top-k: expected >= 0, got " + std::to_string(k));
    s.top_k = static_cast<int>(k);
  }
  if (args.has("min-p")) s.min_p = args.get_double("min-p", 0);
  if (args.has("repeat-penalty")) s.repetition_penalty = args.get_double("repeat-penalty", 0);
  if (args.has("presence-penalty")) s.presence_penalty = args.get_double("presence-penalty", 0);
  if (args.has("frequency-penalty")) s.frequency_penalty = args.get_double("frequency-penalty", 0);
  if (args.has("seed")) {
    const long long seed = args.get_int("seed", 0);
    if (seed < 0) throw InvalidInputError("--seed: expected >= 0, got " + std::to_string(seed));
    s.seed = static_cast<uint64_t>(seed);
  }
  if (args.has("max-tokens")) {
    const long long n = args.get_int("max-tokens", 0);
    if (n < 0) throw InvalidInputError("-n/--max-tokens: expected >= 0, got " + std::to_string(n));
    request.max_tokens = n;
  }
  request.stop = args.get_all("stop");
  request.ignore_eos = args.has("ignore-eos");
  // Range checks of the sampling values happen in one place: SamplingOverrides::resolve (at generate),
  // but flag errors should surface before a model loads, so check them against neutral defaults now.
  (void)s.resolve(sampling::SamplingParams{});
}

void apply_constraint_options(const Args& args, engine::GenerationRequest& request) {
  using Kind = engine::OutputConstraint::Kind;
  std::vector<std::string> given;
  engine::OutputConstraint c;
  if (auto file = args.get("json-schema")) {
    given.push_back("--json-schema");
    c.kind = Kind::kJsonSchema;
    c.text = read_file(*file);
  }
  if (args.has("json-object")) {
    given.push_back("--json-object");
    c.kind = Kind::kJsonObject;
  }
  if (auto pattern = args.get("regex")) {
    given.push_back("--regex");
    c.kind = Kind::kRegex;
    c.text = *pattern;
  }
  if (args.has("choice")) {
    given.push_back("--choice");
    c.kind = Kind::kChoice;
    for (const std::string& list : args.get_all("choice")) {
      for (std::string& item : split_commas(list)) {
        if (item.empty()) throw InvalidInputError("--choice: empty choice in '" + list + "'");
        c.choices.push_back(std::move(item));
      }
    }
  }
  if (auto file = args.get("grammar")) {
    given.push_back("--grammar");
    c.kind = Kind::kGrammar;
    c.text = read_file(*file);
  }
  if (given.size() > 1) throw InvalidInputError("give one output constraint, got " + given[0] + " and " + given[1]);
  if (given.empty()) {
    if (args.has("constrain-all")) throw InvalidInputError("--constrain-all needs a constraint (--json-schema, ...)");
    return;
  }
  if (args.has("constrain-all")) c.scope = engine::OutputConstraint::Scope::kEverything;
  request.constraint = std::move(c);
}

}  // namespace hirelm::cli
