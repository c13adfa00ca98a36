// Any bytes must either open as a GGUF whose tensors lie inside the file, or fail with a typed error.
#include <cstdint>
#include <string>

#include "engine/formats/describe.h"
#include "engine/formats/gguf.h"
#include "fuzz_input_file.h"
#include "util/check.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = hirelm::fuzz::write_input(data, size, ".gguf");
  try {
    hirelm::formats::GgufFile g = hirelm::formats::GgufFile::open(path);
    volatile uint8_t sink = 0;
    for (const auto& t : g.tensors()) {
      HIRELM_CHECK(t.n_bytes <= size);
      // Touch the first and last byte so ASan sees any out-of-map pointer.
      if (t.n_bytes > 0) sink = static_cast<uint8_t>(sink + t.data[0] + t.data[t.n_bytes - 1]);
    }
    (void)hirelm::formats::describe_model_file(path);
  } catch (const hirelm::Error&) {
  }
  return 0;
}
