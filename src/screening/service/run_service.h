// Screening runs of the API (docs/api.md "Runs"): a run is a `runs` row with a state plus one `screen_document`
// queue task per document of the job (listed in run_tasks); its progress is counted from those tasks' states.
//
// Stored state: "starting" (tasks being enqueued; reported as running), "running", "paused", "cancelled";
// NULL for runs of the CLI. Reported state: cancelled, else done once no task is queued or leased (finished_at
// is set then), else running or paused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "screening/service/service_session.h"

namespace hirelm::service {

using Json = nlohmann::ordered_json;

struct RunOptions {
  int samples = 3;          // 1..20
  bool blind = false;
  std::string lang;         // "", "zh" or "en"
  uint64_t seed = 20250101;  // base seed of the samples (the CLI's default)
};

// The task payload (docs/api.md): {"run_id", "job_id", "document_id", "samples", "blind", "lang", "seed"}.
std::string screen_document_payload(int64_t run_id, int64_t job_id, int64_t document_id, const RunOptions& options);

class RunService {
 public:
  explicit RunService(ServiceSession& session) : session_(session) {}

  // Starts a run over every document of the job: one task per document, dedup key "run:<run>:doc:<doc>".
  // NotFoundError for an unknown job, InvalidInputError for options out of range, ConflictError while another
  // run of the job is running or paused.
  Json start(int64_t job_id, const RunOptions& options, const std::string& actor);
  // The job's runs, newest first.
  Json list(int64_t job_id);
  // The run's JSON; NotFoundError for an unknown id.
  Json get(int64_t run_id);
  // The running or paused run of the job (its JSON, as get() answers), if any.
  std::optional<Json> active_run(int64_t job_id);

  // Queued tasks are held (leased ones finish). ConflictError unless running.
  Json pause(int64_t run_id, const std::string& actor);
  // Held tasks are claimable again. ConflictError unless paused.
  Json resume(int64_t run_id, const std::string& actor);
  // Queued and leased tasks are cancelled (a worker's late result is dropped). ConflictError once done.
  Json cancel(int64_t run_id, const std::string& actor);

 private:
  struct Row {
    int64_t id = 0;
    int64_t job_id = 0;
    std::optional<std::string> state;
    std::string started_at;
    std::optional<std::string> finished_at;
    std::string parameters_json;
  };
  // The runs rows matching `where` (SQL with one `?`, bound to `id`), newest first.
  std::vector<Row> load_rows(const std::string& where, int64_t id);
  Row load(int64_t run_id);  // NotFoundError for an unknown id
  Json run_json(const Row& row);
  std::string reported_state(const Row& row, const Json& counts);

  ServiceSession& session_;
};

}  // namespace hirelm::service
