// Shared setup for the worker tests: a job with N stored resumes and one screen_document task each (enqueued
// through the store and the queue directly, as the API's service does), the hirelm_fake_llm server as a child
// process, and child processes of the real binary.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace hirelm::worker::testing {

struct SeededJob {
  int64_t job_id = 0;
  int64_t run_id = 0;
  std::vector<int64_t> document_ids;
  std::vector<int64_t> task_ids;
};

// The job file text every test screens against (front matter with one must-have and three criteria).
std::string job_text();
// A distinct resume: first line is the name "Candidate <i>", then contact, years and skills.
std::string resume_text(int i);

// Creates the job, `n` documents, a run and one task per document (samples per task as given).
SeededJob seed_job(const std::string& db_spec, int n, int samples = 2);

// hirelm_fake_llm started as a child process on a free port; stopped (SIGTERM) by the destructor.
class FakeLlm {
 public:
  explicit FakeLlm(int delay_ms = 0);
  ~FakeLlm();
  FakeLlm(const FakeLlm&) = delete;
  FakeLlm& operator=(const FakeLlm&) = delete;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// Starts `argv` (argv[0] a path) with stdout and stderr appended to `log_path`; returns the pid.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path);
// waitpid with a deadline; the exit status as waitpid reports it, or -1 after SIGKILLing it at the deadline.
int wait_for(pid_t pid, double timeout_s);

// Path of a file built next to the tests (HIRELM_BINARY_DIR).
std::string built(const std::string& name);
// The shipped prompts (HIRELM_SOURCE_DIR/prompts).
std::string prompts_dir();
// The whole content of a file ("" when missing).
std::string slurp(const std::string& path);

}  // namespace hirelm::worker::testing
