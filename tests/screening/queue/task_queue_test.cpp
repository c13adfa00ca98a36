// The queue's state machine, with a fake clock: enqueue/claim/complete, dedup, backoff, max_attempts,
// cancel, counts, lease expiry and lease fencing.
#include "screening/queue/task_queue.h"

#include <gtest/gtest.h>

#include "queue_test_util.h"
#include "screening/queue/backoff.h"
#include "screening/store/store.h"
#include "util/error.h"

namespace hirelm::queue {
namespace {

using test::FakeClock;
using test::fresh_sqlite_path;

class TaskQueueTest : public test::QueueBackendTest {};

constexpr int64_t kT0 = 1'700'000'000;

EnqueueRequest request(const std::string& payload, std::optional<int64_t> job = std::nullopt,
                       std::optional<std::string> key = std::nullopt, int max_attempts = 3,
                       const std::string& kind = "screen_document") {
  return EnqueueRequest{kind, payload, job, std::move(key), max_attempts};
}

TEST(Backoff, DoublesFromTwoSecondsAndCapsAtFiveMinutes) {
  EXPECT_EQ(backoff_seconds(1), 2);
  EXPECT_EQ(backoff_seconds(2), 4);
  EXPECT_EQ(backoff_seconds(3), 8);
  EXPECT_EQ(backoff_seconds(8), 256);
  EXPECT_EQ(backoff_seconds(9), 300);
  EXPECT_EQ(backoff_seconds(1000), 300);
  EXPECT_EQ(backoff_seconds(0), 2);
}

TEST(TaskStateText, RoundTripsAndRejectsUnknownWords) {
  for (TaskState s : {TaskState::kQueued, TaskState::kLeased, TaskState::kDone, TaskState::kFailed,
                      TaskState::kCancelled}) {
    EXPECT_EQ(parse_task_state(to_string(s)), s);
  }
  EXPECT_THROW(parse_task_state("running"), InvalidInputError);
}

TEST_P(TaskQueueTest, MigrationAddsTasksTableToTheStore) {
  const std::string db = fresh_db("migration");
  TaskQueue q(db);
  store::Store s(db);
  EXPECT_EQ(s.schema_version(), store::latest_schema_version());
  EXPECT_GE(store::latest_schema_version(), 2);  // the tasks table is migration 2
  EXPECT_EQ(q.counts(std::nullopt).total(), 0);
}

TEST_P(TaskQueueTest, EnqueueClaimCompleteStoresEveryField) {
  FakeClock clock(kT0);
  TaskQueue q(fresh_db("basic"), clock.clock());
  const int64_t id = q.enqueue(request(R"({"doc":7})", 42, "job42/doc7", 4));
  const auto stored = q.get(id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->state, TaskState::kQueued);
  EXPECT_EQ(stored->kind, "screen_document");
  EXPECT_EQ(stored->payload_json, R"({"doc":7})");
  EXPECT_EQ(stored->job_id, 42);
  EXPECT_EQ(stored->dedup_key, "job42/doc7");
  EXPECT_EQ(stored->attempts, 0);
  EXPECT_EQ(stored->max_attempts, 4);
  EXPECT_EQ(stored->not_before, kT0);
  EXPECT_EQ(stored->created_at, kT0);
  EXPECT_FALSE(stored->lease_owner);

  clock.advance(5);
  const auto task = q.claim("w1", 30);
  ASSERT_TRUE(task);
  EXPECT_EQ(task->id, id);
  EXPECT_EQ(task->state, TaskState::kLeased);
  EXPECT_EQ(task->attempts, 1);
  EXPECT_EQ(task->lease_owner, "w1");
  EXPECT_EQ(task->lease_expires_at, kT0 + 35);
  EXPECT_EQ(task->updated_at, kT0 + 5);
  EXPECT_FALSE(q.claim("w2", 30)) << "a leased task is not claimable before its lease expires";

  EXPECT_FALSE(q.complete(*task, "w2")) << "only the lease owner completes";
  EXPECT_TRUE(q.complete(*task, "w1"));
  EXPECT_EQ(q.get(id)->state, TaskState::kDone);
  EXPECT_FALSE(q.complete(*task, "w1")) << "a done task is not completed twice";
  clock.advance(10'000);
  EXPECT_FALSE(q.claim("w2", 30)) << "a done task is never claimed again";
  EXPECT_FALSE(q.get(id + 1));
}

TEST_P(TaskQueueTest, ClaimsOldestFirstAndFiltersByKind) {
  FakeClock clock(kT0);
  TaskQueue q(fresh_db("order"), clock.clock());
  const int64_t a = q.enqueue(request("a", std::nullopt, std::nullopt, 3, "profile"));
  const int64_t b = q.enqueue(request("b", std::nullopt, std::nullopt, 3, "score"));
  const int64_t c = q.enqueue(request("c", std::nullopt, std::nullopt, 3, "score"));
  const auto first_score = q.claim("w", 60, {"score", "feedback"});
  ASSERT_TRUE(first_score);
  EXPECT_EQ(first_score->id, b);
  const auto any = q.claim("w", 60);
  ASSERT_TRUE(any);
  EXPECT_EQ(any->id, a);
  EXPECT_FALSE(q.claim("w", 60, {"profile"}));
  const auto last = q.claim("w", 60, {"score"});
  ASSERT_TRUE(last);
  EXPECT_EQ(last->id, c);
}

TEST_P(TaskQueueTest, OldestFirstAcrossQueuedTasksAndExpiredLeases) {
  FakeClock clock(kT0);
  TaskQueue q(fresh_db("order_mixed"), clock.clock());
  const int64_t a = q.enqueue(request("a"));
  const int64_t b = q.enqueue(request("b"));
  const int64_t c = q.enqueue(request("c"));
  const auto a1 = q.claim("w", 60);
  ASSERT_EQ(a1->id, a);
  ASSERT_TRUE(q.fail(*a1, "w", "retry"));  // a: queued again, claimable at t0+2
  const auto b1 = q.claim("w", 1);
  ASSERT_EQ(b1->id, b);  // b: leased until t0+1
  clock.advance(2);
  // Claimable now: a (queued, id 1), b (expired lease, id 2), c (queued, id 3): lowest id first.
  EXPECT_EQ(q.claim("w", 60)->id, a);
  const auto b2 = q.claim("w", 60);
  ASSERT_TRUE(b2);
  EXPECT_EQ(b2->id, b);
  EXPECT_EQ(b2->attempts, 2);
  EXPECT_EQ(q.claim("w", 60)->id, c);
  EXPECT_FALSE(q.claim("w", 60));
}

TEST_P(TaskQueueTest, DedupKeyReturnsTheExistingTaskInAnyState) {
  FakeClock clock(kT0);
  TaskQueue q(fresh_db("dedup"), clock.clock());
  const int64_t id = q.enqueue(request("first", 1, "k1"));
  EXPECT_EQ(q.enqueue(request("second", 1, "k1")), id);
  EXPECT_EQ(q.get(id)->payload_json, "first");
  const auto t = q.claim("w", 10);
  ASSERT_TRUE(t);
  ASSERT_TRUE(q.complete(*t, "w"));
  EXPECT_EQ(q.enqueue(request("third", 1, "k1")), id) << "a done task still dedups";
  const int64_t other = q.enqueue(request("other", 1, "k2"));
  EXPECT_NE(other, id);
  // Tasks without a key never dedup.
  EXPECT_NE(q.enqueue(request("x", 1)), q.enqueue(request("x", 1)));
  EXPECT_EQ(q.counts(1).total(), 4);
}

TEST_P(TaskQueueTest, FailBacksOffExponentiallyThenFailsAfterMaxAttempts) {
  FakeClock clock(kT0);
  TaskQueue q(fresh_db("backoff"), clock.clock());
  const int64_t id = q.enqueue(request("p", 9, std::nullopt, 3));

  auto t = q.claim("w", 60);
  ASSERT_TRUE(t);
  ASSERT_TRUE(q.fail(*t, "w", "model timeout"));
  auto stored = q.get(id);
  EXPECT_EQ(stored->state, TaskState::kQueued);
  EXPECT_EQ(stored->last_error, "model timeout");
  EXPECT_EQ(stored->not_before, kT0 + 2);
  EXPECT_FALSE(q.fail(*t, "w", "again")) << "the lease ended with the first fail";

  clock.advance(1);
  EXPECT_FALSE(q.claim("w", 60)) << "not claimable before not_before";
  clock.advance(1);
  t = q.claim("w", 60);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->attempts, 2);
  ASSERT_TRUE(q.fail(*t, "w", "second"));
  EXPECT_EQ(q.get(id)->not_before, kT0 + 2 + 4);

  clock.advance(3);
  EXPECT_FALSE(q.claim("w", 60));
  clock.advance(1);
  t = q.claim("w", 60);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->attempts, 3);
  ASSERT_TRUE(q.fail(*t, "w", "third"));
  stored = q.get(id);
  EXPECT_EQ(stored->state, TaskState::kFailed);
  EXPECT_EQ(stored->last_error, "third");
  clock.advance(10'000);
  EXPECT_FALSE(q.claim("w", 60)) << "a failed task is never claimed again";
  const TaskCounts c = q.counts(9);
  EXPECT_EQ(c.failed, 1);
  EXPECT_EQ(c.total(), 1);
}

TEST_P(TaskQueueTest, FailPermanentlyEndsTheTaskWithAttemptsLeftAndIsFencedByTheLease) {
  FakeClock clock(kT0);
  const std::string db = fresh_db("fail_permanently");
  TaskQueue w1(db, clock.clock());
  TaskQueue w2(db, clock.clock());
  const int64_t id = w1.enqueue(request("p", 4, std::nullopt, 5));
  const int64_t other = w1.enqueue(request("p", 4, std::nullopt, 5));

  const auto first = w1.claim("w1", 30);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->id, id);
  EXPECT_FALSE(w2.fail_permanently(*first, "w2", "not the owner")) << "another worker id holds no lease";
  clock.advance(31);
  const auto second = w2.claim("w2", 30);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->id, id) << "the expired lease is taken over";
  EXPECT_FALSE(w1.fail_permanently(*first, "w1", "late")) << "the first lease expired and was taken over";
  EXPECT_EQ(w1.get(id)->state, TaskState::kLeased);

