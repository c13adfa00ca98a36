// The engine facade the rest of the program includes: one loaded model with its tokenizer, chat
// template, generation defaults, thread pool and KV cache, and generate() for one sequence at a time.
//
// The batch API stays visible (model(), kv_cache(), thread_pool(), and SequenceGeneration in
// engine/engine/sequence_generation.h, which consumes one logits row per step): the continuous-batching
// scheduler drives many SequenceGenerations from one Qwen2Model::forward over a mixed batch, exactly as
// generate() drives one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine/generation.h"
#include "engine/engine/sequence_generation.h"
#include "engine/grammar/grammar_cache.h"
#include "engine/kernels/dtype.h"
#include "engine/kernels/thread_pool.h"
#include "engine/kv/kv_cache.h"
#include "engine/model/qwen2_model.h"
#include "engine/sampling/sampling_params.h"
#include "engine/tokenizer/tokenizer.h"

namespace hirelm::engine {

struct EngineOptions {
  int threads = 0;                        // compute threads including the caller; 0 = all hardware threads
  std::optional<DType> dtype;             // weight compute type; unset = the file's own (see LoadOptions)
  kv::KvType kv_type = kv::KvType::kF16;  // KV cache precision
  int64_t ctx = 4096;                     // context size in tokens (prompt + generated), per sequence
};

// The model's generation defaults: sampling from generation_config.json (or GGUF general.sampling.*),
// end-of-sequence ids from the tokenizer and generation_config.json.
struct GenerationDefaults {
  sampling::SamplingParams sampling;  // neutral (temperature 1, top_p 1) when the model says nothing
  std::vector<int32_t> eos_ids;
};

// Renders chat messages (a JSON array of {"role", "content"}) into prompt text, with the generation
// prompt appended when add_generation_prompt is true. Engine::load binds the model's chat template.
using ChatRenderer = std::function<std::string(const nlohmann::ordered_json& messages, bool add_generation_prompt)>;

// Called with every non-empty event; return false to cancel (finish_reason "cancelled").
using StreamCallback = std::function<bool(const StreamEvent&)>;

class Engine {
 public:
  // `model_spec`: a .gguf file, a Hugging Face directory, or hf:OWNER/NAME[:FILE] (a cached download).
  // Throws NotFoundError / InvalidInputError / UnsupportedError for bad models and options.
  static Engine load(const std::string& model_spec, const EngineOptions& options);

  // Assembles an engine from parts (tests build tiny models in-process). `chat` may be empty: chat
  // requests then fail with UnsupportedError. (load() binds a renderer that throws UnsupportedError
  // with the reason when the model's template is missing or unsupported, so raw prompts still work.)
  Engine(model::Qwen2Model model, Tokenizer tokenizer, ChatRenderer chat, GenerationDefaults defaults,
         const EngineOptions& options);
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  ~Engine();

  // Runs one request to completion on sequence 0 of the KV cache, streaming through on_event (may be
  // empty). Throws InvalidInputError for a bad request (bad sampling values, empty or too-long prompt).
  GenerationResult generate(const GenerationRequest& request, const StreamCallback& on_event = {});

  // The request's prompt as token ids (see GenerationRequest for which form wins), and whether its text
  // leaves the model inside a reasoning block.
  struct Prompt {
    std::vector<int32_t> tokens;
    bool opens_reasoning = false;
  };
  Prompt prepare_prompt(const GenerationRequest& request) const;
  // Resolves the request's sampling choices against the defaults; draws a seed when none is given.
  sampling::SamplingParams resolve_sampling(const GenerationRequest& request) const;
  // Validates the prompt against the context (InvalidInputError when empty or too long) and resolves
  // everything one sequence needs: sampling, stop ids (EOS unless ignore_eos), max_tokens capped by the
  // context, reasoning start, the compiled output constraint and its scope. Used by generate() and by the
  // batching scheduler alike.
  SequenceOptions sequence_options(const GenerationRequest& request, const Prompt& prompt) const;
  // The compiled grammar of a structured-output constraint, from a cache keyed by the constraint's text
  // (the vocabulary's byte trie is built on first use). Throws InvalidInputError / UnsupportedError
  // naming the bad or unsupported keyword or syntax. Thread-safe; sequence_options() calls it, and the
  // server calls it before streaming so that a bad schema is a 400.
  std::shared_ptr<const grammar::Grammar> compile_constraint(const OutputConstraint& constraint) const;
  // Renders chat messages with the model's template; UnsupportedError if the model has none.
  std::string render_chat(const nlohmann::ordered_json& messages, bool add_generation_prompt = true) const;

  model::Qwen2Model& model() { return *model_; }
  kv::KvCache& kv_cache() { return *kv_; }
  kernels::ThreadPool& thread_pool() { return *pool_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  const GenerationDefaults& defaults() const { return defaults_; }
  int64_t context_size() const { return ctx_; }

 private:
  std::unique_ptr<model::Qwen2Model> model_;
  std::unique_ptr<Tokenizer> tokenizer_;
  ChatRenderer chat_;
  GenerationDefaults defaults_;
  int64_t ctx_ = 0;
  std::unique_ptr<kernels::ThreadPool> pool_;
  std::unique_ptr<kv::KvCache> kv_;
  std::unique_ptr<grammar::GrammarCache> grammars_;  // compiled constraints over tokenizer_'s vocabulary
  std::vector<float> logits_;
};

}  // namespace hirelm::engine
