// Fuzz target for blind-mode redaction: any bytes (invalid UTF-8 included) are redacted without a crash,
// and the output is stable under a second pass (marks are never redacted again).
#include <cstddef>
#include <cstdint>
#include <string>

#include "screening/redaction/redaction.h"
#include "util/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hirelm::redaction;
  if (size > 4096) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const RedactionResult r = redact(text);
  const RedactionResult again = redact(r.text);
  HIRELM_CHECK(again.text == r.text);
  return 0;
}
