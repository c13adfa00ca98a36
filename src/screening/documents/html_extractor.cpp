// HTML resumes (pages saved from job boards): visible text only, via libxml2's HTML parser.
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "screening/documents/raw_extraction.h"
#include "screening/documents/text_decoding.h"
#include "screening/documents/text_normalizer.h"
#include "util/error.h"

namespace hirelm::documents {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The charset a page declares in its first 4 KiB (<meta charset> or http-equiv Content-Type), if any.
std::string declared_charset(std::string_view bytes) {
  const std::string head = lower(bytes.substr(0, 4096));
  for (size_t meta = head.find("<meta"); meta != std::string::npos; meta = head.find("<meta", meta + 5)) {
    const size_t end = std::min(head.find('>', meta), head.size());
    size_t at = head.find("charset", meta);
    if (at == std::string::npos || at >= end) continue;
    at += 7;
    while (at < end && (head[at] == ' ' || head[at] == '=' || head[at] == '"' || head[at] == '\'')) ++at;
    size_t stop = at;
    while (stop < end && (std::isalnum(static_cast<unsigned char>(head[stop])) || head[stop] == '-' ||
                          head[stop] == '_' || head[stop] == ':' || head[stop] == '.')) {
      ++stop;
    }
    if (stop > at) return head.substr(at, stop - at);
  }
  return "";
}

// Converts the page to UTF-8: a BOM wins, then the declared charset, then detection.
std::string page_to_utf8(std::string_view bytes, const std::string& what) {
  if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF" || bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    return decode_text(bytes).utf8;
  }
  const std::string charset = declared_charset(bytes);
  if (!charset.empty() && charset != "utf-8" && charset != "utf8") {
    try {
      return convert_to_utf8(bytes, charset, what);
    } catch (const InvalidInputError&) {
      // A wrong declaration is common (pages re-saved as UTF-8 keep their old meta): detect instead.
    }
  }
  return decode_text(bytes).utf8;
}

bool is_skipped_element(const std::string& name) {
  static const char* const kSkipped[] = {"script", "style", "template", "noscript", "head", "iframe",
                                         "object", "embed", "svg",      "canvas",   "select", "button"};
  return std::any_of(std::begin(kSkipped), std::end(kSkipped), [&](const char* s) { return name == s; });
}

bool is_block_element(const std::string& name) {
  static const char* const kBlocks[] = {
      "p",       "div",   "br",     "li",       "ul",   "ol",     "dl",      "dt",    "dd",   "tr",
      "table",   "h1",    "h2",     "h3",       "h4",   "h5",     "h6",      "hr",    "pre",  "section",
      "article", "header", "footer", "nav",     "aside", "main",  "address", "form",  "fieldset",
      "figure",  "figcaption", "blockquote", "caption", "tbody", "thead", "tfoot", "center", "details",
      "summary", "body"};
  return std::any_of(std::begin(kBlocks), std::end(kBlocks), [&](const char* s) { return name == s; });
}

std::string attribute(xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (!value) return "";
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

bool has_attribute(xmlNode* node, const char* name) {
  return xmlHasProp(node, reinterpret_cast<const xmlChar*>(name)) != nullptr;
}

// True if a CSS length or number is zero ("0", "0px", "0.0em", "0%").
bool is_zero_value(const std::string& value) {
  size_t i = 0;
  bool digit = false;
  while (i < value.size() && (value[i] == '0' || value[i] == '.')) digit |= value[i++] == '0';
  if (!digit) return false;
  const std::string unit = value.substr(i);
  return unit.empty() || unit == "px" || unit == "pt" || unit == "em" || unit == "rem" || unit == "%" ||
         unit == "vh" || unit == "vw";
}

// Inline style that hides the element: display:none, visibility:hidden/collapse, font-size:0, opacity:0.
bool style_hides(const std::string& style_attr) {
  std::string s;
  for (char c : lower(style_attr)) {
    if (!std::isspace(static_cast<unsigned char>(c))) s.push_back(c);
  }
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(';', start);
    if (end == std::string::npos) end = s.size();
    const std::string decl = s.substr(start, end - start);
    start = end + 1;
    const size_t colon = decl.find(':');
    if (colon == std::string::npos) continue;
    const std::string prop = decl.substr(0, colon);
    std::string value = decl.substr(colon + 1);
    if (const size_t bang = value.find('!'); bang != std::string::npos) value.resize(bang);
    if ((prop == "display" && value == "none") ||
        (prop == "visibility" && (value == "hidden" || value == "collapse")) ||
        ((prop == "font-size" || prop == "opacity") && is_zero_value(value))) {
      return true;
    }
  }
  return false;
}

