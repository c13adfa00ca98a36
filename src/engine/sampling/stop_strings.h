// Stop strings over streamed text. Text arrives in pieces (one detokenized token or more at a time);
// a stop string may span pieces. The matcher releases text as soon as it cannot be part of a stop
// string, holds back a tail that could still grow into one, and never releases the stop string or
// anything after it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hirelm::sampling {

class StopStringMatcher {
 public:
  // Empty strings in `stops` are ignored (they would stop before the first byte).
  explicit StopStringMatcher(std::vector<std::string> stops);

  struct Result {
    std::string text;      // safe to emit now
    bool stopped = false;  // a stop string was found; `text` is everything before it
  };

  // Appends `piece`. After a stop, further pushes return nothing and stay stopped.
  Result push(std::string_view piece);
  // Releases the held-back tail at the end of a generation that did not stop on a string.
  std::string flush();

  bool stopped() const { return stopped_; }
  // Bytes currently held back (for tests and diagnostics).
  size_t held_bytes() const { return pending_.size(); }
  // The stop string that matched; empty until stopped.
  const std::string& matched() const { return matched_; }

 private:
  std::vector<std::string> stops_;
  std::string pending_;
  std::string matched_;
  bool stopped_ = false;
};

}  // namespace hirelm::sampling
