// Any bytes must either extract as a DOCX or fail with a typed error. The first byte picks the mode:
// even = the bytes are the zip archive itself (zip parsing, limits), odd = the rest is word/document.xml
// inside a valid archive (WordprocessingML walking).
#include <zip.h>

#include <cstdint>
#include <string>

#include "fuzz_options.h"
#include "util/error.h"

namespace {

std::string zip_with_document(const uint8_t* data, size_t size) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(buffer);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  zip_source_t* src = zip_source_buffer(archive, data, size, 0);
  zip_file_add(archive, "word/document.xml", src, ZIP_FL_OVERWRITE);
  zip_close(archive);
  std::string out;
  zip_source_open(buffer);
  zip_source_seek(buffer, 0, SEEK_END);
  out.resize(static_cast<size_t>(zip_source_tell(buffer)));
  zip_source_seek(buffer, 0, SEEK_SET);
  zip_source_read(buffer, out.data(), out.size());
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string bytes = (data[0] & 1) ? zip_with_document(data + 1, size - 1)
                                          : std::string(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    hirelm::fuzz::check_document(
        hirelm::documents::extract_document_bytes(bytes, "fuzz.docx", hirelm::fuzz::fuzz_extract_options()));
  } catch (const hirelm::Error&) {
  }
  return 0;
}
