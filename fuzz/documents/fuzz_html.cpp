// Any bytes must either extract as HTML (visible text, valid UTF-8) or fail with a typed error.
#include <cstdint>
#include <string>

#include "fuzz_options.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    hirelm::fuzz::check_document(
        hirelm::documents::extract_document_bytes(bytes, "fuzz.html", hirelm::fuzz::fuzz_extract_options()));
  } catch (const hirelm::Error&) {
  }
  return 0;
}
