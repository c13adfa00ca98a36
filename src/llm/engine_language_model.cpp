#include "llm/engine_language_model.h"

#include "llm/untrusted_prompt.h"
#include "util/error.h"

namespace hirelm::llm {

EngineLanguageModel::EngineLanguageModel(engine::Engine& engine, std::string model_id)
    : engine_(&engine), model_id_(std::move(model_id)) {}

engine::GenerationRequest EngineLanguageModel::to_generation_request(const ChatRequest& request) const {
  engine::GenerationRequest g;
  const UntrustedPrompt prompt = encode_untrusted_prompt(
      request.messages, [&](const nlohmann::ordered_json& m) { return engine_->render_chat(m, true); },
      engine_->tokenizer());
  g.prompt_tokens = prompt.tokens;
  g.sampling.temperature = request.temperature;
  g.sampling.top_p = request.top_p;
  if (request.seed) g.sampling.seed = *request.seed;
  g.max_tokens = request.max_tokens;
  // request.json_schema: enforced once engine::GenerationRequest carries an output constraint; until then
  // the caller validates the answer (and retries) as it does for HTTP servers without structured outputs.
  return g;
}

void EngineLanguageModel::complete(const std::vector<ChatRequest>& requests, const CompletionCallback& on_done) {
  // Seam for continuous batching: submit all of `requests` to the scheduler here and report each as it
  // finishes. Until then, one at a time.
  for (size_t i = 0; i < requests.size(); ++i) {
    ChatResponse r;
    try {
      const engine::GenerationRequest g = to_generation_request(requests[i]);
      const engine::GenerationResult result = engine_->generate(g);
      r.reasoning = result.reasoning;
      r.content = result.content;
      r.finish_reason = std::string(engine::finish_reason_name(result.finish_reason));
      r.prompt_tokens = result.prompt_tokens;
      r.completion_tokens = result.completion_tokens;
      r.cached_tokens = result.cached_tokens;
      r.seed = result.seed;
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInternal) throw;
      r = ChatResponse{};
      r.finish_reason = "error";
      r.error = e.what();
    }
    on_done(i, r);
  }
}

}  // namespace hirelm::llm
