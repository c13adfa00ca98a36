// The queue across processes: a worker killed with SIGKILL while holding a lease, and four processes
// claiming from one database file at once.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "queue_test_util.h"
#include "screening/queue/task_queue.h"

namespace hirelm::queue {
namespace {

using test::FakeClock;

class TaskQueueProcess : public test::QueueBackendTest {};

constexpr int64_t kT0 = 1'700'000'000;

// Runs `body` in a forked child that exits 0 when it returns and 3 when it throws (the message on stderr).
// The child never returns into the test framework.
template <typename Body>
pid_t fork_child(Body body) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  int code = 0;
  try {
    body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "child %d: %s\n", static_cast<int>(getpid()), e.what());
    code = 3;
  }
  _exit(code);
}

TEST_P(TaskQueueProcess, WorkerKilledWhileHoldingALeaseLosesNothingAndDuplicatesNothing) {
  const std::string db = fresh_db("kill9");
  FakeClock clock(kT0);
  TaskQueue q(db, clock.clock());
  const int64_t id = q.enqueue({"screen_document", R"({"doc":1})", 5, "job5/doc1", 3});

  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork_child([&] {
    close(ready[0]);
    // The child's clock reads the same fake time: t0.
    TaskQueue worker(db, [] { return kT0; });
    const auto task = worker.claim("doomed", 30);
    const int64_t claimed = task ? task->id : -1;
    if (write(ready[1], &claimed, sizeof claimed) != sizeof claimed) _exit(4);
    for (;;) pause();  // "working" until killed
  });
  ASSERT_GT(child, 0);
  close(ready[1]);
  int64_t claimed = 0;
  ASSERT_EQ(read(ready[0], &claimed, sizeof claimed), static_cast<ssize_t>(sizeof claimed));
  close(ready[0]);
  ASSERT_EQ(claimed, id);
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  const auto held = q.get(id);
  EXPECT_EQ(held->state, TaskState::kLeased);
  EXPECT_EQ(held->lease_owner, "doomed");
  EXPECT_EQ(held->lease_expires_at, kT0 + 30);

  clock.advance(29);
  EXPECT_FALSE(q.claim("rescuer", 30)) << "the dead worker's lease still runs";
  clock.advance(1);
  const auto again = q.claim("rescuer", 30);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, id);
  EXPECT_EQ(again->attempts, 2);
  EXPECT_EQ(again->payload_json, R"({"doc":1})");
  EXPECT_TRUE(q.complete(*again, "rescuer"));

  const TaskCounts c = q.counts(5);
  EXPECT_EQ(c.done, 1);
  EXPECT_EQ(c.total(), 1);
  EXPECT_EQ(q.get(id)->lease_owner, "rescuer");
  clock.advance(1000);
  EXPECT_FALSE(q.claim("rescuer", 30)) << "nothing is left to redo";
}

// Appends "id\n" to the file with one write(2), so the line reaches the kernel before the call returns and
// survives a SIGKILL right after it.
void log_completion(int fd, int64_t id) {
  const std::string line = std::to_string(id) + "\n";
  if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(6);
}

std::vector<int64_t> read_log(const std::string& path) {
  std::ifstream in(path);
  std::vector<int64_t> ids;
  int64_t id = 0;
  while (in >> id) ids.push_back(id);
  return ids;
}

