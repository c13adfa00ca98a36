// Incremental detokenization for streaming: token ids in, text out, one token at a time. A character
// whose UTF-8 bytes are split over several byte-level tokens is held back until it is complete, so
// every piece released is valid UTF-8; invalid byte sequences come out as U+FFFD (so JSON encoding of
// the output never fails). Special (control) tokens such as end-of-sequence contribute no text, as with
// Hugging Face's skip_special_tokens=True; other added tokens (`<think>`, `</think>`) keep their text.
#pragma once

#include <cstdint>
#include <string>

namespace hirelm {
class Tokenizer;
}

namespace hirelm::engine {

class TokenTextStream {
 public:
  // Keeps a reference: the tokenizer must outlive the stream.
  explicit TokenTextStream(const Tokenizer& tokenizer);

  // Returns the text that became complete with this token (possibly empty).
  std::string push(int32_t token);
  // Ends the stream: an incomplete character left over comes out as U+FFFD.
  std::string finish();

 private:
  const Tokenizer& tokenizer_;
  std::string pending_;  // bytes of an incomplete trailing character
};

// Appends the valid UTF-8 prefix of `bytes` to `out`, replacing each invalid byte with U+FFFD, and
// returns how many trailing bytes form an incomplete (but so far valid) character and were not consumed.
size_t append_valid_utf8(const std::string& bytes, std::string& out);

}  // namespace hirelm::engine
