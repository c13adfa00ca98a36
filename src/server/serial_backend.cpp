#include "server/serial_backend.h"

#include "server/api_error.h"

namespace hirelm::server {

BackendEvent RequestHandle::next() {
  std::unique_lock lock(mutex_);
  ready_.wait(lock, [&] { return !events_.empty(); });
  BackendEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

void RequestHandle::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
}

bool RequestHandle::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

void RequestHandle::push(BackendEvent event) {
  {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  ready_.notify_all();
}

SerialBackend::SerialBackend(engine::Engine engine, size_t max_waiting)
    : engine_(std::move(engine)), max_waiting_(max_waiting), worker_([this] { run(); }) {}

SerialBackend::~SerialBackend() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (Job& job : queue_) job.handle->push(BackendFailure{"server shutting down", ErrorKind::kIo});
    queue_.clear();
  }
  wake_.notify_all();
  worker_.join();
}

std::shared_ptr<RequestHandle> SerialBackend::submit(engine::GenerationRequest request) {
  auto handle = std::make_shared<RequestHandle>();
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= max_waiting_) {
      throw ApiError(ApiErrorKind::kOverloaded,
                     "too many requests waiting (" + std::to_string(queue_.size()) + "); retry later");
    }
    queue_.push_back({std::move(request), handle});
  }
  wake_.notify_one();
  return handle;
}

BackendStats SerialBackend::stats() const {
  BackendStats s;
  {
    std::lock_guard lock(mutex_);
    s.running = running_;
    s.waiting = static_cast<int64_t>(queue_.size());
  }
  s.prompt_tokens = prompt_tokens_.load();
  s.generation_tokens = generation_tokens_.load();
  s.requests_finished = finished_.load();
  return s;
}

void SerialBackend::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_ && queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      running_ = 1;
    }
    RequestHandle& handle = *job.handle;
    BackendEvent last;
    try {
      if (handle.cancelled()) {
        engine::GenerationResult none;
        none.finish_reason = engine::FinishReason::kCancelled;
        last = std::move(none);
      } else {
        auto result = engine_.generate(job.request, [&](const engine::StreamEvent& e) {
          if (handle.cancelled()) return false;
          handle.push(e);
          return !stopping_.load();
        });
        prompt_tokens_ += result.prompt_tokens;
        generation_tokens_ += result.completion_tokens;
        last = std::move(result);
      }
    } catch (const Error& e) {
      last = BackendFailure{e.what(), e.kind()};
    } catch (const std::exception& e) {
      last = BackendFailure{e.what(), ErrorKind::kInternal};
    }
    // Counters first, so a client that sees its answer also sees the backend idle.
    ++finished_;
    {
      std::lock_guard lock(mutex_);
      running_ = 0;
    }
    handle.push(std::move(last));
  }
}

}  // namespace hirelm::server
