// Resume intake: any resume file (PDF, DOCX, HTML, plain text / Markdown, images) to clean UTF-8 text plus the
// metadata the screening pipeline needs to trust it (hash, language, method, warnings, flags).
// This library sits below screening's pipeline and knows nothing of the model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hirelm::documents {

// A condition of the extraction that HR or the pipeline should know about. Codes (stable): "empty",
// "very_short", "ocr_used", "ocr_low_confidence", "possibly_truncated", "ocr_unavailable", "no_text_layer".
struct Warning {
  std::string code;
  std::string detail;  // human-readable; for ocr_low_confidence the mean confidence, e.g. "mean confidence 41"
};

// Something in the document aimed at the screener rather than at a human reader. Codes (stable):
// "injection_suspected" (snippet = the matched text with a little context) and "hidden_text"
// (snippet = what was dropped, first ~200 characters).
struct Flag {
  std::string code;
  std::string snippet;
};

struct Document {
  std::string path;          // as given (or the filename hint for in-memory uploads)
  std::string text;          // normalized UTF-8 (NFC, see normalize_text), line structure kept
  std::string content_hash;  // "sha256:" + lowercase hex of the file bytes
  std::string language;      // "zh", "en", "mixed" or "unknown" (no letters at all)
  std::string method;        // "pdf_text", "pdf_ocr", "docx", "html", "text", "image_ocr"
  int pages = 0;             // PDF pages; 1 for every other format
  std::vector<Warning> warnings;
  std::vector<Flag> flags;

  bool has_warning(std::string_view code) const;
  bool has_flag(std::string_view code) const;
};

struct ExtractOptions {
  size_t max_file_bytes = 50u << 20;          // larger inputs are rejected (InvalidInputError)
  uint64_t max_zip_uncompressed = 64u << 20;  // DOCX: total uncompressed bytes read, declared and actual
  uint64_t max_zip_entries = 10000;           // DOCX: number of entries in the archive
  int max_pdf_pages = 500;                    // more pages are rejected (InvalidInputError)
  bool enable_ocr = true;                     // OCR images and PDF pages without a text layer
  std::string ocr_languages = "chi_sim+eng";  // tesseract language list
  int ocr_dpi = 300;                          // PDF pages are rendered at this resolution for OCR
  double ocr_low_confidence = 60.0;           // mean word confidence (0-100) below this warns
  // PDF text that does not appear when the page is drawn (white, invisible render mode, clipped away) is
  // found by rendering each page at a low resolution and checking for ink under every word.
  bool pdf_visibility_check = true;
  size_t very_short_chars = 200;  // fewer non-space characters than this warns very_short
};

// Extracts the file at `path`. The format is sniffed from the content; the extension is only a hint.
// Throws NotFoundError (missing file), InvalidInputError (corrupt, over a size cap, zip bomb),
// UnsupportedError (encrypted PDF, unknown binary format) or IoError.
Document extract_document(const std::string& path, const ExtractOptions& options = {});

// Same for bytes already in memory (uploads). `filename_hint` names the document in errors and in
// Document::path, and its extension breaks ties the content cannot.
Document extract_document_bytes(std::string_view bytes, const std::string& filename_hint,
                                const ExtractOptions& options = {});

}  // namespace hirelm::documents
