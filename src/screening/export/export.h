// Exports of a screened batch: CSV (UTF-8 with BOM, RFC 4180), JSON (the architecture.md contract) and XLSX.
// Plain data in, file out; the pipeline builds ExportCandidate from the store and the checks.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace hirelm::exports {

struct MustHave {
  std::string requirement;
  std::string result;  // "pass", "fail" or "unclear"
};

struct Score {
  std::optional<double> median, mean, min, max;  // 0-10, null when no sample scored
  std::vector<std::optional<double>> samples;    // one per sample; null = that sample had no score
};

struct ExportCandidate {
  std::string file;    // the path as given
  std::string status;  // "scored", "no_score" or "error"
  std::optional<std::string> name, email, phone;
  std::optional<double> years_of_experience;
  std::optional<std::string> highest_degree;  // 大专/本科/硕士/博士/other or null
  std::vector<std::string> tech_stack;
  std::vector<std::string> projects;  // at most 3
  Score score;
  std::vector<MustHave> must_haves;
  std::vector<std::string> flags;
  std::string feedback;
  std::string error;  // why status is "error" (bad file, ...); exported only when non-empty
};

struct ExportJob {
  std::string title;
  std::string file;  // the job file as given
};

// Sorts for the ranked table: scored first by median (then mean) descending, then no_score, then error;
// ties keep input order.
void rank_candidates(std::vector<ExportCandidate>& candidates);

// Column order of CSV and XLSX (one header row, one row per candidate).
const std::vector<std::string>& export_columns();

void write_csv(std::ostream& out, const ExportJob& job, const std::vector<ExportCandidate>& candidates);
void write_json(std::ostream& out, const ExportJob& job, const std::vector<ExportCandidate>& candidates);
// libxlsxwriter writes files only. Throws IoError when the file cannot be written.
void write_xlsx(const std::string& path, const ExportJob& job, const std::vector<ExportCandidate>& candidates);

// Writes by the extension of `path` (.csv, .json, .xlsx, case-insensitive). Throws UnsupportedError for
// another extension, IoError when the file cannot be written.
void write_export(const std::string& path, const ExportJob& job, const std::vector<ExportCandidate>& candidates);

}  // namespace hirelm::exports
