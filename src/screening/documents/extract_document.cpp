// The intake entry points: read, sniff, dispatch to a format extractor, then the shared post-processing.
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "screening/documents/document.h"
#include "screening/documents/format_sniffer.h"
#include "screening/documents/injection_scanner.h"
#include "screening/documents/language.h"
#include "screening/documents/raw_extraction.h"
#include "screening/documents/text_normalizer.h"
#include "util/check.h"
#include "util/error.h"

namespace hirelm::documents {
namespace {

constexpr size_t kHiddenSnippetChars = 200;

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const bool ok = EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) == 1;
  HIRELM_CHECK_MSG(ok, "EVP_Digest(sha256) failed");
  static const char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

// The first `n` code points of `s`.
std::string prefix_chars(const std::string& s, size_t n) {
  size_t pos = 0;
  while (pos < s.size() && n > 0) {
    next_code_point(s, pos);
    --n;
  }
  return s.substr(0, pos);
}

size_t visible_chars(const std::string& s) {
  size_t n = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    const char32_t cp = next_code_point(s, pos);
    if (cp != ' ' && cp != '\n' && cp != '\t') ++n;
  }
  return n;
}

RawExtraction dispatch(std::string_view bytes, const std::string& what, const ExtractOptions& options) {
  switch (sniff_format(bytes, what)) {
    case DocumentFormat::kPdf:
      return extract_pdf(bytes, what, options);
    case DocumentFormat::kDocx:
      return extract_docx(bytes, what, options);
    case DocumentFormat::kHtml:
      return extract_html(bytes, what);
    case DocumentFormat::kText:
      return extract_text_file(bytes, what);
    case DocumentFormat::kImage:
      return extract_image(bytes, what, options);
    case DocumentFormat::kZipOther:
      throw UnsupportedError(what + ": zip archive that is not a DOCX (only .docx is supported)");
    case DocumentFormat::kUnknownBinary:
      throw UnsupportedError(what + ": unrecognized binary format (expected PDF, DOCX, HTML, text or an image)");
  }
  throw UnsupportedError(what + ": unrecognized format");
}

}  // namespace

bool Document::has_warning(std::string_view code) const {
  return std::any_of(warnings.begin(), warnings.end(), [&](const Warning& w) { return w.code == code; });
}

bool Document::has_flag(std::string_view code) const {
  return std::any_of(flags.begin(), flags.end(), [&](const Flag& f) { return f.code == code; });
}

Document extract_document_bytes(std::string_view bytes, const std::string& filename_hint,
                                const ExtractOptions& options) {
  if (bytes.size() > options.max_file_bytes) {
    throw InvalidInputError(filename_hint + ": file is " + std::to_string(bytes.size()) + " bytes, expected at most " +
                            std::to_string(options.max_file_bytes));
  }
  RawExtraction raw = dispatch(bytes, filename_hint, options);

  Document doc;
  doc.path = filename_hint;
  doc.content_hash = sha256_hex(bytes);
  doc.method = raw.method;
  doc.pages = raw.pages;
  doc.text = normalize_text(raw.text);
  doc.language = detect_language(doc.text);
  doc.warnings = std::move(raw.warnings);

  const size_t chars = visible_chars(doc.text);
  if (chars == 0) {
    doc.warnings.push_back({"empty", "no text extracted"});
  } else if (chars < options.very_short_chars) {
    doc.warnings.push_back({"very_short", std::to_string(chars) + " characters"});
  }
  for (InjectionMatch& match : scan_for_injection(doc.text)) {
    doc.flags.push_back({"injection_suspected", std::move(match.snippet)});
  }
  if (!raw.hidden_text.empty()) {
    const std::string hidden = normalize_text(raw.hidden_text);
    if (!hidden.empty()) {
      doc.flags.push_back({"hidden_text", prefix_chars(hidden, kHiddenSnippetChars)});
      // Hidden text is where planted instructions hide; report them too, marked as hidden.
      for (InjectionMatch& match : scan_for_injection(hidden)) {
        doc.flags.push_back({"injection_suspected", "(hidden) " + match.snippet});
      }
    }
  }
  return doc;
}

Document extract_document(const std::string& path, const ExtractOptions& options) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw NotFoundError(path + ": no such file");
  if (std::filesystem::is_directory(status)) throw InvalidInputError(path + ": is a directory, expected a file");
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > options.max_file_bytes) {
    throw InvalidInputError(path + ": file is " + std::to_string(size) + " bytes, expected at most " +
                            std::to_string(options.max_file_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot open for reading");
  std::string bytes;
  // Read at most one byte past the cap so that a file growing under us is still caught.
  bytes.resize(static_cast<size_t>(std::min<uintmax_t>(ec ? options.max_file_bytes + 1 : size, options.max_file_bytes + 1)));
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.bad()) throw IoError(path + ": read failed");
  bytes.resize(static_cast<size_t>(in.gcount()));
  return extract_document_bytes(bytes, path, options);
}

}  // namespace hirelm::documents
