// queue_bench: screening tasks per second through the durable queue with 1 and 3 `hirelm worker` processes
// against hirelm_fake_llm (0 ms delay by default), on SQLite and on PostgreSQL. Prints a table.
//
//   queue_bench [--tasks 200] [--workers 1,3] [--samples 1] [--delay-ms 0] [--postgres URL]
//               [--bin DIR (where hirelm and hirelm_fake_llm are; default: this binary's build dir)]
//
// Each row: a fresh database (a SQLite file in /tmp, or a new PostgreSQL database created through the admin URL
// --postgres or $HIRELM_TEST_POSTGRES_URL; PostgreSQL rows are skipped without one), N resumes stored and N
// screen_document tasks enqueued through the store and the queue (as the API does), then W worker processes
// started with --once; the time is from their start until the last one exits (every task done). A task is
// the whole profile -> score -> feedback chain (samples + 2 model requests), so tasks/s measures the queue,
// the store writes and the HTTP round trips, not a model. Inputs and machine go with any figure quoted.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "screening/db/connection.h"
#include "screening/job/sha256.h"
#include "screening/queue/task_queue.h"
#include "screening/store/store.h"
#include "screening/worker/screen_task.h"

namespace {

namespace fs = std::filesystem;
using namespace hirelm;

struct Options {
  int tasks = 200;
  std::vector<int> workers = {1, 3};
  int samples = 1;
  int delay_ms = 0;
  std::string postgres;
  std::string bin;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "queue_bench: %s\nusage: queue_bench [--tasks N] [--workers 1,3] [--samples S] [--delay-ms D] "
               "[--postgres URL] [--bin DIR]\n", why.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  if (const char* url = std::getenv("HIRELM_TEST_POSTGRES_URL")) o.postgres = url;
  o.bin = fs::canonical("/proc/self/exe").parent_path().string();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage("missing value for " + a);
    const std::string v = argv[++i];
    if (a == "--tasks") {
      o.tasks = std::atoi(v.c_str());
    } else if (a == "--samples") {
      o.samples = std::atoi(v.c_str());
    } else if (a == "--delay-ms") {
      o.delay_ms = std::atoi(v.c_str());
    } else if (a == "--postgres") {
      o.postgres = v;
    } else if (a == "--bin") {
      o.bin = v;
    } else if (a == "--workers") {
      o.workers.clear();
      size_t at = 0;
      while (at <= v.size()) {
        const size_t comma = v.find(',', at);
        o.workers.push_back(std::atoi(v.substr(at, comma - at).c_str()));
        if (comma == std::string::npos) break;
        at = comma + 1;
      }
    } else {
      usage("unknown option " + a);
    }
  }
  if (o.tasks < 1 || o.samples < 1 || o.samples > 20 || o.delay_ms < 0) usage("bad --tasks, --samples or --delay-ms");
  for (int w : o.workers) {
    if (w < 1 || w > 64) usage("bad --workers");
  }
  return o;
}

pid_t spawn(const std::vector<std::string>& argv, int out_fd) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (out_fd >= 0) ::dup2(out_fd, 1);
    const int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, 2);
    if (out_fd < 0) ::dup2(null_fd, 1);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

