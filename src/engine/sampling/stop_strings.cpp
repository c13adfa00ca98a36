#include "engine/sampling/stop_strings.h"

#include <algorithm>

namespace hirelm::sampling {

StopStringMatcher::StopStringMatcher(std::vector<std::string> stops) {
  for (auto& s : stops) {
    if (!s.empty()) stops_.push_back(std::move(s));
  }
}

StopStringMatcher::Result StopStringMatcher::push(std::string_view piece) {
  Result result;
  if (stopped_) {
    result.stopped = true;
    return result;
  }
  pending_.append(piece);

  // The earliest occurrence of any stop string wins; among stops found at the same place, the first
  // listed. Text before it is released and the rest dropped.
  size_t best = std::string::npos;
  for (const auto& stop : stops_) {
    size_t at = pending_.find(stop);
    if (at < best) {
      best = at;
      matched_ = stop;
    }
  }
  if (best != std::string::npos) {
    result.text = pending_.substr(0, best);
    result.stopped = stopped_ = true;
    pending_.clear();
    return result;
  }

  // Hold back the longest tail of pending_ that is a proper prefix of some stop string. Such a tail
  // starts where a stop string's first byte (an ASCII or UTF-8 lead byte) matches, so the released
  // text always ends on a character boundary when the input does.
  size_t hold = 0;
  for (const auto& stop : stops_) {
    const size_t max_len = std::min(stop.size() - 1, pending_.size());
    for (size_t len = max_len; len > hold; --len) {
      if (std::string_view(pending_).substr(pending_.size() - len) == std::string_view(stop).substr(0, len)) {
        hold = len;
        break;
      }
    }
  }
  result.text = pending_.substr(0, pending_.size() - hold);
  pending_.erase(0, pending_.size() - hold);
  return result;
}

std::string StopStringMatcher::flush() {
  std::string out;
  if (!stopped_) out.swap(pending_);
  pending_.clear();
  return out;
}

}  // namespace hirelm::sampling
