// Any bytes must either extract as a PDF through our poppler wrapper (layout, ink check) or fail with a
// typed error. At most 4 pages per input and no OCR keep each run short.
#include <cstdint>
#include <string>

#include "fuzz_options.h"
#include "util/error.h"

// fontconfig (used by poppler's renderer to substitute fonts) keeps a process-lifetime cache that LSan
// reports as a leak; it is not ours and does not grow per input.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig\n"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  // Keep inputs on the PDF path even when the fuzzer mutates the header away.
  if (bytes.substr(0, 1024).find("%PDF-") == std::string::npos) bytes.insert(0, "%PDF-1.4\n");
  try {
    hirelm::fuzz::check_document(
        hirelm::documents::extract_document_bytes(bytes, "fuzz.pdf", hirelm::fuzz::fuzz_extract_options()));
  } catch (const hirelm::Error&) {
  }
  return 0;
}
