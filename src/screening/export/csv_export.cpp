// CSV export: UTF-8 with a byte-order mark (Excel then reads Chinese correctly), RFC 4180 (CRLF records,
// fields with comma, quote, CR or LF quoted, quotes doubled). Text cells that a spreadsheet would run as a
// formula (leading = + - @ TAB CR) get a leading apostrophe (OWASP CSV injection advice).
#include <ostream>

#include "screening/export/export.h"
#include "screening/export/export_fields.h"

namespace hirelm::exports {

namespace {

std::string quote(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos && (field.empty() || (field.front() != ' ' &&
                                                                                 field.back() != ' '))) {
    return field;
  }
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string defuse(const std::string& text) {
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                        text[0] == '\t' || text[0] == '\r')) {
    return "'" + text;
  }
  return text;
}

}  // namespace

void write_csv(std::ostream& out, const ExportJob& /*job*/, const std::vector<ExportCandidate>& candidates) {
  out << "\xEF\xBB\xBF";
  const auto& columns = export_columns();
  for (size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << columns[i];
  out << "\r\n";
  for (const ExportCandidate& c : candidates) {
    const auto cells = detail::row_cells(c);
    for (size_t i = 0; i < cells.size(); ++i) {
      out << (i ? "," : "") << quote(cells[i].numeric ? cells[i].text : defuse(cells[i].text));
    }
    out << "\r\n";
  }
}

}  // namespace hirelm::exports
