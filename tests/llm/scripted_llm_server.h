// A scripted OpenAI-compatible server for tests: cpp-httplib on 127.0.0.1 (any free port), answering
// POST /v1/chat/completions through a test-supplied script. Helpers build R1-style replies (reasoning in
// reasoning_content, in reasoning, or raw "<think>...</think>" in content).
#pragma once

#include <httplib.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace hirelm::test {

struct ScriptedReply {
  int status = 200;
  std::string body;
  int delay_ms = 0;  // sleep before answering (timeouts)
};

enum class ReasoningStyle { kReasoningContent, kReasoning, kRawThink };

// A chat completion body with the given reasoning and answer.
std::string r1_completion(const std::string& reasoning, const std::string& content, const std::string& finish = "stop",
                          ReasoningStyle style = ReasoningStyle::kReasoningContent, int prompt_tokens = 100,
                          int completion_tokens = 50);

class ScriptedLlmServer {
 public:
  // `script` gets the parsed request body and the 0-based index of the call (all calls, in arrival order).
  using Script = std::function<ScriptedReply(const nlohmann::json& request, int call)>;
  explicit ScriptedLlmServer(Script script);
  ~ScriptedLlmServer();

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int calls() const { return calls_.load(); }
  std::vector<nlohmann::json> requests() const;
  std::vector<std::string> auth_headers() const;

 private:
  httplib::Server server_;
  Script script_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> calls_{0};
  mutable std::mutex mu_;
  std::vector<nlohmann::json> requests_;
  std::vector<std::string> auth_;
};

// Text of the user message(s) of a request (all message contents joined).
std::string request_text(const nlohmann::json& request);

}  // namespace hirelm::test
