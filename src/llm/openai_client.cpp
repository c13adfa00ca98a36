#include "llm/openai_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace hirelm::llm {
namespace {

using json = nlohmann::json;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string endpoint_for(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.ends_with("/chat/completions")) return url;
  return url + (url.ends_with("/v1") ? "" : "/v1") + "/chat/completions";
}

size_t append_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

struct HttpResult {
  long status = 0;       // 0: no HTTP reply (transport error)
  std::string body;
  std::string error;     // transport error text
};

HttpResult http_post(const std::string& url, const std::string& body, const OpenAiClientOptions& o) {
  HttpResult r;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> c(curl_easy_init(), &curl_easy_cleanup);
  if (!c) {
    r.error = "cannot initialise libcurl";
    return r;
  }
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  if (!o.api_key.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + o.api_key).c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(headers, &curl_slist_free_all);
  curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout_s * 1000));
  curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout_s * 1000));
  const CURLcode rc = curl_easy_perform(c.get());
  if (rc != CURLE_OK) {
    r.error = curl_easy_strerror(rc);
    return r;
  }
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &r.status);
  return r;
}

bool retryable_status(long status) { return status == 408 || status == 429 || status >= 500; }

std::string string_field(const json& obj, const char* name) {
  auto it = obj.find(name);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

OpenAiClient::OpenAiClient(OpenAiClientOptions options) : options_(std::move(options)) {
  if (options_.urls.empty()) throw InvalidInputError("--llm-url: at least one URL is required");
  for (const auto& u : options_.urls) {
    if (!u.starts_with("http://") && !u.starts_with("https://")) {
      throw InvalidInputError("--llm-url: expected an http:// or https:// URL, got '" + u + "'");
    }
    endpoints_.push_back(endpoint_for(u));
  }
  if (options_.concurrency < 1) throw InvalidInputError("LLM concurrency: expected >= 1, got " + std::to_string(options_.concurrency));
  if (options_.max_retries < 0) throw InvalidInputError("LLM retries: expected >= 0");
  if (!(options_.timeout_s > 0)) throw InvalidInputError("LLM timeout: expected > 0 seconds");
  init_curl_once();
}

std::string OpenAiClient::model_id() const { return "http:" + options_.model + "@" + endpoints_.front(); }

std::string OpenAiClient::request_body(const ChatRequest& request, const std::string& model) {
  json body;
  body["model"] = model;
  json messages = json::array();
  for (const auto& m : request.messages) messages.push_back({{"role", m.role}, {"content", m.content()}});
  body["messages"] = std::move(messages);
  body["temperature"] = request.temperature;
  body["top_p"] = request.top_p;
  body["max_tokens"] = request.max_tokens;
  if (request.seed) body["seed"] = *request.seed;
  if (request.ignore_eos) body["ignore_eos"] = true;
  if (!request.json_schema.empty()) {
    json schema = json::parse(request.json_schema, nullptr, false);
    if (!schema.is_discarded()) {
      body["response_format"] = {{"type", "json_schema"},
                                 {"json_schema", {{"name", "answer"}, {"schema", schema}, {"strict", true}}}};
    }
  }
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string OpenAiClient::parse_reply(const std::string& body, ChatResponse& out) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "reply is not JSON";
  auto choices = j.find("choices");
  if (choices == j.end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) {
    return "reply has no choices";
  }
  const json& choice = (*choices)[0];
  auto msg = choice.find("message");
  if (msg == choice.end() || !msg->is_object()) return "reply has no choices[0].message";
  out.content = string_field(*msg, "content");
  out.reasoning = string_field(*msg, "reasoning_content");
  if (out.reasoning.empty()) out.reasoning = string_field(*msg, "reasoning");
  if (out.reasoning.empty()) {
    // Raw R1 output: the prompt opened <think>, so the reasoning is everything before </think>.
    const size_t close = out.content.find("</think>");
    if (close != std::string::npos) {
      std::string reasoning = out.content.substr(0, close);
      if (reasoning.rfind("<think>", 0) == 0) reasoning.erase(0, 7);
      out.reasoning = reasoning;
      out.content.erase(0, close + 8);
    } else if (out.content.rfind("<think>", 0) == 0) {
      // Opened but never closed: all of it is reasoning, there is no answer.
      out.reasoning = out.content.substr(7);
      out.content.clear();
    }
  }
  out.finish_reason = string_field(choice, "finish_reason");
  if (out.finish_reason.empty()) out.finish_reason = "stop";
  auto usage = j.find("usage");
  if (usage != j.end() && usage->is_object()) {
    out.prompt_tokens = usage->value("prompt_tokens", int64_t{0});
    out.completion_tokens = usage->value("completion_tokens", int64_t{0});
    auto details = usage->find("prompt_tokens_details");
    if (details != usage->end() && details->is_object()) out.cached_tokens = details->value("cached_tokens", int64_t{0});
  }
  return "";
}

ChatResponse OpenAiClient::run_one(const ChatRequest& request, size_t index) const {
  const std::string body = request_body(request, options_.model);
  double backoff = options_.backoff_initial_s;
  std::string last_error;
  for (int attempt = 0; attempt <= options_.max_retries; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(std::chrono::duration<double>(backoff));
      backoff = std::min(backoff * 2, options_.backoff_max_s);
    }
    const std::string& url = endpoints_[(index + static_cast<size_t>(attempt)) % endpoints_.size()];
    const HttpResult http = http_post(url, body, options_);
    if (http.status == 0) {
      last_error = url + ": " + http.error;
      continue;
    }
    if (http.status != 200) {
      last_error = url + ": HTTP " + std::to_string(http.status) + ": " + http.body.substr(0, 200);
      if (retryable_status(http.status)) continue;
      break;
    }
    ChatResponse r;
    const std::string err = parse_reply(http.body, r);
    if (err.empty()) {
      r.seed = request.seed;
      return r;
    }
    last_error = url + ": " + err;
  }
  ChatResponse failed;
  failed.finish_reason = "error";
  failed.error = last_error;
  return failed;
}

void OpenAiClient::complete(const std::vector<ChatRequest>& requests, const CompletionCallback& on_done) {
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex callback_mutex;
  std::exception_ptr failure;
  auto worker = [&] {
    while (!stop.load()) {
      const size_t i = next.fetch_add(1);
      if (i >= requests.size()) return;
      const ChatResponse r = run_one(requests[i], i);
      std::lock_guard<std::mutex> lock(callback_mutex);
      if (failure) return;
      try {
        on_done(i, r);
      } catch (...) {
        failure = std::current_exception();
        stop = true;
      }
    }
  };
  const size_t n_threads = std::min(requests.size(), static_cast<size_t>(options_.concurrency));
  std::vector<std::thread> threads;
  for (size_t t = 1; t < n_threads; ++t) threads.emplace_back(worker);
  if (n_threads > 0) worker();
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace hirelm::llm
