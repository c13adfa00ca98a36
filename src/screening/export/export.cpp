#include "screening/export/export.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>

#include "screening/export/export_fields.h"
#include "util/error.h"

namespace hirelm::exports {

namespace {

int status_rank(const std::string& status) {
  if (status == "scored") return 0;
  if (status == "no_score") return 1;
  return 2;
}

}  // namespace

void rank_candidates(std::vector<ExportCandidate>& candidates) {
  std::stable_sort(candidates.begin(), candidates.end(), [](const ExportCandidate& a, const ExportCandidate& b) {
    const int ra = status_rank(a.status), rb = status_rank(b.status);
    if (ra != rb) return ra < rb;
    const double ma = a.score.median.value_or(-1), mb = b.score.median.value_or(-1);
    if (ma != mb) return ma > mb;
    return a.score.mean.value_or(-1) > b.score.mean.value_or(-1);
  });
}

const std::vector<std::string>& export_columns() {
  static const std::vector<std::string> kColumns = {
      "file",          "status",     "name",      "email",     "phone",         "years_of_experience",
      "highest_degree", "tech_stack", "projects", "score_median", "score_mean", "score_min",
      "score_max",     "score_samples", "must_haves", "flags",   "feedback",      "error"};
  return kColumns;
}

void write_export(const std::string& path, const ExportJob& job, const std::vector<ExportCandidate>& candidates) {
  const size_t dot = path.find_last_of('.');
  std::string ext = dot == std::string::npos ? std::string() : path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == "xlsx") {
    write_xlsx(path, job, candidates);
    return;
  }
  if (ext != "csv" && ext != "json") {
    throw UnsupportedError("export: '" + path + "': expected a .csv, .json or .xlsx file name, got '." + ext + "'");
  }
  // Written to a temporary file and renamed, so a crash never leaves half an export under the real name.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError("export: cannot write '" + tmp + "'");
    if (ext == "csv") write_csv(out, job, candidates);
    else write_json(out, job, candidates);
    out.flush();
    if (!out) throw IoError("export: write to '" + tmp + "' failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw IoError("export: cannot rename '" + tmp + "' to '" + path + "'");
  }
}

namespace detail {

std::string format_number(const std::optional<double>& v) {
  if (!v) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", *v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

std::string samples_text(const Score& score) {
  std::vector<std::string> parts;
  for (const auto& s : score.samples) parts.push_back(s ? format_number(s) : "n/a");
  return join(parts, "; ");
}

std::string must_haves_text(const std::vector<MustHave>& must_haves) {
  std::vector<std::string> parts;
  for (const MustHave& m : must_haves) parts.push_back(m.requirement + ": " + m.result);
  return join(parts, "; ");
}

std::vector<Cell> row_cells(const ExportCandidate& c) {
  auto text = [](std::string s) { return Cell{false, std::nullopt, std::move(s)}; };
  auto number = [](std::optional<double> v) { return Cell{true, v, format_number(v)}; };
  return {text(c.file),
          text(c.status),
          text(c.name.value_or("")),
          text(c.email.value_or("")),
          text(c.phone.value_or("")),
          number(c.years_of_experience),
          text(c.highest_degree.value_or("")),
          text(join(c.tech_stack, "; ")),
          text(join(c.projects, "\n")),
          number(c.score.median),
          number(c.score.mean),
          number(c.score.min),
          number(c.score.max),
          text(samples_text(c.score)),
          text(must_haves_text(c.must_haves)),
          text(join(c.flags, "; ")),
          text(c.feedback),
          text(c.error)};
}

}  // namespace detail

}  // namespace hirelm::exports
