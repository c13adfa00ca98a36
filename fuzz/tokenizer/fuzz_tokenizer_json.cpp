// libFuzzer target: the tokenizer.json loader. Any input must either load or throw hirelm::Error (or a
// JSON type error surfaced as one); nothing may crash, hang or allocate absurdly. A loaded tokenizer must
// also encode and decode a fixed text without trouble.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/tokenizer/tokenizer.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string json(reinterpret_cast<const char*>(data), size);
  try {
    hirelm::Tokenizer tok = hirelm::Tokenizer::from_json(json, "fuzz.json");
    auto ids = tok.encode("Hello, world! 你好 <think>\n\n  'll 123");
    (void)tok.decode(ids);
    (void)tok.encode("x y", {.parse_special = false, .add_bos = true});
  } catch (const hirelm::Error&) {
  }
  return 0;
}
