#include "screening/documents/format_sniffer.h"

#include <algorithm>
#include <cctype>

namespace hirelm::documents {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string extension_of(std::string_view name) {
  const size_t slash = name.find_last_of("/\\");
  const size_t dot = name.find_last_of('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return "";
  return lower(name.substr(dot + 1));
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool looks_like_html(std::string_view head) {
  // Skip a BOM and leading whitespace, then look for the usual openings anywhere in the first 1 KiB.
  const std::string h = lower(head.substr(0, 1024));
  for (const char* tag : {"<!doctype html", "<html", "<head", "<body", "<meta http-equiv", "<title"}) {
    if (h.find(tag) != std::string::npos) return true;
  }
  return false;
}

bool looks_like_text(std::string_view bytes) {
  if (bytes.empty()) return true;
  if (starts_with(bytes, "\xFF\xFE") || starts_with(bytes, "\xFE\xFF") || starts_with(bytes, "\xEF\xBB\xBF")) {
    return true;
  }
  const size_t n = std::min<size_t>(bytes.size(), 8192);
  size_t nul = 0;
  size_t binary = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == 0) {
      ++nul;
    } else if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1B) {
      ++binary;
    }
  }
  // BOM-less UTF-16 has NULs in about half the bytes of ASCII-heavy text and no other controls.
  if (nul > 0) return nul * 4 >= n && binary * 50 <= n;
  return binary * 50 <= n;
}

}  // namespace

DocumentFormat sniff_format(std::string_view bytes, std::string_view filename_hint) {
  const std::string ext = extension_of(filename_hint);
  if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos) return DocumentFormat::kPdf;
  if (starts_with(bytes, "PK\x03\x04") || starts_with(bytes, "PK\x05\x06")) {
    return (ext.empty() || ext == "docx" || ext == "docm" || ext == "dotx") ? DocumentFormat::kDocx
                                                                           : DocumentFormat::kZipOther;
  }
  if (starts_with(bytes, "\x89PNG\r\n\x1A\n") || starts_with(bytes, "\xFF\xD8\xFF") ||
      starts_with(bytes, "II*\0") || starts_with(bytes, "MM\0*") || starts_with(bytes, "GIF87a") ||
      starts_with(bytes, "GIF89a") || starts_with(bytes, "BM") ||
      (starts_with(bytes, "RIFF") && bytes.size() >= 12 && bytes.substr(8, 4) == "WEBP")) {
    // "BM" is also how plain text may start; trust it only with an image extension or binary content.
    if (!starts_with(bytes, "BM") || ext == "bmp" || !looks_like_text(bytes)) return DocumentFormat::kImage;
  }
  if (!looks_like_text(bytes)) return DocumentFormat::kUnknownBinary;
  if (ext == "htm" || ext == "html" || ext == "xhtml" || ext == "mhtml") return DocumentFormat::kHtml;
  if (ext == "txt" || ext == "md" || ext == "markdown" || ext == "text") return DocumentFormat::kText;
  // UTF-16 HTML has NULs that break the tag search; decode-free check on every other byte is overkill,
  // so such pages need the .html extension.
  if (looks_like_html(bytes)) return DocumentFormat::kHtml;
  return DocumentFormat::kText;
}

const char* format_name(DocumentFormat format) {
  switch (format) {
    case DocumentFormat::kPdf:
      return "pdf";
    case DocumentFormat::kDocx:
      return "docx";
    case DocumentFormat::kHtml:
      return "html";
    case DocumentFormat::kText:
      return "text";
    case DocumentFormat::kImage:
      return "image";
    case DocumentFormat::kZipOther:
      return "zip";
    case DocumentFormat::kUnknownBinary:
      return "binary";
  }
  return "unknown";
}

}  // namespace hirelm::documents
