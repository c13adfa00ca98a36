#include "llm/scripted_llm_server.h"

#include <chrono>
#include <stdexcept>

namespace hirelm::test {

std::string r1_completion(const std::string& reasoning, const std::string& content, const std::string& finish,
                          ReasoningStyle style, int prompt_tokens, int completion_tokens) {
  nlohmann::json msg = {{"role", "assistant"}};
  switch (style) {
    case ReasoningStyle::kReasoningContent:
      msg["content"] = content;
      msg["reasoning_content"] = reasoning;
      break;
    case ReasoningStyle::kReasoning:
      msg["content"] = content;
      msg["reasoning"] = reasoning;
      break;
    case ReasoningStyle::kRawThink:
      msg["content"] = reasoning + (finish == "length" && content.empty() ? "" : "\n</think>\n\n" + content);
      break;
  }
  nlohmann::json body = {
      {"id", "chatcmpl-test"},
      {"object", "chat.completion"},
      {"model", "scripted"},
      {"choices", {{{"index", 0}, {"message", msg}, {"finish_reason", finish}}}},
      {"usage",
       {{"prompt_tokens", prompt_tokens},
        {"completion_tokens", completion_tokens},
        {"total_tokens", prompt_tokens + completion_tokens},
        {"prompt_tokens_details", {{"cached_tokens", prompt_tokens / 2}}}}}};
  return body.dump();
}

ScriptedLlmServer::ScriptedLlmServer(Script script) : script_(std::move(script)) {
  server_.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
    const int call = calls_.fetch_add(1);
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(body);
      auth_.push_back(req.get_header_value("Authorization"));
    }
    const ScriptedReply reply = script_(body, call);
    if (reply.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(reply.delay_ms));
    res.status = reply.status;
    res.set_content(reply.body, "application/json");
  });
  server_.new_task_queue = [] { return new httplib::ThreadPool(8); };
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("ScriptedLlmServer: cannot bind 127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

ScriptedLlmServer::~ScriptedLlmServer() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::vector<nlohmann::json> ScriptedLlmServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<std::string> ScriptedLlmServer::auth_headers() const {
  std::lock_guard<std::mutex> lock(mu_);
  return auth_;
}

std::string request_text(const nlohmann::json& request) {
  std::string out;
  if (!request.contains("messages")) return out;
  for (const auto& m : request["messages"]) {
    if (m.contains("content") && m["content"].is_string()) out += m["content"].get<std::string>();
  }
  return out;
}

}  // namespace hirelm::test
