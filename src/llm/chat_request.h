// What the screening code asks a language model for, and what it gets back. Plain data shared by every
// LanguageModel implementation (in-process engine, OpenAI-compatible HTTP client, test doubles).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hirelm::llm {

// One piece of a message. Untrusted parts (resume text) must never produce control tokens: the in-process
// model encodes them with the tokenizer's untrusted mode; an HTTP server receives them as plain content.
struct TextPart {
  std::string text;
  bool untrusted = false;
};

struct ChatMessage {
  std::string role;  // "user" or "assistant" (R1-distilled models take no system role)
  std::vector<TextPart> parts;

  // The message content as one string (all parts concatenated).
  std::string content() const;
  static ChatMessage user(std::string text);
};

struct ChatRequest {
  std::vector<ChatMessage> messages;
  double temperature = 0.6;  // R1 guidance: 0.5-0.7
  double top_p = 0.95;
  int64_t max_tokens = 1024;
  std::optional<uint64_t> seed;  // unset: the model draws one (reported in ChatResponse::seed when known)
  // A JSON schema (text) the answer must follow; empty = free text. Implementations that cannot enforce
  // it still pass it on (HTTP: response_format json_schema) and the caller validates the answer anyway.
  std::string json_schema;
  // Generate exactly max_tokens, past end-of-sequence (benchmarks with random weights). Sent to HTTP
  // servers as "ignore_eos", which vLLM and llama-server accept.
  bool ignore_eos = false;
};

struct ChatResponse {
  std::string reasoning;      // text inside <think>...</think> (or the server's reasoning_content/reasoning)
  std::string content;        // the answer after the reasoning
  std::string finish_reason;  // "stop", "length", "cancelled" or "error"
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t cached_tokens = 0;  // prompt tokens served from a prefix cache, when the model reports it
  std::optional<uint64_t> seed;
  std::string error;  // non-empty when the request failed (transport, HTTP status, bad reply); then the
                      // text fields are empty and finish_reason is "error"

  bool ok() const { return error.empty(); }
  bool truncated() const { return finish_reason == "length"; }
};

}  // namespace hirelm::llm
