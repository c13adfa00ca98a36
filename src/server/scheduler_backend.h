// CompletionBackend over the continuous-batching scheduler (engine/scheduler): every submitted request
// joins the running batch at the next step. RequestHandle semantics are SerialBackend's: deltas, then
// exactly one result or failure; RequestHandle::cancel() stops the request within one step and frees
// its KV blocks. At most `max_waiting` requests may wait for a batch slot; submit() beyond that throws
// ApiError(kOverloaded).
#pragma once

#include <memory>

#include "engine/scheduler/scheduler.h"
#include "server/completion_backend.h"

namespace hirelm::server {

class SchedulerBackend : public CompletionBackend {
 public:
  // Throws InvalidInputError for bad scheduler options.
  SchedulerBackend(engine::Engine engine, engine::scheduler::SchedulerOptions options, size_t max_waiting);
  ~SchedulerBackend() override;  // running requests end cancelled, waiting ones fail
  SchedulerBackend(const SchedulerBackend&) = delete;
  SchedulerBackend& operator=(const SchedulerBackend&) = delete;

  // Bad requests (prompt too long, needing more KV than the pool) come back as a BackendFailure event.
  std::shared_ptr<RequestHandle> submit(engine::GenerationRequest request) override;
  BackendStats stats() const override;
  const engine::Engine& engine() const override { return *engine_; }
  const engine::scheduler::Scheduler& scheduler() const { return *scheduler_; }

 private:
  std::unique_ptr<engine::Engine> engine_;  // stable address: the scheduler holds a reference
  size_t max_waiting_;
  std::unique_ptr<engine::scheduler::Scheduler> scheduler_;
};

}  // namespace hirelm::server