  ASSERT_TRUE(w2.fail_permanently(*second, "w2", "corrupt payload"));
  const auto stored = w2.get(id);
  EXPECT_EQ(stored->state, TaskState::kFailed) << "failed at once, though 3 of 5 attempts are left";
  EXPECT_EQ(stored->attempts, 2);
  EXPECT_EQ(stored->last_error, "corrupt payload");
  EXPECT_FALSE(w2.fail_permanently(*second, "w2", "again")) << "the lease ended with the first call";
  clock.advance(10'000);
  const auto next = w2.claim("w2", 30);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->id, other) << "a permanently failed task is never claimed again";
  const TaskCounts c = w2.counts(4);
  EXPECT_EQ(c.failed, 1);
  EXPECT_EQ(c.leased, 1);
}

TEST_P(TaskQueueTest, CancelStopsQueuedAndLeasedTasksOfOneJobOnly) {
  FakeClock clock(kT0);
  TaskQueue q(fresh_db("cancel"), clock.clock());
  const int64_t done = q.enqueue(request("d", 1));
  const int64_t leased = q.enqueue(request("l", 1));
  q.enqueue(request("q1", 1));
  q.enqueue(request("q2", 1));
  const int64_t other_job = q.enqueue(request("o", 2));
  const auto d = q.claim("w", 60);
  ASSERT_EQ(d->id, done);
  ASSERT_TRUE(q.complete(*d, "w"));
  const auto l = q.claim("w", 60);
  ASSERT_EQ(l->id, leased);

  EXPECT_EQ(q.cancel(1), 3);
  EXPECT_EQ(q.get(done)->state, TaskState::kDone);
  EXPECT_EQ(q.get(leased)->state, TaskState::kCancelled);
  EXPECT_FALSE(q.heartbeat(*l, "w", 60)) << "a cancelled task's lease is gone";
  EXPECT_FALSE(q.complete(*l, "w")) << "a cancelled task's late result is dropped";
  EXPECT_EQ(q.get(leased)->state, TaskState::kCancelled);

  const TaskCounts c = q.counts(1);
  EXPECT_EQ(c.done, 1);
  EXPECT_EQ(c.cancelled, 3);
  EXPECT_EQ(c.queued + c.leased + c.failed, 0);
  EXPECT_EQ(c.finished(), 4);
  const auto next = q.claim("w", 60);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->id, other_job);
  EXPECT_EQ(q.cancel(1), 0);
}