// Starts hirelm_fake_llm; returns its pid and sets `port`.
pid_t start_fake_llm(const Options& o, int& port) {
  int fds[2];
  if (::pipe(fds) != 0) usage("pipe failed");
  const pid_t pid = spawn({o.bin + "/hirelm_fake_llm", "--port", "0", "--delay-ms", std::to_string(o.delay_ms),
                           "--threads", "32"}, fds[1]);
  ::close(fds[1]);
  std::string line;
  char c = 0;
  while (::read(fds[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(fds[0]);
  if (std::sscanf(line.c_str(), "listening on %d", &port) != 1) usage("hirelm_fake_llm did not start: " + line);
  return pid;
}

// A fresh database spec for `backend` ("sqlite" or "postgres"); "" when PostgreSQL is not configured.
std::string fresh_database(const Options& o, const std::string& backend, int row) {
  const std::string name = "hirelm_queue_bench_" + std::to_string(::getpid()) + "_" + std::to_string(row);
  if (backend == "sqlite") {
    const std::string path = (fs::temp_directory_path() / (name + ".db")).string();
    fs::remove(path);
    return path;
  }
  if (o.postgres.empty()) return "";
  db::open(o.postgres)->exec("CREATE DATABASE " + name);
  const size_t slash = o.postgres.rfind('/');
  const size_t query = o.postgres.find('?', slash);
  return o.postgres.substr(0, slash + 1) + name + (query == std::string::npos ? "" : o.postgres.substr(query));
}

void seed(const std::string& spec, const Options& o) {
  store::Store store(spec);
  const std::string job = "---\ntitle: Backend Engineer\nmust_have:\n  - C++\n---\nWe build C++ services.\n";
  const int64_t job_id = store.upsert_job({screening::sha256_tagged(job), "Backend Engineer", job, "job.md"});
  std::vector<int64_t> docs;
  for (int i = 0; i < o.tasks; ++i) {
    store::DocumentInput in;
    in.path = "resume_" + std::to_string(i) + ".txt";
    in.text = "Candidate " + std::to_string(i) + "\ncand" + std::to_string(i) + "@example.com\n" +
              std::to_string(i % 15) + " years of C++ at Acme\nBachelor of Engineering\n";
    in.content_hash = screening::sha256_tagged(in.text);
    in.language = "en";
    in.method = "text";
    docs.push_back(store.add_candidate_document(job_id, in).document_id);
  }
  const int64_t run_id = store.begin_run({job_id, "bench", "sha256:bench", "{}", "[]", "bench"});
  queue::TaskQueue q(spec);
  for (int64_t doc : docs) {
    worker::ScreenPayload p;
    p.run_id = run_id;
    p.job_id = job_id;
    p.document_id = doc;
    p.samples = o.samples;
    q.enqueue({std::string(worker::kScreenDocumentKind), worker::screen_payload_json(p), job_id,
               "run:" + std::to_string(run_id) + ":doc:" + std::to_string(doc), 3});
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  int port = 0;
  const pid_t llm = start_fake_llm(o, port);
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const std::string prompts = fs::path(HIRELM_SOURCE_DIR) / "prompts";
  std::printf("%-9s %8s %6s %8s %10s %8s\n", "backend", "workers", "tasks", "seconds", "tasks/s", "done");
  int row = 0;
  for (const std::string backend : {"sqlite", "postgres"}) {
    for (int w : o.workers) {
      const std::string spec = fresh_database(o, backend, row++);
      if (spec.empty()) {
        std::printf("%-9s %8d %6s %8s %10s %8s\n", backend.c_str(), w, "-", "-", "skipped", "(no --postgres)");
        continue;
      }
      seed(spec, o);
      const auto t0 = std::chrono::steady_clock::now();
      std::vector<pid_t> pids;
      for (int i = 0; i < w; ++i) {
        pids.push_back(spawn({o.bin + "/hirelm", "worker", "--db", spec, "--llm-url", url, "--worker-id",
                              "bench" + std::to_string(i), "--prompts", prompts, "--once"}, -1));
      }
      bool ok = true;
      for (pid_t p : pids) {
        int status = 0;
        ::waitpid(p, &status, 0);
        ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
      }
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const queue::TaskCounts c = queue::TaskQueue(spec).counts(std::nullopt);
      std::printf("%-9s %8d %6d %8.2f %10.1f %8lld%s\n", backend.c_str(), w, o.tasks, s, static_cast<double>(c.done) / s,
                  static_cast<long long>(c.done), ok ? "" : "  (a worker failed)");
      std::fflush(stdout);
      if (backend == "sqlite") fs::remove(spec);
    }
  }
  ::kill(llm, SIGTERM);
  ::waitpid(llm, nullptr, 0);
  return 0;
}