TEST_P(TaskQueueProcess, WorkersKilledAtRandomMomentsLeaveEveryTaskDoneOnce) {
  // Three workers claim and complete in a loop and are SIGKILLed at spread-out moments, possibly inside a
  // transaction. Afterwards a rescuer, once the dead workers' leases have passed, finishes the rest. Every
  // task must end done; no task may be completed by two workers (a completion is logged only after complete()
  // returned true, so a task done without a log line was completed by a worker killed just before logging).
  constexpr int kWorkers = 3;
  constexpr int kTasks = 120;
  const std::string db = fresh_db("kill_many");
  FakeClock clock(kT0);
  TaskQueue q(db, clock.clock());
  for (int i = 0; i < kTasks; ++i) q.enqueue({"screen_document", std::to_string(i), 2, std::nullopt, 3});

  std::mt19937 rng(20261129);
  std::uniform_int_distribution<int> delay_us(10'000, 120'000);
  std::vector<std::string> logs;
  std::vector<pid_t> children;
  for (int w = 0; w < kWorkers; ++w) {
    const std::string log = side_file("worker" + std::to_string(w));
    logs.push_back(log);
    children.push_back(fork_child([&, w, log] {
      const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
      if (fd < 0) _exit(7);
      TaskQueue worker(db, [] { return kT0; });
      const std::string name = "victim-" + std::to_string(w);
      while (const auto task = worker.claim(name, 30)) {
        if (worker.complete(*task, name)) log_completion(fd, task->id);
      }
      close(fd);
    }));
    ASSERT_GT(children.back(), 0);
  }
  int killed = 0;
  for (const pid_t child : children) {
    usleep(static_cast<useconds_t>(delay_us(rng)));
    killed += kill(child, SIGKILL) == 0;
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    // A worker that ran out of tasks before its kill exits 0; any other end is an error that escaped.
    EXPECT_TRUE(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0)) << "status " << status;
  }

  clock.advance(30);  // every dead worker's lease has expired
  const std::string rescuer_log = side_file("rescuer");
  logs.push_back(rescuer_log);
  {
    const int fd = open(rescuer_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    ASSERT_GE(fd, 0);
    while (const auto task = q.claim("rescuer", 30)) {
      if (q.complete(*task, "rescuer")) log_completion(fd, task->id);
    }
    close(fd);
  }

  std::map<int64_t, int> logged;
  for (const std::string& log : logs) {
    for (const int64_t id : read_log(log)) ++logged[id];
  }
  int unlogged = 0;
  for (int64_t id = 1; id <= kTasks; ++id) {
    const auto t = q.get(id);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->state, TaskState::kDone) << "task " << id;
    EXPECT_LE(logged[id], 1) << "task " << id << " was completed twice";
    unlogged += logged[id] == 0;
  }
  EXPECT_LE(unlogged, killed) << "at most one completion per killed worker can miss its log line";
  const TaskCounts c = q.counts(2);
  EXPECT_EQ(c.done, kTasks);
  EXPECT_EQ(c.total(), kTasks);
  RecordProperty("completed_by_rescuer", static_cast<int>(read_log(rescuer_log).size()));
  for (const std::string& log : logs) std::filesystem::remove(log);
}

TEST_P(TaskQueueProcess, FourProcessesCompleteEachOfTwoHundredTasksExactlyOnce) {
  constexpr int kWorkers = 4;
  constexpr int kTasks = 200;
  const std::string db = fresh_db("concurrent");
  TaskQueue q(db);
  std::vector<int64_t> ids;
  for (int i = 0; i < kTasks; ++i) {
    ids.push_back(q.enqueue({"screen_document", "{\"i\":" + std::to_string(i) + "}", 1, std::nullopt, 3}));
  }

  int start[2];
  ASSERT_EQ(pipe(start), 0);
  std::vector<pid_t> children;
  std::vector<std::string> logs;
  for (int w = 0; w < kWorkers; ++w) {
    const std::string log = side_file("worker" + std::to_string(w));
    logs.push_back(log);
    children.push_back(fork_child([&, w, log] {
      close(start[1]);
      TaskQueue worker(db);
      const std::string name = "worker-" + std::to_string(w);
      std::ofstream out(log);
      char go = 0;
      if (read(start[0], &go, 1) < 0) _exit(4);  // returns 0 when the parent closes the pipe: all start together
      while (const auto task = worker.claim(name, 300)) {
        if (worker.complete(*task, name)) out << task->id << '\n';
      }
      out.flush();
      if (!out) _exit(5);
    }));
    ASSERT_GT(children.back(), 0);
  }
  close(start[0]);
  close(start[1]);

  for (const pid_t child : children) {
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }

  std::map<int64_t, int> completions;
  int workers_that_worked = 0;
  for (const std::string& log : logs) {
    std::ifstream in(log);
    int64_t id = 0;
    int n = 0;
    while (in >> id) {
      ++completions[id];
      ++n;
    }
    workers_that_worked += n > 0;
  }
  EXPECT_EQ(completions.size(), static_cast<size_t>(kTasks));
  for (const int64_t id : ids) {
    EXPECT_EQ(completions[id], 1) << "task " << id;
    const auto t = q.get(id);
    EXPECT_EQ(t->state, TaskState::kDone);
    EXPECT_EQ(t->attempts, 1) << "task " << id << " was claimed more than once";
  }
  const TaskCounts c = q.counts(1);
  EXPECT_EQ(c.done, kTasks);
  EXPECT_EQ(c.total(), kTasks);
  // Not a correctness requirement, but with a shared start most runs spread work; log it for the reader.
  RecordProperty("workers_that_completed_tasks", workers_that_worked);
  for (const std::string& log : logs) std::filesystem::remove(log);
}

INSTANTIATE_TEST_SUITE_P(Backends, TaskQueueProcess, ::testing::ValuesIn(db::testing::test_backends()),
                         db::testing::backend_param_name);

}  // namespace
}  // namespace hirelm::queue
