// Engine: construction from parts, prompt preparation and the single-sequence generation loop.
// Loading from a model spec lives in engine_load.cpp.
#include "engine/engine.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <span>
#include <thread>

#include "util/error.h"

namespace hirelm::engine {

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool has_payload(const StreamEvent& e) {
  return !e.tokens.empty() || !e.reasoning_delta.empty() || !e.content_delta.empty();
}

constexpr int32_t kSequenceId = 0;
}  // namespace

Engine::Engine(model::Qwen2Model model, Tokenizer tokenizer, ChatRenderer chat, GenerationDefaults defaults,
               const EngineOptions& options)
    : model_(std::make_unique<model::Qwen2Model>(std::move(model))),
      tokenizer_(std::make_unique<Tokenizer>(std::move(tokenizer))),
      chat_(std::move(chat)),
      defaults_(std::move(defaults)),
      ctx_(options.ctx) {
  if (options.ctx < 2) {
    throw InvalidInputError("context size: expected at least 2 tokens, got " + std::to_string(options.ctx));
  }
  if (options.threads < 0) {
    throw InvalidInputError("threads: expected 0 (all) or more, got " + std::to_string(options.threads));
  }
  sampling::validate(defaults_.sampling);
  int threads = options.threads;
  if (threads == 0) threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  pool_ = std::make_unique<kernels::ThreadPool>(threads);
  kv_ = std::make_unique<kv::KvCache>(model_->kv_cache_options(ctx_, 1, options.kv_type));
  grammars_ = std::make_unique<grammar::GrammarCache>(*tokenizer_);
}

Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;
Engine::~Engine() = default;

std::string Engine::render_chat(const nlohmann::ordered_json& messages, bool add_generation_prompt) const {
  if (!chat_) throw UnsupportedError("model '" + model_->path() + "' has no chat template");
  if (!messages.is_array()) {
    throw InvalidInputError("messages: expected a JSON array of {role, content}, got " +
                            std::string(messages.type_name()));
  }
  return chat_(messages, add_generation_prompt);
}

Engine::Prompt Engine::prepare_prompt(const GenerationRequest& request) const {
  Prompt p;
  std::string text;
  if (!request.prompt_tokens.empty()) {
    p.tokens = request.prompt_tokens;
    text = tokenizer_->decode(p.tokens);
  } else if (request.messages) {
    text = render_chat(*request.messages, true);
    // The template writes the BOS text itself, so none is added here (as HF apply_chat_template).
    p.tokens = tokenizer_->encode(text, {.parse_special = true, .add_bos = false});
  } else {
    text = request.prompt;
    p.tokens = tokenizer_->encode(text, {.parse_special = true, .add_bos = tokenizer_->wants_bos()});
  }
  p.opens_reasoning = prompt_opens_reasoning(text);
  return p;
}

sampling::SamplingParams Engine::resolve_sampling(const GenerationRequest& request) const {
  sampling::SamplingOverrides overrides = request.sampling;
  if (!overrides.seed) {
    std::random_device device;
    overrides.seed = (static_cast<uint64_t>(device()) << 32) ^ device();
  }
  return overrides.resolve(defaults_.sampling);
}

std::shared_ptr<const grammar::Grammar> Engine::compile_constraint(const OutputConstraint& constraint) const {
  using Kind = OutputConstraint::Kind;
  using grammar::ConstraintForm;
  switch (constraint.kind) {
    case Kind::kJsonSchema: return grammars_->get(ConstraintForm::kJsonSchema, constraint.text);
    case Kind::kJsonObject: return grammars_->get(ConstraintForm::kJsonObject, {});
    case Kind::kRegex: return grammars_->get(ConstraintForm::kRegex, constraint.text);
    case Kind::kChoice: return grammars_->get(ConstraintForm::kChoice, {}, constraint.choices);
    case Kind::kGrammar: return grammars_->get(ConstraintForm::kGbnf, constraint.text);
  }
  throw InvalidInputError("output constraint: unknown kind");
}

SequenceOptions Engine::sequence_options(const GenerationRequest& request, const Prompt& prompt) const {
  const auto n_prompt = static_cast<int64_t>(prompt.tokens.size());
  if (n_prompt == 0) throw InvalidInputError("prompt: empty (it encodes to no tokens)");
  if (n_prompt >= ctx_) {
    throw InvalidInputError("prompt: " + std::to_string(n_prompt) + " tokens, but the context holds " +
                            std::to_string(ctx_) + " (prompt + output); shorten it or raise --ctx");
  }
  SequenceOptions options;
  options.sampling = resolve_sampling(request);
  options.stop = request.stop;
  options.stop_token_ids = request.stop_token_ids;
  if (!request.ignore_eos) {
    options.stop_token_ids.insert(options.stop_token_ids.end(), defaults_.eos_ids.begin(), defaults_.eos_ids.end());
  }
  const int64_t room = ctx_ - n_prompt;
  options.max_tokens = request.max_tokens < 0 ? room : std::min(request.max_tokens, room);
  options.starts_in_reasoning = request.starts_in_reasoning.value_or(prompt.opens_reasoning);
  options.top_logprobs = request.top_logprobs;
  if (request.constraint) {
    options.grammar = compile_constraint(*request.constraint);
    // Answer-only waits for `</think>` when the output starts inside reasoning, else starts at once.
    const bool after_reasoning =
        request.constraint->scope == OutputConstraint::Scope::kAnswerOnly && options.starts_in_reasoning;
    options.constraint_scope =
        after_reasoning ? grammar::ConstraintScope::kAfterReasoning : grammar::ConstraintScope::kWholeOutput;
  }
  return options;
}

GenerationResult Engine::generate(const GenerationRequest& request, const StreamCallback& on_event) {
  Prompt prompt = prepare_prompt(request);
  SequenceOptions options = sequence_options(request, prompt);
  SequenceGeneration sequence(*tokenizer_, std::move(prompt.tokens), std::move(options));

  auto emit = [&](const StreamEvent& event) {
    return !has_payload(event) || !on_event || on_event(event);
  };
  if (sequence.max_tokens() == 0) {
    emit(sequence.stop(FinishReason::kLength));
    return sequence.result();
  }

  const auto n_vocab = static_cast<size_t>(model_->config().n_vocab);
  const auto start = Clock::now();
  if (kv_->has_sequence(kSequenceId)) kv_->remove(kSequenceId);
  model_->forward(model::make_sequence_batch(sequence.prompt(), kSequenceId, 0, false), *kv_, *pool_, &logits_);
  const double prefill_seconds = seconds_since(start);
  const auto decode_start = Clock::now();

  model::Batch batch;
  while (true) {
    const bool go_on = emit(sequence.step(std::span<const float>(logits_.data(), n_vocab)));
    if (sequence.finished()) break;
    if (!go_on) {
      emit(sequence.stop(FinishReason::kCancelled));
      break;
    }
    batch.clear();
    batch.add(sequence.next_token(), sequence.next_position(), kSequenceId, true);
    model_->forward(batch, *kv_, *pool_, &logits_);
  }
  kv_->remove(kSequenceId);

  GenerationResult result = sequence.result();
  result.prefill_seconds = prefill_seconds;
  result.decode_seconds = seconds_since(decode_start);
  return result;
}

}  // namespace hirelm::engine
