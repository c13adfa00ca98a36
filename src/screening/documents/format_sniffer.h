// Which extractor a file goes to, decided from its bytes; the filename extension only breaks ties.
#pragma once

#include <string>
#include <string_view>

namespace hirelm::documents {

enum class DocumentFormat { kPdf, kDocx, kHtml, kText, kImage, kZipOther, kUnknownBinary };

// Magic bytes first: "%PDF-" in the first 1 KiB, "PK\3\4" (DOCX if it has word/document.xml, checked by
// the DOCX reader; here a zip is kDocx unless the hint says otherwise), PNG/JPEG/TIFF/WebP/BMP/GIF
// signatures, "<html"/"<!doctype html"/<head>/<body> near the start. Text (valid UTF-8, UTF-16 with or
// without BOM, or mostly printable bytes) is kText unless the hint is .htm/.html/.xhtml. Anything else
// is kUnknownBinary.
DocumentFormat sniff_format(std::string_view bytes, std::string_view filename_hint);

const char* format_name(DocumentFormat format);

}  // namespace hirelm::documents