TEST_P(TaskQueueTest, CountsPerStateForProgress) {
  FakeClock clock(kT0);
  TaskQueue q(fresh_db("counts"), clock.clock());
  for (int i = 0; i < 5; ++i) q.enqueue(request("j7", 7, std::nullopt, 1));
  q.enqueue(request("j8", 8));
  const auto a = q.claim("w", 60);
  const auto b = q.claim("w", 60);
  const auto c = q.claim("w", 60);
  ASSERT_TRUE(a && b && c);
  ASSERT_TRUE(q.complete(*a, "w"));
  ASSERT_TRUE(q.fail(*b, "w", "boom"));  // max_attempts 1: failed at once
  const TaskCounts j7 = q.counts(7);
  EXPECT_EQ(j7.queued, 2);
  EXPECT_EQ(j7.leased, 1);
  EXPECT_EQ(j7.done, 1);
  EXPECT_EQ(j7.failed, 1);
  EXPECT_EQ(j7.cancelled, 0);
  EXPECT_EQ(q.counts(8).queued, 1);
  EXPECT_EQ(q.counts(std::nullopt).total(), 6);
  EXPECT_EQ(q.counts(99).total(), 0);
}

TEST_P(TaskQueueTest, ExpiredLeaseIsTakenOverAndTheFirstWorkerLosesIt) {
  FakeClock clock(kT0);
  const std::string db = fresh_db("expiry");
  TaskQueue w1(db, clock.clock());
  TaskQueue w2(db, clock.clock());
  const int64_t id = w1.enqueue(request("p", 3));
  const auto first = w1.claim("w1", 30);
  ASSERT_TRUE(first);

  clock.advance(20);
  EXPECT_TRUE(w1.heartbeat(*first, "w1", 30)) << "heartbeat within the lease extends it to t0+50";
  EXPECT_EQ(w1.get(id)->lease_expires_at, kT0 + 50);
  clock.advance(29);
  EXPECT_FALSE(w2.claim("w2", 30)) << "the extended lease still holds at t0+49";
  clock.advance(1);
  const auto second = w2.claim("w2", 30);
  ASSERT_TRUE(second) << "the lease expired at t0+50";
  EXPECT_EQ(second->id, id);
  EXPECT_EQ(second->attempts, 2) << "the expired lease counted as an attempt";
  EXPECT_EQ(second->lease_owner, "w2");
  ASSERT_TRUE(second->last_error);
  EXPECT_NE(second->last_error->find("lease of w1 expired"), std::string::npos) << *second->last_error;

  EXPECT_FALSE(w1.heartbeat(*first, "w1", 30));
  EXPECT_FALSE(w1.complete(*first, "w1"));
  EXPECT_FALSE(w1.fail(*first, "w1", "late"));
  EXPECT_EQ(w1.get(id)->lease_owner, "w2") << "the late worker changed nothing";
  EXPECT_TRUE(w2.complete(*second, "w2"));
  EXPECT_EQ(w1.counts(3).done, 1);
}

