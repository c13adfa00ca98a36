// The queue across processes: a worker killed with SIGKILL while holding a lease, and four processes
// claiming from one database file at once.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "queue_test_util.h"
#include "screening/queue/task_queue.h"

namespace hirelm::queue {
namespace {

using test::FakeClock;
using test::fresh_db;

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

TEST(TaskQueueProcess, WorkerKilledWhileHoldingALeaseLosesNothingAndDuplicatesNothing) {
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

TEST(TaskQueueProcess, FourProcessesCompleteEachOfTwoHundredTasksExactlyOnce) {
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
    const std::string log = db + ".worker" + std::to_string(w);
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
}

}  // namespace
}  // namespace hirelm::queue
