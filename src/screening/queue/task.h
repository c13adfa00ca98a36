// A task of the durable queue (docs/queue.md): one unit of work stored as a row of the `tasks` table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hirelm::queue {

// The state machine (docs/queue.md):
//   queued -> leased (claim) -> done (complete)
//   leased -> queued (fail, attempts left; not_before = now + backoff) | failed (fail, no attempts left)
//   leased, lease expired -> leased again by the next claim (the expired lease counts as a failed attempt),
//                            or failed when no attempts are left
//   queued | leased -> cancelled (cancel)
enum class TaskState { kQueued, kLeased, kDone, kFailed, kCancelled };

// The word stored in tasks.state: "queued", "leased", "done", "failed", "cancelled".
std::string_view to_string(TaskState state);
// Inverse of to_string; throws InvalidInputError naming the value for any other word.
TaskState parse_task_state(std::string_view text);

// One row of `tasks`. Times are whole seconds since the Unix epoch (UTC), from the queue's clock.
struct Task {
  int64_t id = 0;
  std::string kind;          // e.g. "screen_document"
  std::string payload_json;  // opaque to the queue: stored and returned as given
  std::optional<int64_t> job_id;
  std::optional<std::string> dedup_key;
  TaskState state = TaskState::kQueued;
  int attempts = 0;      // claims so far; the current lease is attempt number `attempts` (a fencing token)
  int max_attempts = 0;  // attempts allowed before the task ends `failed`
  int64_t not_before = 0;  // not claimable before this time (backoff after a failure)
  std::optional<std::string> lease_owner;    // worker id of the current (or last) lease
  std::optional<int64_t> lease_expires_at;   // end of the current (or last) lease
  std::optional<std::string> last_error;     // what the last failed attempt reported
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Number of tasks in each state (of one job, or of the whole queue).
struct TaskCounts {
  int64_t queued = 0;
  int64_t leased = 0;
  int64_t done = 0;
  int64_t failed = 0;
  int64_t cancelled = 0;
  // Of `queued`, the tasks held by TaskQueue::pause (not claimable until resume); already counted in queued.
  int64_t held = 0;

  int64_t total() const { return queued + leased + done + failed + cancelled; }
  // Tasks that will not run again (done, failed or cancelled).
  int64_t finished() const { return done + failed + cancelled; }
};

}  // namespace hirelm::queue
