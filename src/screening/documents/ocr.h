// OCR with tesseract (chi_sim + eng) when hirelm is built with it and the traineddata are installed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hirelm::documents {

struct OcrResult {
  std::string text;               // UTF-8, lines separated by '\n'; spaces between CJK characters removed
  double mean_confidence = 0.0;   // tesseract's mean word confidence, 0-100
};

// An 8-bit-per-channel image in memory. `format` says how the pixels are laid out.
struct RasterImage {
  enum class Format { kGray8, kRgb24, kBgra32 };
  const uint8_t* pixels = nullptr;
  int width = 0;
  int height = 0;
  int bytes_per_row = 0;
  Format format = Format::kBgra32;
  int dpi = 300;
};

// Why OCR cannot run, or nothing if it can: "hirelm was built without tesseract" or "tesseract
// traineddata for 'chi_sim' not found (install tesseract-ocr-chi-sim)". Checked once per language list.
std::optional<std::string> ocr_unavailable_reason(const std::string& languages);

// Recognizes text in an encoded image (PNG, JPEG, TIFF, WebP, BMP, GIF as leptonica reads them).
// Throws InvalidInputError naming `what` if leptonica cannot decode it. OCR must be available.
OcrResult ocr_encoded_image(std::string_view bytes, const std::string& languages, const std::string& what);

// Recognizes text in raw pixels (a rendered PDF page). OCR must be available.
OcrResult ocr_raster(const RasterImage& image, const std::string& languages);

}  // namespace hirelm::documents
