// The durable task queue (docs/queue.md): screening work stored as rows of the store's `tasks` table with
// states, attempts, leases and backoff, shared by any number of processes on one SQLite file or PostgreSQL
// database (through the db layer, src/screening/db).
//
// Claiming is one transaction (select the oldest claimable task, lease it): SQLite takes the database's write
// lock up front (BEGIN IMMEDIATE); PostgreSQL selects with FOR UPDATE SKIP LOCKED, so workers on several
// machines skip each other's rows instead of waiting. Two processes never claim the same task. A worker holds a task through a lease: (task id, worker id, attempt number).
// heartbeat/complete/fail succeed only while that lease is the task's current one; once another worker has
// taken the task over (its lease expired and it was claimed again), or it was cancelled, they return false and
// change nothing, so a late worker's result is dropped.
//
// Threading: one TaskQueue per thread (it owns one connection); any number of processes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "screening/db/connection.h"
#include "screening/queue/task.h"
#include "util/utc_time.h"

namespace hirelm::queue {

// not_before of a task held by pause(): 9999-12-31T23:59:59Z, later than any clock reading.
constexpr int64_t kHeldNotBefore = 253402300799;

// Seconds since the Unix epoch (UTC); utc_now_seconds (util/utc_time.h) by default. Injected so tests move
// time without sleeping.
using Clock = std::function<int64_t()>;

struct EnqueueRequest {
  std::string kind;          // non-empty, e.g. "screen_document"
  std::string payload_json;  // stored as given; the queue does not parse it
  std::optional<int64_t> job_id;
  // When set and a task with this key exists already (in any state), that task's id is returned and nothing
  // is added.
  std::optional<std::string> dedup_key;
  int max_attempts = 3;  // >= 1
};

class TaskQueue {
 public:
  // Opens the store database `spec` (a SQLite path or a PostgreSQL URL; db::open) with a connection of its own
  // and applies the store's migrations when needed (store::migrate). Throws IoError when it cannot be opened or
  // reached, UnsupportedError for a newer schema.
  explicit TaskQueue(const std::string& spec, Clock clock = utc_now_seconds);
  // The same over a connection the caller opened; the queue owns it from now on.
  explicit TaskQueue(std::unique_ptr<db::Connection> connection, Clock clock = utc_now_seconds);
  ~TaskQueue();
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;

  // Adds a queued task claimable now and returns its id, or the id of the task with the same dedup_key.
  // Throws InvalidInputError for an empty kind or max_attempts < 1.
  int64_t enqueue(const EnqueueRequest& request);

  // Leases the oldest claimable task of one of `kinds` (any kind when empty) to `worker_id` for
  // `lease_seconds` (> 0), incrementing its attempts. Claimable: queued with not_before <= now, or leased with
  // an expired lease (the expired attempt counts as failed: last_error says so). Expired leases of tasks with
  // no attempts left become `failed` instead. nullopt when nothing is claimable now.
  std::optional<Task> claim(const std::string& worker_id, int64_t lease_seconds,
                            const std::vector<std::string>& kinds = {});

  // Extends the lease to now + lease_seconds. False (and no change) when the lease is no longer current.
  bool heartbeat(const Task& lease, const std::string& worker_id, int64_t lease_seconds);

  // Marks the task done. False (and no change) when the lease is no longer current: the result must be dropped.
  bool complete(const Task& lease, const std::string& worker_id);

  // Records a failed attempt: back to queued with not_before = now + backoff_seconds(attempts), or `failed` when
  // attempts >= max_attempts. False (and no change) when the lease is no longer current.
  bool fail(const Task& lease, const std::string& worker_id, const std::string& error);

  // Records a failure that retrying cannot fix (a bad input): `failed` at once, whatever attempts are left.
  // False (and no change) when the lease is no longer current.
  bool fail_permanently(const Task& lease, const std::string& worker_id, const std::string& error);

  // Cancels the job's queued and leased tasks (a worker holding one then gets false from complete/fail/
  // heartbeat). Returns how many were cancelled.
  int64_t cancel(int64_t job_id);

  // Holds the job's queued tasks: not claimable until resume (not_before = kHeldNotBefore). Leased tasks run
  // on, but are held as well, so one that fails or whose lease expires waits (queued, resp. leased and not
  // taken over) instead of running again. Returns how many queued or leased tasks were held.
  int64_t pause(int64_t job_id);

  // Makes the job's held tasks claimable now (not_before = now). Returns how many were released.
  int64_t resume(int64_t job_id);

  // Tasks per state, of one job or (nullopt) of the whole queue.
  TaskCounts counts(std::optional<int64_t> job_id) const;

  // The task as stored now, or nullopt for an unknown id.
  std::optional<Task> get(int64_t task_id) const;

 private:
  int64_t now() const;
  // UPDATE ... WHERE the lease is current, with `set_sql` as the SET clause whose parameters start at ?4.
  bool update_if_leased(const std::string& set_sql, const Task& lease, const std::string& worker_id,
                        const std::function<void(db::Statement&)>& bind_rest);
  // pause (held) or resume (!held): moves not_before of the job's open tasks that are not yet so.
  int64_t set_held(int64_t job_id, bool held);
  // The id of the oldest claimable task of `kinds` at time t, locked for this transaction, or nullopt.
  std::optional<int64_t> pick_claimable(int64_t t, const std::vector<std::string>& kinds);

  std::unique_ptr<db::Connection> db_;
  Clock clock_;
};

}  // namespace hirelm::queue
