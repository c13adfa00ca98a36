#include "engine/sampling/reasoning_splitter.h"

#include <algorithm>

namespace hirelm::sampling {

namespace {
bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

size_t leading_space(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && is_space(s[n])) ++n;
  return n;
}

// Length of the longest proper prefix of `tag` that `s` ends with.
size_t partial_tag_suffix(std::string_view s, std::string_view tag) {
  for (size_t len = std::min(tag.size() - 1, s.size()); len > 0; --len) {
    if (s.substr(s.size() - len) == tag.substr(0, len)) return len;
  }
  return 0;
}
}  // namespace

ReasoningSplitter::ReasoningSplitter(bool starts_in_reasoning, std::string open_tag, std::string close_tag)
    : open_tag_(std::move(open_tag)),
      close_tag_(std::move(close_tag)),
      state_(starts_in_reasoning ? State::kReasoningStart : State::kStart),
      had_reasoning_(starts_in_reasoning) {}

ReasoningSplitter::Delta ReasoningSplitter::push(std::string_view text) {
  Delta out;
  pending_.append(text);
  while (!pending_.empty()) {
    switch (state_) {
      case State::kStart: {
        const std::string_view rest = std::string_view(pending_).substr(leading_space(pending_));
        const size_t n = std::min(rest.size(), open_tag_.size());
        if (rest.empty() || (rest.size() < open_tag_.size() && rest == std::string_view(open_tag_).substr(0, n))) {
          return out;  // undecided: only whitespace or a partial "<think>" so far
        }
        if (rest.substr(0, open_tag_.size()) == open_tag_) {
          pending_.erase(0, pending_.size() - rest.size() + open_tag_.size());
          state_ = State::kReasoningStart;
          had_reasoning_ = true;
        } else {
          state_ = State::kContent;  // a raw completion: keep its leading whitespace
        }
        break;
      }
      case State::kReasoningStart:
      case State::kContentStart: {
        pending_.erase(0, leading_space(pending_));
        if (pending_.empty()) return out;
        state_ = state_ == State::kReasoningStart ? State::kReasoning : State::kContent;
        break;
      }
      case State::kReasoning: {
        const size_t at = pending_.find(close_tag_);
        if (at != std::string::npos) {
          out.reasoning.append(pending_, 0, at);
          pending_.erase(0, at + close_tag_.size());
          state_ = State::kContentStart;
          break;
        }
        const size_t hold = partial_tag_suffix(pending_, close_tag_);
        out.reasoning.append(pending_, 0, pending_.size() - hold);
        pending_.erase(0, pending_.size() - hold);
        return out;
      }
      case State::kContent:
        out.content.append(pending_);
        pending_.clear();
        return out;
    }
  }
  return out;
}

ReasoningSplitter::Delta ReasoningSplitter::finish() {
  Delta out;
  switch (state_) {
    case State::kStart:
    case State::kContent:
      out.content.swap(pending_);
      break;
    case State::kReasoning:
      out.reasoning.swap(pending_);
      break;
    case State::kReasoningStart:
    case State::kContentStart:
      break;  // only whitespace is pending, and it is dropped
  }
  pending_.clear();
  return out;
}

}  // namespace hirelm::sampling
