// What a format extractor hands back before the shared post-processing (normalization, language,
// injection scan, empty/short warnings) in extract_document.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "screening/documents/document.h"

namespace hirelm::documents {

struct RawExtraction {
  std::string text;    // UTF-8, not yet normalized; lines separated by '\n'
  std::string method;  // see Document::method
  int pages = 1;
  std::vector<Warning> warnings;
  std::string hidden_text;  // text dropped because a reader cannot see it, pieces separated by '\n'

  void warn(std::string code, std::string detail = {}) { warnings.push_back({std::move(code), std::move(detail)}); }
  void add_hidden(std::string_view piece) {
    if (piece.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
    if (!hidden_text.empty()) hidden_text.push_back('\n');
    hidden_text.append(piece);
  }
};

// Format extractors. `what` names the file in error messages. Each throws the typed errors of
// util/error.h for bad input and never returns partially parsed garbage silently.
RawExtraction extract_text_file(std::string_view bytes, const std::string& what);
RawExtraction extract_html(std::string_view bytes, const std::string& what);
RawExtraction extract_docx(std::string_view bytes, const std::string& what, const ExtractOptions& options);
RawExtraction extract_pdf(std::string_view bytes, const std::string& what, const ExtractOptions& options);
RawExtraction extract_image(std::string_view bytes, const std::string& what, const ExtractOptions& options);

}  // namespace hirelm::documents
