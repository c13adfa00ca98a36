// OpenAI response objects: chat.completion, chat.completion.chunk, text_completion, usage, logprobs,
// and the Server-Sent-Events framing ("data: {...}\n\n", "data: [DONE]\n\n"). Pure functions of
// generation results; no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine/generation.h"
#include "engine/tokenizer/tokenizer.h"

namespace hirelm::server {

using Json = nlohmann::ordered_json;

// "chatcmpl-" / "cmpl-" + 24 random hex digits.
std::string make_response_id(const std::string& prefix);
// Seconds since the Unix epoch.
int64_t unix_time_now();

// A serialized JSON value; invalid UTF-8 (a token cut mid-character) is replaced, never thrown.
std::string dump_json(const Json& value);
std::string sse_event(const Json& value);
inline constexpr const char* kSseDone = "data: [DONE]\n\n";

// "stop" or "length" (a cancelled generation reports "stop": nobody reads it).
std::string finish_reason_text(engine::FinishReason reason);

struct Usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t cached_tokens = 0;
};
Json usage_json(const Usage& usage);

// One finished choice of a non-streamed response.
struct Choice {
  engine::GenerationResult result;
  std::vector<sampling::TokenLogprobs> logprobs;  // one per generated token, when requested
};

// Chat logprobs: {"content": [{token, logprob, bytes, top_logprobs: [...]}, ...]}.
Json chat_logprobs_json(const std::vector<sampling::TokenLogprobs>& logprobs, const Tokenizer& tokenizer);
// Completion logprobs: {tokens, token_logprobs, top_logprobs: [{token: logprob}], text_offset}.
// `text_offset` starts at `first_offset` (the echoed prompt's length, or 0).
Json completion_logprobs_json(const std::vector<sampling::TokenLogprobs>& logprobs, const Tokenizer& tokenizer,
                              size_t first_offset);

// The assistant message of an R1-style answer: text inside <think> goes to reasoning_content AND
// reasoning; the answer goes to content, which is null when the output was cut before </think>.
Json chat_message_json(const engine::GenerationResult& result);

Json chat_completion_json(const std::string& id, int64_t created, const std::string& model,
                          const std::vector<Choice>& choices, bool with_logprobs, const Tokenizer& tokenizer);
// `prompt_text` is prepended to each choice's text when echo is on (pass empty otherwise).
Json text_completion_json(const std::string& id, int64_t created, const std::string& model,
                          const std::vector<Choice>& choices, bool with_logprobs, const std::string& prompt_text,
                          const Tokenizer& tokenizer);

// One streamed chat chunk for choice `index` with `delta` ({"role"}, {"content"}, {"reasoning_content"},
// ...); finish_reason and logprobs are null unless given.
Json chat_chunk_json(const std::string& id, int64_t created, const std::string& model, int index, Json delta,
                     const Json& finish_reason = nullptr, const Json& logprobs = nullptr);
// The final usage-only chunk (stream_options.include_usage): empty choices.
Json chat_usage_chunk_json(const std::string& id, int64_t created, const std::string& model, const Usage& usage);
Json completion_chunk_json(const std::string& id, int64_t created, const std::string& model, int index,
                           const std::string& text, const Json& finish_reason = nullptr,
                           const Json& logprobs = nullptr);

}  // namespace hirelm::server
