// Streaming detokenization: turns ids, one at a time, into text that is always complete UTF-8, so a
// character whose bytes are split across tokens (common for CJK and emoji) is never printed broken.
#pragma once

#include <cstdint>
#include <string>

#include "engine/tokenizer/tokenizer.h"

namespace hirelm {

class StreamingDetokenizer {
 public:
  // `tokenizer` must outlive this object. With skip_special, special (control) tokens produce no text.
  explicit StreamingDetokenizer(const Tokenizer& tokenizer, bool skip_special = false)
      : tokenizer_(&tokenizer), skip_special_(skip_special) {}

  // Adds one token and returns the text it completes (possibly empty). Bytes that start a character
  // not yet complete are held back; bytes that can never form a character come out as U+FFFD.
  // The concatenation of every push() and a final flush() equals Tokenizer::decode() of all the ids.
  std::string push(int32_t id);

  // Returns whatever is held back (an unfinished character, as U+FFFD) and resets the state.
  std::string flush();

  // Bytes held back, waiting for the rest of a character.
  size_t pending_bytes() const { return pending_.size(); }

 private:
  const Tokenizer* tokenizer_;
  bool skip_special_;
  std::string pending_;
};

}  // namespace hirelm
