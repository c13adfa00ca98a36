// The durable task queue on SQLite (docs/queue.md): screening work stored as rows of the store's `tasks`
// table with states, attempts, leases and backoff, shared by any number of processes on one database file.
//
// Claiming is one BEGIN IMMEDIATE transaction (select the oldest claimable task, lease it), so two processes
// never claim the same task. A worker holds a task through a lease: (task id, worker id, attempt number).
// heartbeat/complete/fail succeed only while that lease is the task's current one; once another worker has
// taken the task over (its lease expired and it was claimed again), or it was cancelled, they return false and
// change nothing, so a late worker's result is dropped. A PostgreSQL backend is meant to keep the same table
// and state machine, claiming with SELECT ... FOR UPDATE SKIP LOCKED.
//
// Threading: one TaskQueue per thread (it owns one connection); any number of processes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "screening/queue/task.h"

namespace hirelm::queue {

class SqliteConnection;
class SqliteStatement;

// Seconds since the Unix epoch (UTC). Injected so tests move time without sleeping.
using Clock = std::function<int64_t()>;

// The system clock, in whole seconds.
int64_t system_clock_seconds();

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
  // Opens the store database at `path` (creating and migrating it through store::Store when needed) and a
  // connection of its own. Throws IoError when it cannot be opened, UnsupportedError for a newer schema.
  explicit TaskQueue(const std::string& path, Clock clock = system_clock_seconds);
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

  // Cancels the job's queued and leased tasks (a worker holding one then gets false from complete/fail/
  // heartbeat). Returns how many were cancelled.
  int64_t cancel(int64_t job_id);

  // Tasks per state, of one job or (nullopt) of the whole queue.
  TaskCounts counts(std::optional<int64_t> job_id) const;

  // The task as stored now, or nullopt for an unknown id.
  std::optional<Task> get(int64_t task_id) const;

 private:
  int64_t now() const;
  // UPDATE ... WHERE the lease is current, with `set_sql` as the SET clause whose parameters start at ?4.
  bool update_if_leased(const std::string& set_sql, const Task& lease, const std::string& worker_id,
                        const std::function<void(SqliteStatement&)>& bind_rest);

  std::unique_ptr<SqliteConnection> db_;
  Clock clock_;
};

}  // namespace hirelm::queue
