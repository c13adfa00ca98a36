// Parsing and validation of OpenAI-compatible request bodies: /v1/chat/completions and /v1/completions.
// Wrong types and out-of-range values throw ApiError(kBadRequest) naming the field (`param`); valid
// requests for features we do not implement yet throw ApiError(kUnsupported). Unknown fields are
// ignored, as vLLM does. A JSON `null` counts as an absent field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/engine/generation.h"

namespace hirelm::server {

enum class Endpoint { kChat, kCompletion };

struct OpenAiRequest {
  Endpoint endpoint = Endpoint::kChat;
  std::string model;                      // as the client named it; empty when absent
  engine::GenerationRequest generation;   // prompt or messages, sampling, stop, limits, logprobs
  int n = 1;                              // number of choices, each its own sequence (seed + i)
  bool stream = false;
  bool include_usage = false;             // stream_options.include_usage: a final usage chunk
  bool logprobs = false;                  // report logprobs of the chosen tokens
  int top_logprobs = 0;                   // alternatives per token when logprobs is on
  bool echo = false;                      // completions: the prompt text leads the returned text
};

// Limits on what one request may ask for.
constexpr int kMaxChoices = 16;
constexpr int kMaxTopLogprobs = 20;
constexpr size_t kMaxStopStrings = 16;
// /v1/completions generates 16 tokens when max_tokens is absent, as OpenAI and vLLM do.
constexpr int64_t kCompletionDefaultMaxTokens = 16;

// Structured outputs (either endpoint): response_format {type: text | json_object | json_schema with
// json_schema {name, schema, strict}}, vLLM's structured_outputs {json | regex | choice | grammar |
// json_object}, or the older guided_json / guided_regex / guided_choice / guided_grammar; at most one.
// The hirelm extension structured_outputs_scope "answer_only" (default: after `</think>` when the
// prompt opens reasoning) or "everything" sets OutputConstraint::scope. Only shapes are checked here;
// the schema / regex / grammar compiles in the engine (Engine::compile_constraint).
// `ordered_body`, the same body parsed keeping key order, supplies schema text in the client's property
// order; without it properties come out sorted by name.
OpenAiRequest parse_chat_request(const nlohmann::json& body, const nlohmann::ordered_json* ordered_body = nullptr);
OpenAiRequest parse_completion_request(const nlohmann::json& body,
                                       const nlohmann::ordered_json* ordered_body = nullptr);
// Parses the JSON text first: malformed JSON or a non-object body is kBadRequest.
OpenAiRequest parse_request(Endpoint endpoint, std::string_view body);

// Chat message content as plain text: a string as it is, an array of parts as its "text" parts
// concatenated. Other part types (images, audio) are kUnsupported. `param` names the field for errors.
std::string message_text(const nlohmann::json& content, const std::string& param);

}  // namespace hirelm::server
