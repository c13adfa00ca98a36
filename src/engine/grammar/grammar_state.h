// Per-sequence constraint state: cheap to create (one shared_ptr copy and a few ints), advanced by each
// sampled token. Not thread-safe itself (one sequence, one thread); many states may share a Grammar.
//
// Scope:
//  * kWholeOutput: every generated token is constrained from the first one.
//  * kAfterReasoning: for reasoning models (DeepSeek-R1). Until `</think>` has been generated — as the
//    `</think>` token or as its bytes spread over ordinary tokens — every token except EOS and special
//    (control) tokens is allowed; then up to kMaxLeadingWhitespace spaces/newlines and the constrained
//    answer follow. EOS is refused while reasoning: an output without an answer is never valid.
//
// Ending: EOS is allowed exactly when the answer so far is a complete match (can_end()). A generation cut
// off by max_tokens before that has is_complete() == false: report finish_reason "length", never a value.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "engine/grammar/grammar.h"
#include "engine/grammar/token_mask.h"

namespace hirelm::grammar {

enum class ConstraintScope {
  kWholeOutput,
  kAfterReasoning,
};

class GrammarState {
 public:
  explicit GrammarState(std::shared_ptr<const Grammar> grammar,
                        ConstraintScope scope = ConstraintScope::kWholeOutput);

  // The tokens allowed next (mask is resized to the vocabulary size). After EOS: none.
  void allowed_tokens(TokenMask& mask) const;
  // Sets logits of disallowed tokens to -infinity. `logits` may be longer than the vocabulary (padded
  // model vocabularies): the padding ids are disallowed too.
  void apply_mask(std::span<float> logits) const;

  // Advances by one generated token. Returns false, leaving the state unchanged, if the token is not
  // allowed here (the caller should only sample allowed tokens).
  bool accept_token(int32_t id);

  // The answer generated so far is a complete match (a valid value / full regex match).
  bool is_complete() const;
  // EOS would be accepted now (same as is_complete() before EOS; false after it).
  bool can_end() const;
  // Generation must stop: EOS was accepted, or the answer is complete and nothing can extend it.
  bool is_finished() const;
  bool in_reasoning() const { return reasoning_; }
  const Grammar& grammar() const { return *grammar_; }

 private:
  bool accept_reasoning_token(int32_t id);
  // If `tail_ + bytes` completes "</think>" within `bytes`, the bytes after the tag; else npos.
  size_t tag_end(std::string_view bytes) const;
  // While reasoning: the tag closer `id` completes "</think>" and its bytes after it cannot start the answer.
  bool closer_refused(int32_t id, int32_t answer_start) const;

  std::shared_ptr<const Grammar> grammar_;
  bool reasoning_;
  bool eos_accepted_ = false;
  int32_t state_ = 0;
  std::string tail_;  // the last bytes of reasoning (shorter than "</think>")
  mutable TokenMask scratch_;
};

}  // namespace hirelm::grammar
