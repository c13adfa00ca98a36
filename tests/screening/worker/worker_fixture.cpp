#include "worker_fixture.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "screening/job/sha256.h"
#include "screening/queue/task_queue.h"
#include "screening/store/store.h"
#include "screening/worker/screen_task.h"

namespace hirelm::worker::testing {

std::string job_text() {
  return "---\n"
         "title: Backend Engineer\n"
         "must_have:\n"
         "  - C++\n"
         "criteria:\n"
         "  - {name: skills, weight: 2}\n"
         "  - experience\n"
         "  - education\n"
         "---\n"
         "# Backend Engineer\n\nWe build low-latency C++ services on Linux.\n";
}

std::string resume_text(int i) {
  char phone[32];
  std::snprintf(phone, sizeof phone, "+1 555 %04d 1%02d", 100 + i, i % 100);
  const char* skills[] = {"C++ and Python", "Go and SQL", "Java and Spring", "Rust and C++", "Python and Docker"};
  return "Candidate " + std::to_string(i) + "\n" + "cand" + std::to_string(i) + "@example.com " + phone + "\n" +
         std::to_string(1 + i % 12) + " years of " + skills[i % 5] + " at Acme Corp\n" +
         (i % 3 == 0 ? "Master of Computer Science\n" : "Bachelor of Engineering\n") +
         "Built a trading gateway handling " + std::to_string(1000 + 37 * i) + " orders per second.\n";
}

SeededJob seed_job(const std::string& db_spec, int n, int samples) {
  SeededJob s;
  store::Store store(db_spec);
  const std::string text = job_text();
  s.job_id = store.upsert_job({screening::sha256_tagged(text), "Backend Engineer", text, "job.md"});
  for (int i = 0; i < n; ++i) {
    store::DocumentInput in;
    in.path = "resume_" + std::to_string(i) + ".txt";
    in.text = resume_text(i);
    in.content_hash = screening::sha256_tagged(in.text);
    in.language = "en";
    in.method = "text";
    s.document_ids.push_back(store.add_candidate_document(s.job_id, in).document_id);
  }
  s.run_id = store.begin_run({s.job_id, "test", "sha256:test", "{}", "[]", "tester"});
  queue::TaskQueue q(db_spec);
  for (int64_t doc : s.document_ids) {
    ScreenPayload p;
    p.run_id = s.run_id;
    p.job_id = s.job_id;
    p.document_id = doc;
    p.samples = samples;
    queue::EnqueueRequest r;
    r.kind = std::string(kScreenDocumentKind);
    r.payload_json = screen_payload_json(p);
    r.job_id = s.job_id;
    r.dedup_key = "run:" + std::to_string(s.run_id) + ":doc:" + std::to_string(doc);
    s.task_ids.push_back(q.enqueue(r));
  }
  return s;
}

std::string built(const std::string& name) { return std::string(HIRELM_BINARY_DIR) + "/" + name; }

std::string prompts_dir() { return std::string(HIRELM_SOURCE_DIR) + "/prompts"; }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

int wait_for(pid_t pid, double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

FakeLlm::FakeLlm(int delay_ms) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const std::string exe = built("hirelm_fake_llm");
  const std::string delay = std::to_string(delay_ms);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execl(exe.c_str(), exe.c_str(), "--port", "0", "--delay-ms", delay.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string line;
  char c = 0;
  while (::read(fds[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(fds[0]);
  if (std::sscanf(line.c_str(), "listening on %d", &port_) != 1) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    throw std::runtime_error("hirelm_fake_llm did not start (" + exe + "): '" + line + "'");
  }
}

FakeLlm::~FakeLlm() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

}  // namespace hirelm::worker::testing