TEST_P(TaskQueueTest, SameWorkerIdCannotCompleteAnOlderLease) {
  // The attempt number fences leases: a restarted worker reusing its id does not revive the old lease.
  FakeClock clock(kT0);
  TaskQueue q(fresh_db("fence"), clock.clock());
  q.enqueue(request("p"));
  const auto old_lease = q.claim("w", 10);
  clock.advance(10);
  const auto new_lease = q.claim("w", 10);
  ASSERT_TRUE(old_lease && new_lease);
  EXPECT_EQ(new_lease->attempts, 2);
  EXPECT_FALSE(q.complete(*old_lease, "w"));
  EXPECT_TRUE(q.complete(*new_lease, "w"));
}

TEST_P(TaskQueueTest, ExpiredLeaseWithNoAttemptsLeftEndsFailed) {
  FakeClock clock(kT0);
  TaskQueue q(fresh_db("expiry_max"), clock.clock());
  const int64_t id = q.enqueue(request("p", 1, std::nullopt, 1));
  const auto t = q.claim("w1", 30);
  ASSERT_TRUE(t);
  clock.advance(30);
  EXPECT_FALSE(q.claim("w2", 30));
  const auto stored = q.get(id);
  EXPECT_EQ(stored->state, TaskState::kFailed);
  ASSERT_TRUE(stored->last_error);
  EXPECT_NE(stored->last_error->find("expired"), std::string::npos);
  EXPECT_FALSE(q.complete(*t, "w1"));
}

