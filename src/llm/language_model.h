// The one interface screening uses to talk to a model. Requests are submitted as a batch so that an
// implementation can run them concurrently (continuous batching in-process, parallel HTTP requests).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "llm/chat_request.h"

namespace hirelm::llm {

// Called once per request as it finishes, with the request's index in the batch. Calls are serialized
// (never two at once) but may come from a worker thread and in any order. The callback may throw; the
// implementation then stops handing out new work and rethrows from complete() once running requests end.
using CompletionCallback = std::function<void(size_t index, const ChatResponse& response)>;

class LanguageModel {
 public:
  virtual ~LanguageModel() = default;

  // Runs every request; failures are reported in ChatResponse::error, never thrown. Throws only for a
  // broken model setup (and rethrows what the callback threw).
  virtual void complete(const std::vector<ChatRequest>& requests, const CompletionCallback& on_done) = 0;

  // Identifies the model in stored runs (e.g. "engine:/models/r1.gguf" or "http:deepseek-r1@host").
  virtual std::string model_id() const = 0;

  // Convenience: complete() collecting all responses in request order.
  std::vector<ChatResponse> complete_all(const std::vector<ChatRequest>& requests);
};

}  // namespace hirelm::llm
