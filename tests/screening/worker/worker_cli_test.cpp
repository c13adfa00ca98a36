// The issue's scale-out test through the real binary: 3 `hirelm worker` processes screen 60 resumes against
// hirelm_fake_llm on one database (PostgreSQL, and the same on SQLite); one is SIGKILLed midway, after it has
// completed some tasks and while it holds a lease. The others finish: every task is done, nothing is left
// queued or leased, every candidate has exactly one profile, score and feedback, and the killed worker's task
// was taken over after its lease expired.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "screening/db/connection.h"
#include "screening/queue/task_queue.h"
#include "test_db.h"
#include "worker_fixture.h"

namespace hirelm::worker {
namespace {

using db::testing::Backend;
namespace fs = std::filesystem;

constexpr int kResumes = 60;
constexpr int kLeaseSeconds = 3;

int64_t scalar(db::Connection& db, const std::string& sql, const std::string& arg = "") {
  auto st = db.prepare(sql);
  if (!arg.empty()) st->bind(1, arg);
  EXPECT_TRUE(st->step()) << sql;
  return st->int64(0);
}

class WorkerScaleOut : public ::testing::TestWithParam<Backend> {};

TEST_P(WorkerScaleOut, ThreeWorkersOneKilledMidwayEveryCandidateGetsExactlyOneResultSet) {
  const std::string spec = db::testing::fresh_database_spec(GetParam());
  const testing::SeededJob job = testing::seed_job(spec, kResumes, 2);
  testing::FakeLlm llm(30);  // ~30 ms a request: a task takes a few hundred ms, so the kill lands mid-run
  const fs::path logs = fs::path(::testing::TempDir()) /
                        ("worker_cli_" + db::testing::backend_name(GetParam()) + "_" + std::to_string(::getpid()));
  fs::create_directories(logs);
  std::map<std::string, pid_t> workers;
  // On an early return (a failed ASSERT) no worker process is left behind.
  struct Reaper {
    std::map<std::string, pid_t>& pids;
    ~Reaper() {
      for (auto& [id, pid] : pids) {
        if (pid > 0 && ::waitpid(pid, nullptr, WNOHANG) == 0) {
          ::kill(pid, SIGKILL);
          ::waitpid(pid, nullptr, 0);
        }
      }
    }
  } reaper{workers};
  for (const char* id : {"w1", "w2", "w3"}) {
    workers[id] = testing::spawn({testing::built("hirelm"), "worker", "--db", spec, "--llm-url", llm.url(),
                                  "--llm-retries", "1", "--lease-seconds", std::to_string(kLeaseSeconds),
                                  "--worker-id", id, "--prompts", testing::prompts_dir(), "--once"},
                                 (logs / (std::string(id) + ".log")).string());
  }

  // Kill w2 once it has completed at least 3 tasks and holds a lease.
  auto conn = db::open(spec);
  int64_t victim_task = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (victim_task == 0 && std::chrono::steady_clock::now() < deadline) {
    const int64_t done = scalar(*conn, "SELECT COUNT(*) FROM tasks WHERE state = 'done' AND lease_owner = ?", "w2");
    if (done >= 3) {
      auto st = conn->prepare("SELECT id FROM tasks WHERE state = 'leased' AND lease_owner = ? ORDER BY id LIMIT 1");
      st->bind(1, "w2");
      if (st->step()) {
        victim_task = st->int64(0);
        ::kill(workers["w2"], SIGKILL);
      }
    }
    if (victim_task == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_NE(victim_task, 0) << "w2 never held a lease after completing 3 tasks; logs in " << logs;
  const int killed = testing::wait_for(workers["w2"], 10);
  EXPECT_TRUE(WIFSIGNALED(killed) && WTERMSIG(killed) == SIGKILL);
  for (const char* id : {"w1", "w3"}) {
    const int status = testing::wait_for(workers[id], 180);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << id << " status " << status << ":\n" << testing::slurp((logs / (std::string(id) + ".log")).string());
  }

  queue::TaskQueue q(spec);
  const queue::TaskCounts c = q.counts(job.job_id);
  EXPECT_EQ(c.done, kResumes);
  EXPECT_EQ(c.queued, 0);
  EXPECT_EQ(c.leased, 0);
  EXPECT_EQ(c.failed + c.cancelled, 0);

  // The killed worker's task was taken over by a survivor after the lease expired.
  const auto taken = q.get(victim_task);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->state, queue::TaskState::kDone);
  EXPECT_GE(taken->attempts, 2);
  ASSERT_TRUE(taken->lease_owner);
  EXPECT_NE(*taken->lease_owner, "w2");
  ASSERT_TRUE(taken->last_error);
  EXPECT_NE(taken->last_error->find("w2"), std::string::npos) << *taken->last_error;

  // Exactly one result per (candidate document, stage), all of them complete.
  for (int64_t doc : job.document_ids) {
    auto st = conn->prepare("SELECT stage, status, COUNT(*) FROM results WHERE job_id = ? AND document_id = ? "
                            "GROUP BY stage, status ORDER BY stage");
    st->bind(1, job.job_id).bind(2, doc);
    std::map<std::string, std::pair<std::string, int64_t>> rows;
    while (st->step()) rows[st->text(0)] = {st->text(1), st->int64(2)};
    ASSERT_EQ(rows.size(), 3u) << "document " << doc;
    EXPECT_EQ(rows["profile"], std::make_pair(std::string("ok"), int64_t{1})) << doc;
    EXPECT_EQ(rows["score"], std::make_pair(std::string("scored"), int64_t{1})) << doc;
    EXPECT_EQ(rows["feedback"], std::make_pair(std::string("ok"), int64_t{1})) << doc;
  }
  auto samples = conn->prepare("SELECT COUNT(*) FROM samples s JOIN results r ON r.id = s.result_id WHERE r.stage = 'score'");
  ASSERT_TRUE(samples->step());
  EXPECT_EQ(samples->int64(0), kResumes * 2);
  // Both survivors worked (the queue was shared, not drained by one).
  for (const char* id : {"w1", "w3"}) {
    EXPECT_GT(scalar(*conn, "SELECT COUNT(*) FROM tasks WHERE lease_owner = ?", id), 0) << id;
  }
  fs::remove_all(logs);
}

TEST(ServeEmbeddedWorker, ServeWithLlmUrlScreensQueuedTasksAndStopsOnSigterm) {
  const std::string spec = db::testing::fresh_database_spec(Backend::kSqlite);
  const testing::SeededJob job = testing::seed_job(spec, 5, 1);
  testing::FakeLlm llm;
  const std::string log = (fs::path(::testing::TempDir()) / ("serve_" + std::to_string(::getpid()) + ".log")).string();
  fs::remove(log);
  const pid_t serve = testing::spawn({testing::built("hirelm"), "serve", "--host", "127.0.0.1", "--port", "0", "--db",
                                      spec, "--llm-url", llm.url(), "--workers", "2", "--prompts",
                                      testing::prompts_dir()},
                                     log);
  queue::TaskQueue q(spec);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (q.counts(job.job_id).done < 5 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(q.counts(job.job_id).done, 5) << testing::slurp(log);
  // Without --model the server is healthy, and /v1 says why it has no model instead of "loading" forever.
  {
    const std::string started = testing::slurp(log);
    const std::string marker = "ready on http://127.0.0.1:";
    const size_t at = started.find(marker);
    ASSERT_NE(at, std::string::npos) << started;
    httplib::Client http("127.0.0.1", std::stoi(started.substr(at + marker.size())));
    const auto health = http.Get("/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200) << health->body;
    const auto chat = http.Post("/v1/chat/completions", R"({"model":"x","messages":[{"role":"user","content":"hi"}]})",
                                "application/json");
    ASSERT_TRUE(chat);
    EXPECT_EQ(chat->status, 503);
    EXPECT_NE(chat->body.find("no local model"), std::string::npos) << chat->body;
  }
  ::kill(serve, SIGTERM);
  const int status = testing::wait_for(serve, 30);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << "\n" << testing::slurp(log);
  const std::string text = testing::slurp(log);
  EXPECT_NE(text.find("ready on http://127.0.0.1:"), std::string::npos) << text;
  EXPECT_NE(text.find("2 embedded worker threads"), std::string::npos) << text;
  auto conn = db::open(spec);
  EXPECT_EQ(scalar(*conn, "SELECT COUNT(*) FROM results"), 5 * 3);
  fs::remove(log);
}

TEST(WorkerCli, BadUsageExitsTwoAndUnreachableDatabaseExitsOne) {
  const std::string hirelm = testing::built("hirelm");
  const fs::path log = fs::path(::testing::TempDir()) / ("worker_cli_usage_" + std::to_string(::getpid()) + ".log");
  auto run = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {hirelm, "worker"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const int status = testing::wait_for(testing::spawn(argv, log.string()), 60);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  const std::string db = (fs::path(::testing::TempDir()) / ("worker_cli_usage_" + std::to_string(::getpid()) + ".db")).string();
  EXPECT_EQ(run({"--db", db}), 2);                                          // no model
  EXPECT_EQ(run({"--db", db, "--llm-url", "ftp://x"}), 2);                  // not http
  EXPECT_EQ(run({"--db", db, "--llm-url", "http://127.0.0.1:9", "--concurrency", "0"}), 2);
  EXPECT_EQ(run({"--bogus"}), 2);
  EXPECT_EQ(run({"--db", "postgresql://nobody@127.0.0.1:1/none", "--llm-url", "http://127.0.0.1:9", "--once"}), 1);
  const std::string text = testing::slurp(log.string());
  EXPECT_NE(text.find("--concurrency"), std::string::npos) << text;
  fs::remove(log);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkerScaleOut, ::testing::ValuesIn(db::testing::test_backends()),
                         db::testing::backend_param_name);

}  // namespace
}  // namespace hirelm::worker
