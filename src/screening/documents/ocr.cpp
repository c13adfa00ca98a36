#include "screening/documents/ocr.h"

#include <map>
#include <memory>
#include <mutex>

#include "screening/documents/text_normalizer.h"
#include "util/check.h"
#include "util/error.h"

#ifdef HIRELM_HAVE_TESSERACT
#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#endif

namespace hirelm::documents {
namespace {

// Tesseract's chi_sim model separates every Chinese character with a space; a space between two CJK
// characters is never meaningful in Chinese text, so it goes.
[[maybe_unused]] std::string join_cjk(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  char32_t prev = 0;
  std::string pending_spaces;
  while (pos < text.size()) {
    const char32_t cp = next_code_point(text, pos);
    if (cp == ' ') {
      pending_spaces.push_back(' ');
      continue;
    }
    if (!pending_spaces.empty()) {
      if (!(is_cjk(prev) && is_cjk(cp))) out += pending_spaces;
      pending_spaces.clear();
    }
    append_utf8(out, cp);
    prev = cp;
  }
  return out;
}

}  // namespace

#ifdef HIRELM_HAVE_TESSERACT
namespace {

struct ApiDeleter {
  void operator()(tesseract::TessBaseAPI* api) const {
    api->End();
    delete api;
  }
};

// One initialized engine per language list per thread: Init loads ~50 MB of models, so it is reused.
tesseract::TessBaseAPI* engine_for(const std::string& languages) {
  thread_local std::map<std::string, std::unique_ptr<tesseract::TessBaseAPI, ApiDeleter>> engines;
  auto it = engines.find(languages);
  if (it != engines.end()) return it->second.get();
  std::unique_ptr<tesseract::TessBaseAPI, ApiDeleter> api(new tesseract::TessBaseAPI());
  if (api->Init(nullptr, languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0) return nullptr;
  api->SetPageSegMode(tesseract::PSM_AUTO);
  // Keep runs of spaces between words as one space, and do not write debug output to stderr.
  api->SetVariable("debug_file", "/dev/null");
  return engines.emplace(languages, std::move(api)).first->second.get();
}

constexpr int kRetryBelowConfidence = 88;

struct PixDeleter {
  void operator()(Pix* pix) const { pixDestroy(&pix); }
};

OcrResult recognize_once(tesseract::TessBaseAPI* api, Pix* pix) {
  api->SetImage(pix);
  if (pixGetXRes(pix) <= 0) api->SetSourceResolution(300);
  std::unique_ptr<char[]> text(api->GetUTF8Text());
  OcrResult result;
  if (text) result.text = join_cjk(text.get());
  result.mean_confidence = api->MeanTextConf();
  api->Clear();
  return result;
}

// Tesseract's LSTM models are trained on text lines a few dozen pixels high; large type at high
// resolution (headings, photos taken close up) recognizes worse than the same page scaled down. When
// confidence is mediocre on a large image, try again at 60% and keep the more confident reading.
OcrResult recognize(Pix* pix, const std::string& languages) {
  tesseract::TessBaseAPI* api = engine_for(languages);
  HIRELM_CHECK_MSG(api != nullptr, "OCR used without checking ocr_unavailable_reason()");
  OcrResult best = recognize_once(api, pix);
  if (best.mean_confidence < kRetryBelowConfidence && pixGetWidth(pix) >= 1200) {
    std::unique_ptr<Pix, PixDeleter> smaller(pixScale(pix, 0.6f, 0.6f));
    if (smaller) {
      pixSetResolution(smaller.get(), pixGetXRes(pix) * 6 / 10, pixGetYRes(pix) * 6 / 10);
      OcrResult second = recognize_once(api, smaller.get());
      if (second.mean_confidence > best.mean_confidence) best = std::move(second);
    }
  }
  return best;
}

}  // namespace

std::optional<std::string> ocr_unavailable_reason(const std::string& languages) {
  static std::mutex mutex;
  static std::map<std::string, std::optional<std::string>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(languages);
  if (it != cache.end()) return it->second;
  std::optional<std::string> reason;
  tesseract::TessBaseAPI probe;
  if (probe.Init(nullptr, languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
    reason = "tesseract could not load traineddata for '" + languages +
             "' (install tesseract-ocr-eng and tesseract-ocr-chi-sim)";
  }
  probe.End();
  cache[languages] = reason;
  return reason;
}

OcrResult ocr_encoded_image(std::string_view bytes, const std::string& languages, const std::string& what) {
  std::unique_ptr<Pix, PixDeleter> pix(
      pixReadMem(reinterpret_cast<const l_uint8*>(bytes.data()), bytes.size()));
  if (!pix) throw InvalidInputError(what + ": image could not be decoded");
  if (pixGetWidth(pix.get()) > 20000 || pixGetHeight(pix.get()) > 20000) {
    throw InvalidInputError(what + ": image is " + std::to_string(pixGetWidth(pix.get())) + "x" +
                            std::to_string(pixGetHeight(pix.get())) + " pixels, expected at most 20000x20000");
  }
  return recognize(pix.get(), languages);
}

OcrResult ocr_raster(const RasterImage& image, const std::string& languages) {
  std::unique_ptr<Pix, PixDeleter> pix(pixCreate(image.width, image.height, 8));
  HIRELM_CHECK(pix != nullptr);
  pixSetResolution(pix.get(), image.dpi, image.dpi);
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < image.height; ++y) {
    const uint8_t* row = image.pixels + static_cast<ptrdiff_t>(y) * image.bytes_per_row;
    l_uint32* line = data + static_cast<ptrdiff_t>(y) * wpl;
    for (int x = 0; x < image.width; ++x) {
      int gray = 0;
      switch (image.format) {
        case RasterImage::Format::kGray8:
          gray = row[x];
          break;
        case RasterImage::Format::kRgb24:
          gray = (row[3 * x] * 299 + row[3 * x + 1] * 587 + row[3 * x + 2] * 114) / 1000;
          break;
        case RasterImage::Format::kBgra32:
          gray = (row[4 * x + 2] * 299 + row[4 * x + 1] * 587 + row[4 * x] * 114) / 1000;
          break;
      }
      SET_DATA_BYTE(line, x, gray);
    }
  }
  return recognize(pix.get(), languages);
}

#else  // no tesseract

std::optional<std::string> ocr_unavailable_reason(const std::string&) {
  return std::string("hirelm was built without tesseract (install libtesseract-dev and libleptonica-dev)");
}

OcrResult ocr_encoded_image(std::string_view, const std::string&, const std::string&) {
  HIRELM_CHECK_MSG(false, "OCR used without checking ocr_unavailable_reason()");
  return {};
}

OcrResult ocr_raster(const RasterImage&, const std::string&) {
  HIRELM_CHECK_MSG(false, "OCR used without checking ocr_unavailable_reason()");
  return {};
}

#endif

}  // namespace hirelm::documents
