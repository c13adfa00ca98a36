#include "screening/queue/task.h"

#include "util/error.h"

namespace hirelm::queue {

std::string_view to_string(TaskState state) {
  switch (state) {
    case TaskState::kQueued:
      return "queued";
    case TaskState::kLeased:
      return "leased";
    case TaskState::kDone:
      return "done";
    case TaskState::kFailed:
      return "failed";
    case TaskState::kCancelled:
      return "cancelled";
  }
  return "queued";
}

TaskState parse_task_state(std::string_view text) {
  for (TaskState s : {TaskState::kQueued, TaskState::kLeased, TaskState::kDone, TaskState::kFailed,
                      TaskState::kCancelled}) {
    if (to_string(s) == text) return s;
  }
  throw InvalidInputError("tasks.state: expected queued|leased|done|failed|cancelled, got '" + std::string(text) +
                          "'");
}

}  // namespace hirelm::queue
