// LanguageModel over the in-process engine. Today it runs the batch's requests one after another through
// Engine::generate; the seam for continuous batching is run_batch() in the .cpp, which will hand every
// request to the scheduler at once when it lands (the requests are already built as GenerationRequests
// with prompt token ids, so the switch touches nothing else).
#pragma once

#include <string>

#include "engine/engine.h"
#include "llm/language_model.h"

namespace hirelm::llm {

class EngineLanguageModel : public LanguageModel {
 public:
  // `engine` must outlive this object. `model_id` names the model in stored runs.
  EngineLanguageModel(engine::Engine& engine, std::string model_id);

  void complete(const std::vector<ChatRequest>& requests, const CompletionCallback& on_done) override;
  std::string model_id() const override { return model_id_; }

  // The engine request for one chat request: prompt token ids with untrusted parts encoded as plain text.
  engine::GenerationRequest to_generation_request(const ChatRequest& request) const;

 private:
  engine::Engine* engine_;
  std::string model_id_;
};

}  // namespace hirelm::llm
