// The small interface the HTTP layer drives generation through. The first implementation
// (SerialBackend) runs requests one at a time through Engine::generate on a worker thread; the
// continuous-batching scheduler will implement the same interface.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

#include "engine/engine.h"
#include "util/error.h"

namespace hirelm::server {

// What a submitted request produces, in order: zero or more deltas, then exactly one of a result or
// an error message.
struct BackendFailure {
  std::string message;
  ErrorKind kind = ErrorKind::kInternal;
};
using BackendEvent = std::variant<engine::StreamEvent, engine::GenerationResult, BackendFailure>;

// One request in flight: a thread-safe channel from the backend (producer) to the HTTP handler
// (consumer). Shared by both; whichever lets go last frees it.
class RequestHandle {
 public:
  // Blocks until the next event; the last one is a GenerationResult or a BackendFailure.
  BackendEvent next();
  // Asks the backend to stop this request (client gone). Its final event is then a result with
  // finish_reason kCancelled (or, if it never started, a result with no tokens).
  void cancel();
  bool cancelled() const;

  // Producer side.
  void push(BackendEvent event);

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<BackendEvent> events_;
  bool cancelled_ = false;
};

struct BackendStats {
  int64_t running = 0;            // requests generating now
  int64_t waiting = 0;            // requests queued
  int64_t prompt_tokens = 0;      // totals since start
  int64_t generation_tokens = 0;
  int64_t requests_finished = 0;
  // Paged-KV and prefix-cache figures (backends without them leave zeros). /metrics exports them.
  double kv_cache_usage = 0;         // fraction of KV blocks in use, [0, 1]
  int64_t prefix_cache_queries = 0;  // prompt tokens looked up in the prefix cache (total since start)
  int64_t prefix_cache_hits = 0;     // of those, tokens found cached
  int64_t num_preemptions = 0;       // sequences preempted (total since start)
};

class CompletionBackend {
 public:
  virtual ~CompletionBackend() = default;
  // Queues a request whose prompt the caller has already validated. Throws ApiError(kOverloaded)
  // when the queue is full.
  virtual std::shared_ptr<RequestHandle> submit(engine::GenerationRequest request) = 0;
  virtual BackendStats stats() const = 0;
  // The loaded engine, for tokenization and prompt rendering (const members only: thread-safe).
  virtual const engine::Engine& engine() const = 0;
};

}  // namespace hirelm::server
