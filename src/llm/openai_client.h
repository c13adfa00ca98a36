// LanguageModel over OpenAI-compatible HTTP servers (vLLM, llama-server, SGLang, `hirelm serve`):
// POST {url}/v1/chat/completions with libcurl. Requests are spread across the endpoints (request i starts
// on endpoint i mod n; each retry moves to the next one), at most `concurrency` in flight in total.
// Retries (with exponential backoff) cover connection errors, timeouts, HTTP 408/429/5xx and replies that
// are not a chat completion; other HTTP 4xx fail the request at once. The reasoning is read from
// `reasoning_content` (DeepSeek, vLLM) or `reasoning` (OpenRouter, newer vLLM), else split off the content
// at `</think>` (servers that pass R1's raw output through).
#pragma once

#include <string>
#include <vector>

#include "llm/language_model.h"

namespace hirelm::llm {

struct OpenAiClientOptions {
  std::vector<std::string> urls;  // base URLs; "/v1/chat/completions" is appended unless already there
  std::string api_key;            // sent as "Authorization: Bearer KEY" when non-empty
  std::string model = "deepseek-r1-distill-qwen-1.5b";  // the request's "model" field
  double timeout_s = 600;          // whole request (generation included)
  double connect_timeout_s = 10;
  int max_retries = 3;             // attempts after the first
  double backoff_initial_s = 0.5;  // doubled after each failed attempt, capped at backoff_max_s
  double backoff_max_s = 8;
  int concurrency = 4;  // requests in flight across all endpoints
};

class OpenAiClient : public LanguageModel {
 public:
  // Throws InvalidInputError for no URL, a URL that is not http(s), or bad limits.
  explicit OpenAiClient(OpenAiClientOptions options);

  void complete(const std::vector<ChatRequest>& requests, const CompletionCallback& on_done) override;
  std::string model_id() const override;

  // The JSON body sent for one request (exposed for tests).
  static std::string request_body(const ChatRequest& request, const std::string& model);
  // Parses a chat completion reply into `out`; returns an error message ("" on success).
  static std::string parse_reply(const std::string& body, ChatResponse& out);

 private:
  ChatResponse run_one(const ChatRequest& request, size_t index) const;

  OpenAiClientOptions options_;
  std::vector<std::string> endpoints_;  // full chat/completions URLs
};

}  // namespace hirelm::llm
