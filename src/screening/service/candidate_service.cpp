#include "screening/service/candidate_service.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "screening/export/export.h"
#include "screening/job/job.h"
#include "screening/service/candidate_record.h"
#include "screening/service/job_service.h"

namespace hirelm::service {

namespace {

Json opt(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }
Json opt(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

Json parse_or(const std::string& text, Json fallback) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

}  // namespace

struct CandidateService::Entry {
  store::DocumentResults results;
  exports::ExportCandidate record;
  int64_t rank = 0;  // 1-based, the CLI's ranking
};

std::vector<CandidateService::Entry> CandidateService::load(int64_t job_id) {
  JobService(session_).require(job_id);
  // The documents' intake flags (meta_json "flags"), in one query for the whole job.
  std::map<int64_t, std::vector<std::string>> intake_flags;
  {
    auto q = session_.db().prepare(
        "SELECT d.id, d.meta_json FROM documents d JOIN job_documents jd ON jd.document_id = d.id "
        "WHERE jd.job_id = ?");
    q->bind(1, job_id);
    while (q->step()) {
      std::vector<std::string>& flags = intake_flags[q->int64(0)];
      const Json meta = parse_or(q->text(1), Json::object());
      if (meta.is_object() && meta.contains("flags") && meta["flags"].is_array()) {
        for (const auto& f : meta["flags"]) {
          if (f.is_string()) flags.push_back(f.get<std::string>());
        }
      }
    }
  }
  std::vector<Entry> entries;
  for (auto& r : session_.store.load_results(job_id)) {
    Entry e;
    e.record = stored_export_candidate(r, r.path, intake_flags[r.document_id]);  // r.path: the job's file name
    e.results = std::move(r);
    entries.push_back(std::move(e));
  }
  std::vector<exports::ExportCandidate> records;
  for (const auto& e : entries) records.push_back(e.record);
  const std::vector<size_t> order = ranked_order(records);
  std::vector<Entry> ranked;
  for (size_t i = 0; i < order.size(); ++i) {
    ranked.push_back(std::move(entries[order[i]]));
    ranked.back().rank = static_cast<int64_t>(i + 1);
  }
  return ranked;
}

namespace {

Json row_json(const store::DocumentResults& r, const exports::ExportCandidate& c, int64_t rank) {
  Json row;
  row["candidate_id"] = r.candidate_id;
  row["document_id"] = r.document_id;
  row["rank"] = rank;
  row["name"] = opt(c.name);
  row["file_name"] = c.file;
  row["status"] = c.status;
  row["score"] = opt(c.score.median);
  row["score_min"] = opt(c.score.min);
  row["score_max"] = opt(c.score.max);
  row["spread"] = c.score.min && c.score.max ? Json(*c.score.max - *c.score.min) : Json(nullptr);
  Json must = Json::array();
  bool passed = true;
  for (const auto& m : c.must_haves) {
    must.push_back({{"requirement", m.requirement}, {"result", m.result}});
    passed = passed && m.result == "pass";
  }
  row["must_haves"] = must;
  row["must_haves_passed"] = passed && c.status == "scored";
  row["flags"] = c.flags;
  row["years_of_experience"] = opt(c.years_of_experience);
  row["highest_degree"] = opt(c.highest_degree);
  return row;
}

bool matches(const Json& row, const CandidateFilter& f) {
  if (f.must_haves_pass && !row["must_haves_passed"].get<bool>()) return false;
  std::set<std::string> flags;
  for (const auto& x : row["flags"]) flags.insert(x.get<std::string>());
  for (const auto& want : f.flags) {
    if (!flags.count(want)) return false;
  }
  if (f.no_flags && !flags.empty()) return false;
  if (f.min_score || f.max_score) {
    if (row["score"].is_null()) return false;
    const double s = row["score"].get<double>();
    if (f.min_score && s < *f.min_score) return false;
    if (f.max_score && s > *f.max_score) return false;
  }
  if (f.status && row["status"] != *f.status) return false;
  if (!f.query.empty()) {
    const std::string name = row["name"].is_string() ? row["name"].get<std::string>() : "";
    const std::string file = row["file_name"].get<std::string>();
    auto lower = [](std::string s) {
      for (char& ch : s) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      }
      return s;
    };
    const std::string q = lower(f.query);
    if (lower(name).find(q) == std::string::npos && lower(file).find(q) == std::string::npos) return false;
  }
  return true;
}

}  // namespace

Json CandidateService::list(int64_t job_id, const CandidateFilter& filter) {
  const std::vector<Entry> entries = load(job_id);
  std::vector<Json> rows;
  for (const auto& e : entries) {
    Json row = row_json(e.results, e.record, e.rank);
    if (matches(row, filter)) rows.push_back(std::move(row));
  }
  if (filter.sort != "score") {
    const std::string key = filter.sort == "years" ? "years_of_experience" : filter.sort;
    // Nulls last in either order; ties keep the rank order.
    std::stable_sort(rows.begin(), rows.end(), [&](const Json& a, const Json& b) {
      const Json& x = a[key];
      const Json& y = b[key];
      if (x.is_null() || y.is_null()) return !x.is_null() && y.is_null();
      const bool less = x < y;
      const bool greater = y < x;
      return filter.ascending ? less : greater;
    });
  } else if (filter.ascending) {
    std::reverse(rows.begin(), rows.end());
  }
  Json out;
  out["candidates"] = Json(rows);
  out["total"] = entries.size();
  return out;
}

Json CandidateService::detail(int64_t job_id, int64_t candidate_id) {
  const std::vector<Entry> entries = load(job_id);
  const Entry* entry = nullptr;
  std::optional<int64_t> duplicate_of;
  for (const auto& e : entries) {
    if (e.results.candidate_id != candidate_id) continue;
    if (!entry || e.results.document_id < entry->results.document_id) {
      if (entry) duplicate_of = entry->results.document_id;
      entry = &e;
    } else {
      duplicate_of = entry->results.document_id;
    }
  }
  if (!entry) {
    throw NotFoundError("no candidate " + std::to_string(candidate_id) + " in job " + std::to_string(job_id));
  }
  const store::DocumentResults& r = entry->results;
  Json c = row_json(r, entry->record, entry->rank);
  // Profile and contact.
  Json profile = nullptr;
  if (const auto* p = r.stage("profile")) {
    const Json v = parse_or(p->value_json, Json::object());
    if (v.is_object() && v.contains("profile")) profile = v["profile"];
  }
  c["profile"] = profile;
  c["contact"] = {{"email", opt(entry->record.email)}, {"phone", opt(entry->record.phone)}};
  // Criteria with weights (from the job), scores and the samples' evidence quotes.
  std::map<std::string, double> weights;
  {
    auto q = session_.db().prepare("SELECT text FROM jobs WHERE id = ?");
    q->bind(1, job_id);
    if (q->step()) {
      try {
        for (const auto& cr : screening::parse_job(q->text(0), "job").criteria) weights[cr.name] = cr.weight;
      } catch (const InvalidInputError&) {
        for (const auto& cr : screening::Job::default_criteria()) weights[cr.name] = cr.weight;
      }
    }
  }
  Json criteria = Json::array();
  Json samples = Json::array();
  std::string reasoning;
  if (const auto* s = r.stage("score")) {
    const Json v = parse_or(s->value_json, Json::object());
    std::map<std::string, Json> evidence;  // criterion -> [{quote, verified}]
    std::map<std::string, std::set<std::string>> seen;
    std::optional<double> best_distance;
    const std::optional<double> median = entry->record.score.median;
    for (const auto& sample : s->samples) {
      const Json parsed = parse_or(sample.parsed_json, Json::object());
      Json total = parsed.is_object() && parsed.contains("total") ? parsed["total"] : Json(nullptr);
      samples.push_back({{"index", sample.index},
                         {"seed", sample.seed ? Json(*sample.seed) : Json(nullptr)},
                         {"score", total},
                         {"reasoning", sample.reasoning},
                         {"answer", sample.answer}});
      // The reasoning shown is that of the sample closest to the median.
      if (total.is_number() && median) {
        const double d = std::fabs(total.get<double>() - *median);
        if (!best_distance || d < *best_distance) {
          best_distance = d;
          reasoning = sample.reasoning;
        }
      } else if (reasoning.empty()) {
        reasoning = sample.reasoning;
      }
      if (!parsed.is_object() || !parsed.contains("criteria")) continue;
      for (const auto& cs : parsed["criteria"]) {
        const std::string name = cs.value("name", "");
        for (const auto& q : cs.value("evidence", Json::array())) {
          const std::string text = q.value("text", "");
          if (text.empty() || !seen[name].insert(text).second) continue;
          evidence[name].push_back({{"quote", text}, {"verified", q.value("verified", false)}});
        }
      }
    }
    for (const auto& cr : v.value("criteria", Json::array())) {
      const std::string name = cr.value("name", "");
      criteria.push_back({{"name", name},
                          {"weight", weights.count(name) ? Json(weights[name]) : Json(nullptr)},
                          {"score", cr.contains("score") ? cr["score"] : Json(nullptr)},
                          {"evidence", evidence.count(name) ? evidence[name] : Json::array()}});
    }
  }
  c["criteria"] = criteria;
  c["samples"] = samples;
  c["reasoning"] = reasoning;
  c["feedback"] = entry->record.feedback;
  Json document = {{"id", r.document_id}, {"file_name", entry->record.file}, {"language", nullptr}, {"text", ""}};
  {
    auto q = session_.db().prepare("SELECT language, text FROM documents WHERE id = ?");
    q->bind(1, r.document_id);
    if (q->step()) {
      document["language"] = q->text(0);
      document["text"] = q->text(1);
    }
  }
  c["document"] = document;
  c["duplicate_of"] = duplicate_of ? Json(*duplicate_of) : Json(nullptr);
  return {{"candidate", c}};
}

ExportFile CandidateService::export_job(int64_t job_id, const std::string& format, const std::string& actor) {
  if (format != "csv" && format != "json" && format != "xlsx") {
    throw InvalidInputError("format: expected csv, xlsx or json, got '" + format + "'");
  }
  const std::vector<Entry> entries = load(job_id);
  std::vector<exports::ExportCandidate> records;
  for (const auto& e : entries) records.push_back(e.record);
  exports::ExportJob job;
  {
    auto q = session_.db().prepare("SELECT title FROM jobs WHERE id = ?");
    q->bind(1, job_id);
    if (q->step()) job.title = q->text(0);
  }
  job.file = "job-" + std::to_string(job_id);
  ExportFile out;
  out.file_name = "job-" + std::to_string(job_id) + "-candidates." + format;
  if (format == "csv" || format == "json") {
    std::ostringstream s;
    if (format == "csv") {
      exports::write_csv(s, job, records);
      out.content_type = "text/csv; charset=utf-8";
    } else {
      exports::write_json(s, job, records);
      out.content_type = "application/json";
    }
    out.bytes = s.str();
  } else {
    // libxlsxwriter writes files only: a private temporary file, read back and removed.
    char path[] = "/tmp/hirelm-export-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) throw IoError("export: cannot create a temporary file in /tmp");
    close(fd);
    const std::string file = std::string(path) + ".xlsx";
    std::rename(path, file.c_str());
    try {
      exports::write_xlsx(file, job, records);
      std::ifstream in(file, std::ios::binary);
      out.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } catch (...) {
      std::remove(file.c_str());
      throw;
    }
    std::remove(file.c_str());
    out.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  }
  session_.store.audit(actor, "job.export", "job:" + std::to_string(job_id), Json{{"format", format}}.dump());
  return out;
}

void CandidateService::erase(int64_t candidate_id, const std::string& actor, const std::string& reason) {
  {
    auto q = session_.db().prepare("SELECT 1 FROM candidates WHERE id = ?");
    q->bind(1, candidate_id);
    if (!q->step()) throw NotFoundError("no candidate with id " + std::to_string(candidate_id));
  }
  {
    db::Transaction tx(session_.db());
    session_.db()
        .prepare("DELETE FROM originals WHERE document_id IN (SELECT id FROM documents WHERE candidate_id = ?)")
        ->bind(1, candidate_id)
        .run();
    tx.commit();
  }
  session_.store.erase_candidate(candidate_id, actor, reason);
}

Json CandidateService::audit(int64_t limit) {
  if (limit < 1 || limit > 1000) throw InvalidInputError("limit: expected 1..1000, got " + std::to_string(limit));
  auto q = session_.db().prepare(
      "SELECT id, at, actor, action, subject, detail_json FROM audit_log ORDER BY id DESC LIMIT ?");
  q->bind(1, limit);
  Json entries = Json::array();
  while (q->step()) {
    entries.push_back({{"id", q->int64(0)},
                       {"at", q->text(1)},
                       {"actor", q->text(2)},
                       {"action", q->text(3)},
                       {"subject", q->text(4)},
                       {"detail", parse_or(q->text(5), Json(q->text(5)))}});
  }
  return {{"entries", entries}};
}

}  // namespace hirelm::service
