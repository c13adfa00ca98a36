// XLSX export through libxlsxwriter: sheet "Candidates" (header row frozen, filter on, numbers as numbers,
// unknown values as empty cells) and sheet "Job".
#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>

#include "screening/export/export.h"
#include "screening/export/export_fields.h"
#include "util/error.h"

namespace hirelm::exports {

namespace {

constexpr size_t kMaxCellChars = 32767;  // Excel's limit on the characters of one cell

// Valid XML 1.0 text for a cell: invalid UTF-8 and control characters other than TAB/LF/CR become U+FFFD;
// cut at Excel's cell limit.
std::string cell_text(const std::string& s) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < s.size() && chars < kMaxCellChars; ++chars) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
    bool ok = len != 0 && i + len <= s.size();
    uint32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1Fu) : len == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
    for (size_t k = 1; ok && k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      ok = (b & 0xC0) == 0x80;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if (ok) {
      const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
      const bool bad_cp = (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0xD800 && cp <= 0xDFFF) ||
                          cp == 0xFFFE || cp == 0xFFFF || cp > 0x10FFFF;
      ok = !overlong && !bad_cp;
    }
    if (!ok) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    out.append(s, i, len);
    i += len;
  }
  return out;
}

void check(lxw_error err, const std::string& path) {
  if (err != LXW_NO_ERROR) throw IoError("export: '" + path + "': " + lxw_strerror(err));
}

void write_xlsx_file(const std::string& path, const ExportJob& job, const std::vector<ExportCandidate>& candidates);

}  // namespace

void write_xlsx(const std::string& path, const ExportJob& job, const std::vector<ExportCandidate>& candidates) {
  // libxlsxwriter reports a missing folder only at close, on stderr: check first for one clear error.
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    throw IoError("export: cannot write '" + path + "': folder '" + parent.string() + "' does not exist");
  }
  // Written under a temporary name and renamed, so a crash never leaves half a workbook under the real name.
  const std::string tmp = path + ".tmp";
  write_xlsx_file(tmp, job, candidates);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw IoError("export: cannot rename '" + tmp + "' to '" + path + "'");
  }
}

namespace {

void write_xlsx_file(const std::string& path, const ExportJob& job, const std::vector<ExportCandidate>& candidates) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (wb == nullptr) throw IoError("export: cannot create workbook '" + path + "'");
  lxw_worksheet* sheet = workbook_add_worksheet(wb, "Candidates");
  lxw_worksheet* job_sheet = workbook_add_worksheet(wb, "Job");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* wrap = workbook_add_format(wb);
  format_set_text_wrap(wrap);
  format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
  lxw_format* number = workbook_add_format(wb);
  format_set_num_format(number, "0.##");
  format_set_align(number, LXW_ALIGN_VERTICAL_TOP);

  // Errors while filling cells are collected and reported after the workbook is closed (freed).
  lxw_error first_error = LXW_NO_ERROR;
  auto note = [&](lxw_error e) {
    if (first_error == LXW_NO_ERROR) first_error = e;
  };
  const auto& columns = export_columns();
  for (size_t c = 0; c < columns.size(); ++c) {
    note(worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), columns[c].c_str(), bold));
  }
  lxw_row_t row = 1;
  for (const ExportCandidate& cand : candidates) {
    const auto cells = detail::row_cells(cand);
    for (size_t c = 0; c < cells.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      if (cells[c].numeric) {
        if (cells[c].number) note(worksheet_write_number(sheet, row, col, *cells[c].number, number));
      } else if (!cells[c].text.empty()) {
        note(worksheet_write_string(sheet, row, col, cell_text(cells[c].text).c_str(), wrap));
      }
    }
    ++row;
  }
  worksheet_freeze_panes(sheet, 1, 0);
  worksheet_autofilter(sheet, 0, 0, row - 1, static_cast<lxw_col_t>(columns.size() - 1));
  worksheet_set_column(sheet, 0, 0, 28, nullptr);
  worksheet_set_column(sheet, 7, 8, 40, nullptr);
  worksheet_set_column(sheet, 14, 14, 40, nullptr);
  worksheet_set_column(sheet, 16, 16, 80, nullptr);

  note(worksheet_write_string(job_sheet, 0, 0, "title", bold));
  note(worksheet_write_string(job_sheet, 0, 1, cell_text(job.title).c_str(), nullptr));
  note(worksheet_write_string(job_sheet, 1, 0, "file", bold));
  note(worksheet_write_string(job_sheet, 1, 1, cell_text(job.file).c_str(), nullptr));

  const lxw_error closed = workbook_close(wb);  // writes the file and frees the workbook
  check(first_error, path);
  check(closed, path);
}

}  // namespace

}  // namespace hirelm::exports
