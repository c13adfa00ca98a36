#include "screening/queue/task_queue.h"

#include "screening/queue/backoff.h"
#include "screening/store/migrations.h"
#include "util/check.h"
#include "util/error.h"

namespace hirelm::queue {

namespace {

// Column list read by read_task, in this order.
constexpr const char* kColumns =
    "id, kind, payload_json, job_id, dedup_key, state, attempts, max_attempts, not_before, lease_owner, "
    "lease_expires_at, last_error, created_at, updated_at";

Task read_task(const db::Statement& row) {
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

TaskQueue::TaskQueue(const std::string& spec, Clock clock) : TaskQueue(db::open(spec), std::move(clock)) {}

TaskQueue::TaskQueue(std::unique_ptr<db::Connection> connection, Clock clock)
    : db_(std::move(connection)), clock_(std::move(clock)) {
  HIRELM_CHECK(db_ != nullptr);
  HIRELM_CHECK(clock_ != nullptr);
  store::migrate(*db_);  // the `tasks` table is store migration 2
}

TaskQueue::~TaskQueue() = default;

int64_t TaskQueue::now() const { return clock_(); }

int64_t TaskQueue::enqueue(const EnqueueRequest& request) {
  if (request.kind.empty()) throw InvalidInputError("queue: enqueue: field 'kind': expected a name, got ''");
  require_positive(request.max_attempts, "enqueue: field 'max_attempts'");
  const int64_t t = now();
  db::Transaction tx(*db_);
  // ON CONFLICT waits for a concurrent inserter of the same key (PostgreSQL) and then inserts nothing.
  auto insert = db_->prepare(
      "INSERT INTO tasks (kind, payload_json, job_id, dedup_key, state, attempts, max_attempts, "
      "not_before, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'queued', 0, ?5, ?6, ?6, ?6) "
      "ON CONFLICT (dedup_key) DO NOTHING RETURNING id");
  insert->bind(1, request.kind)
      .bind(2, request.payload_json)
      .bind(3, request.job_id)
      .bind(4, request.dedup_key)
      .bind(5, request.max_attempts)
      .bind(6, t);
  std::optional<int64_t> id = insert->run_returning_id();
  if (!id) {
    // Only a dedup_key conflict inserts nothing.
    HIRELM_CHECK(request.dedup_key.has_value());
    auto existing = db_->prepare("SELECT id FROM tasks WHERE dedup_key = ?1");
    existing->bind(1, *request.dedup_key);
    HIRELM_CHECK(existing->step());
    id = existing->int64(0);
  }
  tx.commit();
  return *id;
}

std::optional<int64_t> TaskQueue::pick_claimable(int64_t t, const std::vector<std::string>& kinds) {
  std::string kind_filter;
  if (!kinds.empty()) {
    kind_filter = " AND kind IN (";
    for (size_t i = 0; i < kinds.size(); ++i) kind_filter += (i ? ", ?" : "?") + std::to_string(i + 3);
    kind_filter += ")";
  }
  // ?1 = now, ?2 = kHeldNotBefore, ?3... = kinds. Each branch is ORDER BY id LIMIT 1, so the queued one walks
  // the (state, id) index and stops at the first eligible row, instead of sorting every queued task or
  // scanning finished ones. A held task's not_before is kHeldNotBefore (and a real clock never reaches it).
  const std::string queued =
      "SELECT id FROM tasks WHERE state = 'queued' AND not_before <= ?1 AND not_before < ?2" + kind_filter +
      " ORDER BY id LIMIT 1";
  const std::string expired = "SELECT id FROM tasks WHERE state = 'leased' AND lease_expires_at <= ?1 AND "
                              "not_before < ?2" + kind_filter + " ORDER BY id LIMIT 1";
  const auto bind = [&](db::Statement& q) {
    q.bind(1, t).bind(2, kHeldNotBefore);
    for (size_t i = 0; i < kinds.size(); ++i) q.bind(static_cast<int>(i + 3), kinds[i]);
  };
  if (db_->dialect() == db::Dialect::kSqlite) {
    // The write lock is held since BEGIN IMMEDIATE: the lower id of the two branches is ours.
    auto pick = db_->prepare("SELECT MIN(id) FROM (SELECT id FROM (" + queued + ") UNION ALL SELECT id FROM (" +
                             expired + "))");
    bind(*pick);
    return pick->step() ? pick->optional_int64(0) : std::nullopt;  // MIN over no rows is NULL
  }
  // PostgreSQL: each branch locks its row, skipping rows other claimers hold (and re-checking the WHERE on the
  // row's newest version), so no two transactions pick one task and none waits for another. The loser of the
  // two stays locked until this transaction ends, which at worst makes another claimer skip it once.
  std::optional<int64_t> id;
  for (const std::string* sql : {&queued, &expired}) {
    auto pick = db_->prepare(*sql + " FOR UPDATE SKIP LOCKED");
    bind(*pick);
    if (pick->step() && (!id || pick->int64(0) < *id)) id = pick->int64(0);
  }
  return id;
}

std::optional<Task> TaskQueue::claim(const std::string& worker_id, int64_t lease_seconds,
                                     const std::vector<std::string>& kinds) {
  if (worker_id.empty()) throw InvalidInputError("queue: claim: worker id: expected a name, got ''");
  require_positive(lease_seconds, "claim: lease_seconds");
  const int64_t t = now();
  db::Transaction tx(*db_);
  // Expired leases with no attempts left end here; they are never handed out again. On PostgreSQL only rows
  // nobody else has locked (a concurrent claim does the rest).
  const std::string expired_for_good =
      "state = 'leased' AND lease_expires_at <= ?1 AND attempts >= max_attempts";
  db_->prepare("UPDATE tasks SET state = 'failed', updated_at = ?1, last_error = 'lease of ' || "
               "COALESCE(lease_owner, '?') || ' expired on attempt ' || attempts || ' of ' || max_attempts "
               "WHERE " +
               (db_->dialect() == db::Dialect::kSqlite
                    ? expired_for_good
                    : "id IN (SELECT id FROM tasks WHERE " + expired_for_good + " FOR UPDATE SKIP LOCKED)"))
      ->bind(1, t)
      .run();

  const std::optional<int64_t> id = pick_claimable(t, kinds);
  if (!id) {
    tx.commit();
    return std::nullopt;
  }
  std::optional<Task> task;
  {
    // SET expressions read the row as it was before this UPDATE (an expired lease's owner and attempt).
    auto lease = db_->prepare(std::string("UPDATE tasks SET state = 'leased', attempts = attempts + 1, "
                                          "lease_owner = ?2, lease_expires_at = ?3, updated_at = ?4, last_error = "
                                          "CASE WHEN state = 'leased' THEN 'lease of ' || COALESCE(lease_owner, "
                                          "'?') || ' expired on attempt ' || attempts ELSE last_error END "
                                          "WHERE id = ?1 RETURNING ") +
                              kColumns);
    lease->bind(1, *id).bind(2, worker_id).bind(3, t + lease_seconds).bind(4, t);
    HIRELM_CHECK(lease->step());
    task = read_task(*lease);
    lease->run();
  }
  tx.commit();
  return task;
}

bool TaskQueue::update_if_leased(const std::string& set_sql, const Task& lease, const std::string& worker_id,
                                 const std::function<void(db::Statement&)>& bind_rest) {
  auto update = db_->prepare("UPDATE tasks SET " + set_sql +
                             " WHERE id = ?1 AND state = 'leased' AND lease_owner = ?2 AND attempts = ?3");
  update->bind(1, lease.id).bind(2, worker_id).bind(3, lease.attempts);
  bind_rest(*update);
  return update->run() == 1;
}

bool TaskQueue::heartbeat(const Task& lease, const std::string& worker_id, int64_t lease_seconds) {
  require_positive(lease_seconds, "heartbeat: lease_seconds");
  const int64_t t = now();
  db::Transaction tx(*db_);
  const bool held = update_if_leased("lease_expires_at = ?4, updated_at = ?5", lease, worker_id,
                                     [&](db::Statement& s) { s.bind(4, t + lease_seconds).bind(5, t); });
  tx.commit();
  return held;
}

bool TaskQueue::complete(const Task& lease, const std::string& worker_id) {
  const int64_t t = now();
  db::Transaction tx(*db_);
  const bool held =
      update_if_leased("state = 'done', updated_at = ?4", lease, worker_id, [&](db::Statement& s) { s.bind(4, t); });
  tx.commit();
  return held;
}

bool TaskQueue::fail(const Task& lease, const std::string& worker_id, const std::string& error) {
  const int64_t t = now();
  db::Transaction tx(*db_);
  // A task of a paused job stays held when it goes back to the queue.
  const bool held = update_if_leased(
      "state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, "
      "not_before = CASE WHEN not_before >= ?7 THEN not_before ELSE ?4 END, last_error = ?5, updated_at = ?6",
      lease, worker_id, [&](db::Statement& s) {
        s.bind(4, t + backoff_seconds(lease.attempts)).bind(5, error).bind(6, t).bind(7, kHeldNotBefore);
      });
  tx.commit();
  return held;
}

bool TaskQueue::fail_permanently(const Task& lease, const std::string& worker_id, const std::string& error) {
  const int64_t t = now();
  db::Transaction tx(*db_);
  const bool held = update_if_leased("state = 'failed', last_error = ?4, updated_at = ?5", lease, worker_id,
                                     [&](db::Statement& s) { s.bind(4, error).bind(5, t); });
  tx.commit();
  return held;
}

int64_t TaskQueue::cancel(int64_t job_id) {
  const int64_t t = now();
  db::Transaction tx(*db_);
  const int64_t n = db_->prepare("UPDATE tasks SET state = 'cancelled', updated_at = ?2 "
                                 "WHERE job_id = ?1 AND state IN ('queued', 'leased')")
                        ->bind(1, job_id)
                        .bind(2, t)
                        .run();
  tx.commit();
  return n;
}

int64_t TaskQueue::pause(int64_t job_id) { return set_held(job_id, true); }

int64_t TaskQueue::resume(int64_t job_id) { return set_held(job_id, false); }

int64_t TaskQueue::set_held(int64_t job_id, bool held) {
  const int64_t t = now();
  db::Transaction tx(*db_);
  // A task is held while its not_before is kHeldNotBefore (?4): holding moves it there, releasing to now.
  const int64_t n = db_->prepare(std::string("UPDATE tasks SET not_before = ?2, updated_at = ?3 WHERE job_id = ?1 "
                                             "AND state IN ('queued', 'leased') AND not_before ") +
                                 (held ? "<" : ">=") + " ?4")
                        ->bind(1, job_id)
                        .bind(2, held ? kHeldNotBefore : t)
                        .bind(3, t)
                        .bind(4, kHeldNotBefore)
                        .run();
  tx.commit();
  return n;
}

TaskCounts TaskQueue::counts(std::optional<int64_t> job_id) const {
  auto q = db_->prepare(std::string("SELECT state, COUNT(*), SUM(CASE WHEN not_before >= ?1 THEN 1 ELSE 0 END) "
                                    "FROM tasks") +
                        (job_id ? " WHERE job_id = ?2" : "") + " GROUP BY state");
  q->bind(1, kHeldNotBefore);
  if (job_id) q->bind(2, *job_id);
  TaskCounts c;
  while (q->step()) {
    const int64_t n = q->int64(1);
    switch (parse_task_state(q->text(0))) {
      case TaskState::kQueued:
        c.queued = n;
        c.held = q->int64(2);
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
  auto q = db_->prepare(std::string("SELECT ") + kColumns + " FROM tasks WHERE id = ?1");
  q->bind(1, task_id);
  if (!q->step()) return std::nullopt;
  return read_task(*q);
}

}  // namespace hirelm::queue
