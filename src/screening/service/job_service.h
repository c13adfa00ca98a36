// Jobs of the screening API (docs/api.md "Jobs"). A job is stored as its canonical job file (front matter and
// description, docs/screening.md) in jobs.text, so whatever reads it (the worker, the CLI) parses it with
// screening::parse_job; the API's JSON is made from that parse plus the row's columns.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "screening/job/job.h"
#include "screening/service/job_text.h"
#include "screening/service/service_session.h"

namespace hirelm::service {

using Json = nlohmann::ordered_json;

class JobService {
 public:
  explicit JobService(ServiceSession& session) : session_(session) {}

  // Stores a new job from its job-file text (validated with parse_job: InvalidInputError) and returns its JSON.
  Json create(const std::string& job_text, const std::string& actor);
  // Every job, newest first.
  Json list();
  // The job's JSON; NotFoundError for an unknown id.
  Json get(int64_t job_id);
  // Replaces the job's text (stored stage results stay; their prompt hash no longer matches, so the next run
  // redoes them). NotFoundError / InvalidInputError.
  Json update(int64_t job_id, const std::string& job_text, const std::string& actor);
  // Deletes the job with its runs, tasks and results; documents in no other job are erased with their
  // originals (and candidates left without documents). One audit line. NotFoundError for an unknown id.
  void remove(int64_t job_id, const std::string& actor);
  // NotFoundError unless the job exists.
  void require(int64_t job_id);

 private:
  Json job_json(int64_t id, const std::string& text, const std::string& created_at, const std::string& updated_at);

  ServiceSession& session_;
};

}  // namespace hirelm::service
