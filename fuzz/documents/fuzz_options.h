// Extraction options for fuzzing: small caps so that each input finishes quickly, no OCR.
#pragma once

#include "screening/documents/document.h"
#include "screening/documents/text_normalizer.h"
#include "util/check.h"

namespace hirelm::fuzz {

inline documents::ExtractOptions fuzz_extract_options() {
  documents::ExtractOptions options;
  options.max_file_bytes = 1u << 20;
  options.max_zip_uncompressed = 4u << 20;
  options.max_zip_entries = 256;
  options.max_pdf_pages = 4;
  options.enable_ocr = false;
  return options;
}

// What every successful extraction must satisfy, whatever the input.
inline void check_document(const documents::Document& doc) {
  HIRELM_CHECK(documents::is_valid_utf8(doc.text));
  HIRELM_CHECK(doc.content_hash.size() == 7 + 64);
  HIRELM_CHECK(doc.pages >= 1);
  for (const auto& flag : doc.flags) HIRELM_CHECK(documents::is_valid_utf8(flag.snippet));
}

}  // namespace hirelm::fuzz
