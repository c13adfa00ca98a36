// Any bytes must either open as safetensors whose tensors lie inside the file, or fail with a typed error.
#include <cstdint>
#include <string>

#include "engine/formats/safetensors.h"
#include "fuzz_input_file.h"
#include "util/check.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = hirelm::fuzz::write_input(data, size, ".safetensors");
  try {
    hirelm::formats::SafetensorsFile f = hirelm::formats::SafetensorsFile::open(path);
    volatile uint8_t sink = 0;
    for (const auto& t : f.tensors()) {
      HIRELM_CHECK(t.n_bytes <= size);
      if (t.n_bytes > 0) sink = static_cast<uint8_t>(sink + t.data[0] + t.data[t.n_bytes - 1]);
      HIRELM_CHECK(f.find(t.name) == &t);
    }
  } catch (const hirelm::Error&) {
  }
  return 0;
}
