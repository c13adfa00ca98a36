#include "engine/grammar/grammar_state.h"

#include <limits>

#include "util/check.h"

namespace hirelm::grammar {
namespace {
constexpr std::string_view kThinkEnd = "</think>";
}  // namespace

GrammarState::GrammarState(std::shared_ptr<const Grammar> grammar, ConstraintScope scope)
    : grammar_(std::move(grammar)), reasoning_(scope == ConstraintScope::kAfterReasoning) {
  HIRELM_CHECK(grammar_ != nullptr);
  if (!reasoning_) state_ = grammar_->start_state(false);
}

size_t GrammarState::tag_end(std::string_view bytes) const {
  std::string joined = tail_;
  joined.append(bytes);
  size_t at = joined.find(kThinkEnd);
  if (at == std::string::npos) return std::string::npos;
  size_t end = at + kThinkEnd.size();
  return end <= tail_.size() ? std::string::npos : end - tail_.size();
}

void GrammarState::allowed_tokens(TokenMask& mask) const {
  const Vocabulary& vocab = grammar_->vocabulary();
  if (eos_accepted_) {
    mask.resize(vocab.size());
    return;
  }
  if (!reasoning_) {
    grammar_->fill_mask(state_, mask);
    return;
  }
  mask = vocab.reasoning_mask();
  // A token that completes "</think>" and carries more bytes must fit the start of the answer.
  int32_t answer_start = grammar_->start_state(true);
  for (int32_t id : vocab.tag_closers()) {
    std::string_view bytes = vocab.token_bytes(id);
    size_t end = tag_end(bytes);
    if (end == std::string::npos || end == bytes.size()) continue;
    if (grammar_->advance(answer_start, bytes.substr(end)) == Automaton::kDead) mask.reset(id);
  }
}

void GrammarState::apply_mask(std::span<float> logits) const {
  allowed_tokens(scratch_);
  const int32_t n = scratch_.size();
  for (size_t i = 0; i < logits.size(); ++i) {
    if (static_cast<int64_t>(i) >= n || !scratch_.test(static_cast<int32_t>(i))) {
      logits[i] = -std::numeric_limits<float>::infinity();
    }
  }
}

bool GrammarState::accept_reasoning_token(int32_t id) {
  const Vocabulary& vocab = grammar_->vocabulary();
  if (!vocab.reasoning_mask().test(id)) return false;
  std::string_view bytes = vocab.token_bytes(id);
  size_t end = (vocab.think_end_id() && id == *vocab.think_end_id()) ? bytes.size() : tag_end(bytes);
  if (end == std::string::npos) {
    tail_.append(bytes);
    if (tail_.size() >= kThinkEnd.size()) tail_.erase(0, tail_.size() - (kThinkEnd.size() - 1));
    return true;
  }
  int32_t next = grammar_->advance(grammar_->start_state(true), bytes.substr(end));
  if (next == Automaton::kDead) return false;
  state_ = next;
  reasoning_ = false;
  tail_.clear();
  return true;
}

bool GrammarState::accept_token(int32_t id) {
  const Vocabulary& vocab = grammar_->vocabulary();
  if (eos_accepted_ || id < 0 || id >= vocab.size()) return false;
  if (reasoning_) return accept_reasoning_token(id);
  if (vocab.eos_id() && id == *vocab.eos_id()) {
    if (!grammar_->accepting(state_)) return false;
    eos_accepted_ = true;
    return true;
  }
  std::string_view bytes = vocab.token_bytes(id);
  if (vocab.is_added(id) || bytes.empty()) return false;
  int32_t next = grammar_->advance(state_, bytes);
  if (next == Automaton::kDead) return false;
  state_ = next;
  return true;
}

bool GrammarState::is_complete() const { return !reasoning_ && grammar_->accepting(state_); }

bool GrammarState::can_end() const { return !eos_accepted_ && is_complete(); }

bool GrammarState::is_finished() const {
  return eos_accepted_ || (!reasoning_ && grammar_->accepting(state_) && !grammar_->can_continue(state_));
}

}  // namespace hirelm::grammar
