#include "server/scheduler_backend.h"

#include "server/api_error.h"

namespace hirelm::server {

namespace {

// Forwards the scheduler's calls for one request into its RequestHandle.
class HandleSink : public engine::scheduler::RequestSink {
 public:
  explicit HandleSink(std::shared_ptr<RequestHandle> handle) : handle_(std::move(handle)) {}
  bool cancelled() const override { return handle_->cancelled(); }
  void on_event(engine::StreamEvent event) override { handle_->push(std::move(event)); }
  void on_result(engine::GenerationResult result) override { handle_->push(std::move(result)); }
  void on_failure(const std::string& message, ErrorKind kind) override {
    handle_->push(BackendFailure{message, kind});
  }

 private:
  std::shared_ptr<RequestHandle> handle_;
};

}  // namespace

SchedulerBackend::SchedulerBackend(engine::Engine engine, engine::scheduler::SchedulerOptions options,
                                   size_t max_waiting)
    : engine_(std::make_unique<engine::Engine>(std::move(engine))),
      max_waiting_(max_waiting),
      scheduler_(std::make_unique<engine::scheduler::Scheduler>(*engine_, std::move(options))) {}

SchedulerBackend::~SchedulerBackend() { scheduler_.reset(); }

std::shared_ptr<RequestHandle> SchedulerBackend::submit(engine::GenerationRequest request) {
  const auto waiting = scheduler_->stats().waiting;
  if (waiting >= static_cast<int64_t>(max_waiting_)) {
    throw ApiError(ApiErrorKind::kOverloaded,
                   "too many requests waiting (" + std::to_string(waiting) + "); retry later");
  }
  auto handle = std::make_shared<RequestHandle>();
  try {
    scheduler_->submit(request, std::make_shared<HandleSink>(handle));
  } catch (const Error& e) {
    handle->push(BackendFailure{e.what(), e.kind()});
  } catch (const std::exception& e) {
    handle->push(BackendFailure{e.what(), ErrorKind::kInternal});
  }
  return handle;
}

BackendStats SchedulerBackend::stats() const {
  const auto s = scheduler_->stats();
  BackendStats b;
  b.running = s.running;
  b.waiting = s.waiting;
  b.prompt_tokens = s.prompt_tokens;
  b.generation_tokens = s.generation_tokens;
  b.requests_finished = s.requests_finished;
  b.kv_cache_usage = s.kv_cache_usage;
  b.prefix_cache_queries = s.prefix_cache_queries;
  b.prefix_cache_hits = s.prefix_cache_hits;
  b.num_preemptions = s.num_preemptions;
  return b;
}

}  // namespace hirelm::server
