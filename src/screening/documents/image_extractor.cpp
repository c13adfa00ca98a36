// Photographed or scanned resumes (PNG, JPEG, TIFF, WebP, ...): OCR when available, a warning otherwise.
#include <cmath>

#include "screening/documents/ocr.h"
#include "screening/documents/raw_extraction.h"

namespace hirelm::documents {

RawExtraction extract_image(std::string_view bytes, const std::string& what, const ExtractOptions& options) {
  RawExtraction result;
  result.method = "image_ocr";
  if (!options.enable_ocr) {
    result.warn("ocr_unavailable", "OCR disabled");
    return result;
  }
  if (const std::optional<std::string> missing = ocr_unavailable_reason(options.ocr_languages)) {
    result.warn("ocr_unavailable", *missing);
    return result;
  }
  const OcrResult ocr = ocr_encoded_image(bytes, options.ocr_languages, what);
  result.text = ocr.text;
  result.warn("ocr_used");
  if (ocr.mean_confidence < options.ocr_low_confidence) {
    result.warn("ocr_low_confidence", "mean confidence " + std::to_string(static_cast<int>(std::lround(ocr.mean_confidence))));
  }
  return result;
}

}  // namespace hirelm::documents
