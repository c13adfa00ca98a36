// The state of one sequence being generated: its sampler, detokenizer, stop conditions, text and, for
// structured output, its constraint state (each sequence its own; the compiled Grammar is shared).
// It consumes one row of logits per step and says which token to feed next, so a batching scheduler can
// drive many of them from one forward pass (one row per sequence); Engine::generate drives one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/engine/completion_text.h"
#include "engine/engine/generation.h"
#include "engine/engine/token_text_stream.h"
#include "engine/grammar/grammar_state.h"
#include "engine/sampling/sampler.h"

namespace hirelm::engine {

struct SequenceOptions {
  sampling::SamplingParams sampling;
  std::vector<std::string> stop;
  std::vector<int32_t> stop_token_ids;  // every token that ends the sequence (EOS ids included)
  int64_t max_tokens = 0;               // > 0: generated-token limit
  bool starts_in_reasoning = false;
  int top_logprobs = -1;                // < 0: off
  // Structured output: the compiled constraint (shared, thread-safe) and where it starts; null = free text
  // (the sequence then pays nothing for constraints). Engine::sequence_options fills both from the
  // request's OutputConstraint; with kWholeOutput the output counts as answer text from the first token.
  std::shared_ptr<const grammar::Grammar> grammar;
  grammar::ConstraintScope constraint_scope = grammar::ConstraintScope::kWholeOutput;
};

class SequenceGeneration {
 public:
  // The tokenizer must outlive the sequence. `prompt` is non-empty.
  SequenceGeneration(const Tokenizer& tokenizer, std::vector<int32_t> prompt, SequenceOptions options);

  const std::vector<int32_t>& prompt() const { return prompt_; }
  int64_t max_tokens() const { return options_.max_tokens; }
  bool finished() const { return finished_; }
  // Generated tokens so far.
  const std::vector<int32_t>& tokens() const { return tokens_; }
  // The token to feed next and its position; valid after a step() that did not finish.
  int32_t next_token() const { return tokens_.back(); }
  int32_t next_position() const { return static_cast<int32_t>(prompt_.size() + tokens_.size() - 1); }

  // Samples from the logits row of the last fed position ([n_vocab] f32), updates text and stop state
  // and returns what to stream. When the sequence finishes, the event already includes the final text.
  // With a constraint, refused tokens are masked out of the row before sampling; the sequence ends (stop)
  // at end-of-sequence, which the constraint allows only once the value is complete, or as soon as the
  // value is complete and nothing can extend it.
  StreamEvent step(std::span<const float> logits);
  // Ends the sequence early (caller cancelled, or the context is full: reason kLength); returns the
  // remaining held-back text. No effect if already finished.
  StreamEvent stop(FinishReason reason);

  // The outcome; call when finished().
  GenerationResult result() const;

  // The constraint state, if the sequence has a constraint (for a scheduler that wants to inspect it).
  const grammar::GrammarState* constraint() const { return constraint_ ? &*constraint_ : nullptr; }

 private:
  void finish(FinishReason reason, StreamEvent& event);

  std::vector<int32_t> prompt_;
  SequenceOptions options_;
  std::unordered_set<int32_t> stop_ids_;
  sampling::Sampler sampler_;
  TokenTextStream detok_;
  CompletionText text_;
  std::vector<int32_t> tokens_;
  bool finished_ = false;
  FinishReason finish_reason_ = FinishReason::kStop;
  std::optional<int32_t> stop_token_;
  std::optional<grammar::GrammarState> constraint_;
  std::optional<int32_t> constraint_eos_;  // the end-of-sequence token the constraint allows when complete
};

}  // namespace hirelm::engine
