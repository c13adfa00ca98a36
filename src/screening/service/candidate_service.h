// Candidates of a job (docs/api.md "Candidates"): ranked rows with filters, one candidate's detail, exports
// (the CLI's CSV / XLSX / JSON writers) and erasure. Rows are per document of the job, assembled from the
// stored stage results (candidate_record.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "screening/service/service_session.h"

namespace hirelm::service {

using Json = nlohmann::ordered_json;

struct CandidateFilter {
  bool must_haves_pass = false;        // only rows whose must-haves all passed
  std::vector<std::string> flags;      // rows having all of these
  bool no_flags = false;               // rows without any flag
  std::optional<double> min_score, max_score;  // on the median; unscored rows drop out when set
  std::optional<std::string> status;   // scored | no_score | error | pending
  std::string query;                   // substring of name or file name (case-sensitive bytes)
  std::string sort = "score";          // score | name | spread | years
  bool ascending = false;              // order=asc
};

// An export, ready to send.
struct ExportFile {
  std::string content_type;
  std::string file_name;  // for Content-Disposition
  std::string bytes;
};

class CandidateService {
 public:
  explicit CandidateService(ServiceSession& session) : session_(session) {}

  // {candidates: [row], total} where total counts the rows before filtering. NotFoundError for an unknown job.
  Json list(int64_t job_id, const CandidateFilter& filter);
  // {candidate: row + detail}. NotFoundError when the candidate has no document in the job.
  Json detail(int64_t job_id, int64_t candidate_id);
  // format: csv | xlsx | json. InvalidInputError for another format.
  ExportFile export_job(int64_t job_id, const std::string& format, const std::string& actor);
  // Erases the candidate (originals first, then store::Store::erase_candidate: documents, results, samples;
  // one audit line stays). NotFoundError for an unknown id.
  void erase(int64_t candidate_id, const std::string& actor, const std::string& reason);
  // {entries: [{id, at, actor, action, subject, detail}]} newest first, at most `limit` (1..1000).
  Json audit(int64_t limit);

 private:
  struct Entry;
  std::vector<Entry> load(int64_t job_id);

  ServiceSession& session_;
};

}  // namespace hirelm::service
