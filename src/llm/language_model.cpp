#include "llm/language_model.h"

namespace hirelm::llm {

std::string ChatMessage::content() const {
  std::string out;
  for (const auto& p : parts) out += p.text;
  return out;
}

ChatMessage ChatMessage::user(std::string text) { return ChatMessage{"user", {TextPart{std::move(text), false}}}; }

std::vector<ChatResponse> LanguageModel::complete_all(const std::vector<ChatRequest>& requests) {
  std::vector<ChatResponse> out(requests.size());
  complete(requests, [&](size_t i, const ChatResponse& r) { out[i] = r; });
  return out;
}

}  // namespace hirelm::llm
