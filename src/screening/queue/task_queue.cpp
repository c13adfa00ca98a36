#include "screening/queue/task_queue.h"

#include <chrono>

#include "screening/queue/backoff.h"
#include "screening/queue/sqlite_connection.h"
#include "screening/store/store.h"
#include "util/check.h"
#include "util/error.h"

namespace hirelm::queue {

namespace {

constexpr int kBusyTimeoutMs = 30000;

// Column list read by read_task, in this order.
constexpr const char* kColumns =
    "id, kind, payload_json, job_id, dedup_key, state, attempts, max_attempts, not_before, lease_owner, "
    "lease_expires_at, last_error, created_at, updated_at";

Task read_task(const SqliteStatement& row) {
  Task t;
  t.id = row.int64(0);
  t.kind = row.text(1);
  t.payload_json = row.text(2);
  t.job_id = row.optional_int64(3);
  t.dedup_key = row.optional_text(4);
  t.state = parse_task_state(row.text(5));
  t.attempts = static_cast<int>(row.int64(6));
  t.max_attempts = static_cast<int>(row.int64(7));
  t.not_before = row.int64(8);
  t.lease_owner = row.optional_text(9);
  t.lease_expires_at = row.optional_int64(10);
  t.last_error = row.optional_text(11);
  t.created_at = row.int64(12);
  t.updated_at = row.int64(13);
  return t;
}

void require_positive(int64_t value, const char* name) {
  if (value <= 0) {
    throw InvalidInputError(std::string("queue: ") + name + ": expected > 0, got " + std::to_string(value));
  }
}

}  // namespace

int64_t system_clock_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TaskQueue::TaskQueue(const std::string& path, Clock clock) : clock_(std::move(clock)) {
  HIRELM_CHECK(clock_ != nullptr);
  { store::Store migrate(path); }  // creates the file and applies the store migrations, `tasks` among them
  db_ = std::make_unique<SqliteConnection>(path, kBusyTimeoutMs);
}

TaskQueue::~TaskQueue() = default;

int64_t TaskQueue::now() const { return clock_(); }

int64_t TaskQueue::enqueue(const EnqueueRequest& request) {
  if (request.kind.empty()) throw InvalidInputError("queue: enqueue: field 'kind': expected a name, got ''");
  require_positive(request.max_attempts, "enqueue: field 'max_attempts'");
  const int64_t t = now();
  SqliteTransaction tx(*db_);
  int64_t id = 0;
  {
    SqliteStatement insert(*db_,
                           "INSERT INTO tasks (kind, payload_json, job_id, dedup_key, state, attempts, max_attempts, "
                           "not_before, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'queued', 0, ?5, ?6, ?6, ?6) "
                           "ON CONFLICT (dedup_key) DO NOTHING RETURNING id");
    insert.bind(1, request.kind)
        .bind(2, request.payload_json)
        .bind(3, request.job_id)
        .bind(4, request.dedup_key)
        .bind(5, static_cast<int64_t>(request.max_attempts))
        .bind(6, t);
    if (insert.step()) {
      id = insert.int64(0);
      insert.run();
    }
  }
  if (id == 0) {
    // Only a dedup_key conflict inserts nothing.
    HIRELM_CHECK(request.dedup_key.has_value());
    SqliteStatement existing(*db_, "SELECT id FROM tasks WHERE dedup_key = ?1");
    existing.bind(1, *request.dedup_key);
    HIRELM_CHECK(existing.step());
    id = existing.int64(0);
  }
  tx.commit();
  return id;
}

std::optional<Task> TaskQueue::claim(const std::string& worker_id, int64_t lease_seconds,
                                     const std::vector<std::string>& kinds) {
  if (worker_id.empty()) throw InvalidInputError("queue: claim: worker id: expected a name, got ''");
  require_positive(lease_seconds, "claim: lease_seconds");
  const int64_t t = now();
  SqliteTransaction tx(*db_);
  // Expired leases with no attempts left end here; they are never handed out again.
  SqliteStatement(*db_,
                  "UPDATE tasks SET state = 'failed', updated_at = ?1, last_error = 'lease of ' || "
                  "COALESCE(lease_owner, '?') || ' expired on attempt ' || attempts || ' of ' || max_attempts "
                  "WHERE state = 'leased' AND lease_expires_at <= ?1 AND attempts >= max_attempts")
      .bind(1, t)
      .run();

  // The oldest claimable task: the lower id of the oldest eligible queued task and the oldest expired lease.
  // Two branches, each ORDER BY id LIMIT 1, so the queued one walks the (state, id) index and stops at the
  // first eligible row, instead of sorting every queued task or scanning finished ones.
  std::string kind_filter;
  if (!kinds.empty()) {
    kind_filter = " AND kind IN (";
    for (size_t i = 0; i < kinds.size(); ++i) kind_filter += (i ? ", ?" : "?") + std::to_string(i + 2);
    kind_filter += ")";
  }
  const std::string sql =
      "SELECT MIN(id) FROM (SELECT id FROM (SELECT id FROM tasks WHERE state = 'queued' AND not_before <= ?1" +
      kind_filter +
      " ORDER BY id LIMIT 1) UNION ALL SELECT id FROM (SELECT id FROM tasks WHERE state = 'leased' AND "
      "lease_expires_at <= ?1" +
      kind_filter + " ORDER BY id LIMIT 1))";
  std::optional<int64_t> id;
  {
    SqliteStatement pick(*db_, sql);
    pick.bind(1, t);
    for (size_t i = 0; i < kinds.size(); ++i) pick.bind(static_cast<int>(i + 2), kinds[i]);
    if (pick.step()) id = pick.optional_int64(0);  // MIN over no rows is NULL
  }
  if (!id) {
    tx.commit();
    return std::nullopt;
  }
  std::optional<Task> task;
  {
    // SET expressions read the row as it was before this UPDATE (an expired lease's owner and attempt).
    SqliteStatement lease(*db_,
                          std::string("UPDATE tasks SET state = 'leased', attempts = attempts + 1, lease_owner = ?2, "
                                      "lease_expires_at = ?3, updated_at = ?4, last_error = CASE WHEN state = "
                                      "'leased' THEN 'lease of ' || COALESCE(lease_owner, '?') || ' expired on "
                                      "attempt ' || attempts ELSE last_error END WHERE id = ?1 RETURNING ") +
                              kColumns);
    lease.bind(1, *id).bind(2, worker_id).bind(3, t + lease_seconds).bind(4, t);
    HIRELM_CHECK(lease.step());
    task = read_task(lease);
    lease.run();
  }
  tx.commit();
  return task;
}

bool TaskQueue::update_if_leased(const std::string& set_sql, const Task& lease, const std::string& worker_id,
                                 const std::function<void(SqliteStatement&)>& bind_rest) {
  SqliteStatement update(*db_, "UPDATE tasks SET " + set_sql +
                                   " WHERE id = ?1 AND state = 'leased' AND lease_owner = ?2 AND attempts = ?3");
  update.bind(1, lease.id).bind(2, worker_id).bind(3, static_cast<int64_t>(lease.attempts));
  bind_rest(update);
  return update.run() == 1;
}

bool TaskQueue::heartbeat(const Task& lease, const std::string& worker_id, int64_t lease_seconds) {
  require_positive(lease_seconds, "heartbeat: lease_seconds");
  const int64_t t = now();
  SqliteTransaction tx(*db_);
  const bool held = update_if_leased("lease_expires_at = ?4, updated_at = ?5", lease, worker_id,
                                     [&](SqliteStatement& s) { s.bind(4, t + lease_seconds).bind(5, t); });
  tx.commit();
  return held;
}

bool TaskQueue::complete(const Task& lease, const std::string& worker_id) {
  const int64_t t = now();
  SqliteTransaction tx(*db_);
  const bool held =
      update_if_leased("state = 'done', updated_at = ?4", lease, worker_id, [&](SqliteStatement& s) { s.bind(4, t); });
  tx.commit();
  return held;
}

bool TaskQueue::fail(const Task& lease, const std::string& worker_id, const std::string& error) {
  const int64_t t = now();
  SqliteTransaction tx(*db_);
  const bool held = update_if_leased(
      "state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, not_before = ?4, "
      "last_error = ?5, updated_at = ?6",
      lease, worker_id,
      [&](SqliteStatement& s) { s.bind(4, t + backoff_seconds(lease.attempts)).bind(5, error).bind(6, t); });
  tx.commit();
  return held;
}

int64_t TaskQueue::cancel(int64_t job_id) {
  const int64_t t = now();
  SqliteTransaction tx(*db_);
  const int64_t n = SqliteStatement(*db_,
                                    "UPDATE tasks SET state = 'cancelled', updated_at = ?2 "
                                    "WHERE job_id = ?1 AND state IN ('queued', 'leased')")
                        .bind(1, job_id)
                        .bind(2, t)
                        .run();
  tx.commit();
  return n;
}

TaskCounts TaskQueue::counts(std::optional<int64_t> job_id) const {
  SqliteStatement q(*db_, job_id ? "SELECT state, COUNT(*) FROM tasks WHERE job_id = ?1 GROUP BY state"
                                 : "SELECT state, COUNT(*) FROM tasks GROUP BY state");
  if (job_id) q.bind(1, *job_id);
  TaskCounts c;
  while (q.step()) {
    const int64_t n = q.int64(1);
    switch (parse_task_state(q.text(0))) {
      case TaskState::kQueued:
        c.queued = n;
        break;
      case TaskState::kLeased:
        c.leased = n;
        break;
      case TaskState::kDone:
        c.done = n;
        break;
      case TaskState::kFailed:
        c.failed = n;
        break;
      case TaskState::kCancelled:
        c.cancelled = n;
        break;
    }
  }
  return c;
}

std::optional<Task> TaskQueue::get(int64_t task_id) const {
  SqliteStatement q(*db_, std::string("SELECT ") + kColumns + " FROM tasks WHERE id = ?1");
  q.bind(1, task_id);
  if (!q.step()) return std::nullopt;
  return read_task(q);
}

}  // namespace hirelm::queue
