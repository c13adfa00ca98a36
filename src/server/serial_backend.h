// CompletionBackend that runs one request at a time on a worker thread through Engine::generate.
// At most `max_waiting` requests wait behind the running one; submit() beyond that is kOverloaded.
#pragma once

#include <atomic>
#include <thread>

#include "server/completion_backend.h"

namespace hirelm::server {

class SerialBackend : public CompletionBackend {
 public:
  SerialBackend(engine::Engine engine, size_t max_waiting);
  ~SerialBackend() override;  // cancels everything queued, finishes the running request's cancellation
  SerialBackend(const SerialBackend&) = delete;
  SerialBackend& operator=(const SerialBackend&) = delete;

  std::shared_ptr<RequestHandle> submit(engine::GenerationRequest request) override;
  BackendStats stats() const override;
  const engine::Engine& engine() const override { return engine_; }

 private:
  struct Job {
    engine::GenerationRequest request;
    std::shared_ptr<RequestHandle> handle;
  };
  void run();

  engine::Engine engine_;
  size_t max_waiting_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::atomic<bool> stopping_{false};  // written under mutex_, read by the generation callback too
  int64_t running_ = 0;
  std::atomic<int64_t> prompt_tokens_{0};
  std::atomic<int64_t> generation_tokens_{0};
  std::atomic<int64_t> finished_{0};
  std::thread worker_;
};

}  // namespace hirelm::server