TEST_P(TaskQueueTest, RejectsInvalidArguments) {
  TaskQueue q(fresh_db("invalid"));
  EXPECT_THROW(q.enqueue(request("p", std::nullopt, std::nullopt, 0)), InvalidInputError);
  EXPECT_THROW(q.enqueue(request("p", std::nullopt, std::nullopt, 3, "")), InvalidInputError);
  EXPECT_THROW(q.claim("", 30), InvalidInputError);
  EXPECT_THROW(q.claim("w", 0), InvalidInputError);
  EXPECT_EQ(q.counts(std::nullopt).total(), 0);
}

TEST_P(TaskQueueTest, PauseHoldsTheJobsTasksAndResumeReleasesThem) {
  FakeClock clock(kT0);
  TaskQueue q(fresh_db("pause"), clock.clock());
  const int64_t a = q.enqueue(request("a", 1));
  const int64_t b = q.enqueue(request("b", 1));
  const int64_t c = q.enqueue(request("c", 1));
  const int64_t d = q.enqueue(request("d", 2));
  const auto leased = q.claim("w1", 30);
  ASSERT_TRUE(leased);
  EXPECT_EQ(leased->id, a);

  EXPECT_EQ(q.pause(1), 3);  // b and c queued, a leased
  EXPECT_EQ(q.pause(1), 0);  // already held
  EXPECT_EQ(q.pause(99), 0);
  TaskCounts held = q.counts(1);
  EXPECT_EQ(held.queued, 2);
  EXPECT_EQ(held.held, 2);
  EXPECT_EQ(held.leased, 1);
  EXPECT_EQ(q.counts(2).held, 0);

  // Another job's task is still claimable; the paused job's are not.
  const auto other = q.claim("w2", 30);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->id, d);
  EXPECT_FALSE(q.claim("w2", 30));
  EXPECT_TRUE(q.complete(*other, "w2"));

  // The leased task runs on; when it fails it goes back to the queue held, not after its backoff.
  EXPECT_TRUE(q.heartbeat(*leased, "w1", 30));
  EXPECT_TRUE(q.fail(*leased, "w1", "model down"));
  clock.advance(1000);
  EXPECT_FALSE(q.claim("w2", 30));
  held = q.counts(1);
  EXPECT_EQ(held.queued, 3);
  EXPECT_EQ(held.held, 3);

  EXPECT_EQ(q.resume(1), 3);
  EXPECT_EQ(q.resume(1), 0);
  EXPECT_EQ(q.counts(1).held, 0);
  std::vector<int64_t> order;
  while (const auto t = q.claim("w3", 30)) order.push_back(t->id);
  EXPECT_EQ(order, (std::vector<int64_t>{a, b, c}));
  EXPECT_EQ(q.get(a)->attempts, 2);
  EXPECT_EQ(q.get(b)->attempts, 1);
}

TEST_P(TaskQueueTest, AHeldLeaseIsNotTakenOverWhenItExpiresButItsOwnerMayFinish) {
  FakeClock clock(kT0);
  TaskQueue q(fresh_db("pause_lease"), clock.clock());
  q.enqueue(request("a", 7));
  const auto t = q.claim("w1", 30);
  ASSERT_TRUE(t);
  EXPECT_EQ(q.pause(7), 1);
  clock.advance(31);
  EXPECT_FALSE(q.claim("w2", 30));
  EXPECT_EQ(q.get(t->id)->state, TaskState::kLeased);
  EXPECT_TRUE(q.complete(*t, "w1"));
  EXPECT_EQ(q.resume(7), 0);  // done tasks are not held
  EXPECT_EQ(q.counts(7).done, 1);
}

TEST(TaskQueueFile, UnreachablePostgresIsAnIoError) {
  EXPECT_THROW(TaskQueue q("postgresql://hirelm:pw@127.0.0.1:1/hirelm"), IoError);
}

TEST(TaskQueueFile, OpeningANonDatabaseFileThrowsIoError) {
  const std::string path = fresh_sqlite_path("garbage");
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    const std::string junk(4096, 'x');
    std::fwrite(junk.data(), 1, junk.size(), f);
    std::fclose(f);
  }
  EXPECT_THROW(TaskQueue q(path), IoError);
}

INSTANTIATE_TEST_SUITE_P(Backends, TaskQueueTest, ::testing::ValuesIn(db::testing::test_backends()),
                         db::testing::backend_param_name);

}  // namespace
}  // namespace hirelm::queue
