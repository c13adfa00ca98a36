// LanguageModel over the in-process engine: complete() hands every request of a batch to the
// continuous-batching scheduler at once (created on first use; while it lives, nothing else may run the
// engine's model) and reports each as it finishes, on the caller's thread. A request with a JSON schema
// is constrained to it after the reasoning (structured outputs), so its answer always parses.
#pragma once

#include <memory>
#include <string>

#include "engine/engine.h"
#include "llm/language_model.h"

namespace hirelm::engine::scheduler {
class Scheduler;
}

namespace hirelm::llm {

class EngineLanguageModel : public LanguageModel {
 public:
  // `engine` must outlive this object. `model_id` names the model in stored runs.
  EngineLanguageModel(engine::Engine& engine, std::string model_id);
  ~EngineLanguageModel() override;

  void complete(const std::vector<ChatRequest>& requests, const CompletionCallback& on_done) override;
  std::string model_id() const override { return model_id_; }

  // The engine request for one chat request: prompt token ids with untrusted parts encoded as plain text.
  engine::GenerationRequest to_generation_request(const ChatRequest& request) const;

 private:
  engine::Engine* engine_;
  std::string model_id_;
  std::unique_ptr<engine::scheduler::Scheduler> scheduler_;
};

}  // namespace hirelm::llm