bool is_hidden(xmlNode* node) {
  if (has_attribute(node, "hidden")) return true;
  if (lower(attribute(node, "aria-hidden")) == "true") return true;
  if (lower(attribute(node, "type")) == "hidden") return true;
  return style_hides(attribute(node, "style"));
}

class VisibleTextWalker {
 public:
  void walk(xmlNode* node, bool in_pre) {
    for (xmlNode* child = node; child; child = child->next) visit(child, in_pre);
  }
  std::string text() { return std::move(out_); }
  std::string hidden() { return std::move(hidden_); }

 private:
  void visit(xmlNode* node, bool in_pre) {
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      append_text(reinterpret_cast<const char*>(node->content), in_pre);
      return;
    }
    if (node->type != XML_ELEMENT_NODE) return;
    const std::string name = lower(reinterpret_cast<const char*>(node->name));
    if (is_skipped_element(name)) return;
    if (is_hidden(node)) {
      VisibleTextWalker inner;
      inner.walk(node->children, in_pre);
      std::string dropped = inner.text();
      if (!hidden_.empty() && !dropped.empty()) hidden_.push_back('\n');
      hidden_ += dropped;
      return;
    }
    const bool block = is_block_element(name);
    if (block) newline();
    if (name == "td" || name == "th") {
      if (!line_empty()) out_.push_back('\t');
      pending_space_ = false;
    }
    if (name == "img") {
      // An image's alt text is what a reader of a text-only view sees; keep it out of the resume text.
      return;
    }
    walk(node->children, in_pre || name == "pre" || name == "textarea");
    if (block) newline();
  }

  bool line_empty() const { return out_.empty() || out_.back() == '\n'; }

  void newline() {
    pending_space_ = false;
    if (!out_.empty() && out_.back() != '\n') out_.push_back('\n');
  }

  void append_text(const char* text, bool in_pre) {
    if (!text) return;
    if (in_pre) {
      out_ += text;
      return;
    }
    for (const char* p = text; *p; ++p) {
      const char c = *p;
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
        pending_space_ = true;
        continue;
      }
      if (pending_space_ && !line_empty() && out_.back() != '\t') out_.push_back(' ');
      pending_space_ = false;
      out_.push_back(c);
    }
  }

  std::string out_;
  std::string hidden_;
  bool pending_space_ = false;
};

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

}  // namespace

RawExtraction extract_html(std::string_view bytes, const std::string& what) {
  const std::string utf8 = page_to_utf8(bytes, what);
  RawExtraction result;
  result.method = "html";
  // The page is UTF-8 now; libxml2 must not switch encodings again because of the meta tag.
  std::unique_ptr<xmlDoc, DocDeleter> doc(
      htmlReadMemory(utf8.data(), static_cast<int>(utf8.size()), nullptr, "UTF-8",
                     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                         HTML_PARSE_NOIMPLIED | HTML_PARSE_COMPACT));
  if (!doc) {
    if (utf8.find_first_not_of(" \t\r\n") == std::string::npos) return result;  // empty page
    throw InvalidInputError(what + ": HTML could not be parsed");
  }
  VisibleTextWalker walker;
  walker.walk(doc->children, false);
  result.text = walker.text();
  result.add_hidden(walker.hidden());
  return result;
}

RawExtraction extract_text_file(std::string_view bytes, const std::string& /*what*/) {
  RawExtraction result;
  result.method = "text";
  result.text = decode_text(bytes).utf8;
  return result;
}

}  // namespace hirelm::documents
