#include "engine/grammar/grammar_state.h"

#include <algorithm>
#include <bit>
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
  // The first "</think>" in tail_ + bytes: tail_ (shorter than the tag) never holds a whole one, so the tag
  // either starts inside tail_ (a proper prefix of it ends tail_; the longest such prefix starts first) or
  // lies inside bytes.
  const std::string_view tail = tail_;
  for (size_t k = std::min(tail.size(), kThinkEnd.size() - 1); k >= 1; --k) {
    if (tail.substr(tail.size() - k) == kThinkEnd.substr(0, k) && bytes.substr(0, kThinkEnd.size() - k) == kThinkEnd.substr(k)) {
      return kThinkEnd.size() - k;
    }
  }
  const size_t at = bytes.find(kThinkEnd);
  return at == std::string_view::npos ? std::string::npos : at + kThinkEnd.size();
}

bool GrammarState::closer_refused(int32_t id, int32_t answer_start) const {
  std::string_view bytes = grammar_->vocabulary().token_bytes(id);
  size_t end = tag_end(bytes);
  if (end == std::string::npos || end == bytes.size()) return false;
  return grammar_->advance(answer_start, bytes.substr(end)) == Automaton::kDead;
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
  const int32_t answer_start = grammar_->start_state(true);
  for (int32_t id : vocab.tag_closers()) {
    if (closer_refused(id, answer_start)) mask.reset(id);
  }
}

namespace {
// Sets logits[i] = -inf for every i < min(mask.size(), logits.size()) not in `mask`, a word at a time.
void refuse_outside(const TokenMask& mask, std::span<float> logits) {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  const size_t n = std::min(static_cast<size_t>(mask.size()), logits.size());
  const auto& words = mask.words();
  for (size_t w = 0; w * 64 < n; ++w) {
    const size_t base = w * 64;
    const size_t width = std::min<size_t>(64, n - base);
    uint64_t refused = ~words[w];
    if (width < 64) refused &= (uint64_t{1} << width) - 1;
    if (refused == 0) continue;
    if (refused == ~uint64_t{0}) {
      std::fill(logits.begin() + static_cast<std::ptrdiff_t>(base),
                logits.begin() + static_cast<std::ptrdiff_t>(base + 64), kNegInf);
      continue;
    }
    for (; refused != 0; refused &= refused - 1) logits[base + static_cast<size_t>(std::countr_zero(refused))] = kNegInf;
  }
}
}  // namespace

void GrammarState::apply_mask(std::span<float> logits) const {
  const Vocabulary& vocab = grammar_->vocabulary();
  const auto n = static_cast<size_t>(vocab.size());
  if (reasoning_ && !eos_accepted_) {
    // While reasoning almost everything is allowed: refuse the few tokens outside the reasoning mask and
    // the tag closers whose bytes after "</think>" cannot start the answer, without copying a mask.
    refuse_outside(vocab.reasoning_mask(), logits);
    const int32_t answer_start = grammar_->start_state(true);
    for (int32_t id : vocab.tag_closers()) {
      if (static_cast<size_t>(id) < logits.size() && closer_refused(id, answer_start)) {
        logits[static_cast<size_t>(id)] = -std::numeric_limits<float>::infinity();
      }
    }
  } else {
    allowed_tokens(scratch_);
    refuse_outside(scratch_, logits);
  }
  if (logits.size() > n) std::fill(logits.begin() + static_cast<std::ptrdiff_t>(n), logits.end(), -std::numeric_limits<float>::infinity());
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
