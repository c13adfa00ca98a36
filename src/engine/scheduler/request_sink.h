// Where the scheduler delivers one request's output. Implemented by the caller (the HTTP backend wraps
// its RequestHandle in one); every method is called on the scheduler thread, so each must be quick and
// must not call back into the Scheduler.
#pragma once

#include <string>

#include "engine/engine/generation.h"
#include "util/error.h"

namespace hirelm::engine::scheduler {

class RequestSink {
 public:
  virtual ~RequestSink() = default;
  // Polled before every step: true stops the request within that step (its blocks are freed and its
  // result says finish_reason kCancelled).
  virtual bool cancelled() const = 0;
  // A delta with text or tokens; zero or more, in order, before the final call.
  virtual void on_event(StreamEvent event) = 0;
  // The final call is exactly one of these two.
  virtual void on_result(GenerationResult result) = 0;
  virtual void on_failure(const std::string& message, ErrorKind kind) = 0;
};

}  // namespace hirelm::engine::scheduler
