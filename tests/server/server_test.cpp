// The HTTP server end to end: a tiny random Qwen2 with the real R1 tokenizer and chat template, built
// in-process, served on 127.0.0.1 (ephemeral port) and driven with an httplib client.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "server/openai_server.h"
#include "server/serial_backend.h"
#include "server/swagger_ui.h"
#include "support/reference.h"
#include "support/tiny_model.h"

namespace hirelm::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kServedName = "org/tiny-r1";

// One engine for the whole suite: building the model is the slow part.
class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the process
    if (!fs::exists(test::reference_path("deepseek-r1-distill-qwen-1.5b/tokenizer.json"))) return;
    dir_ = new test::TempDir();
    test::TinyModelSpec spec;
    spec.n_vocab = 151936;
    spec.n_embd = 16;
    spec.n_ff = 32;
    spec.n_heads = 2;
    spec.n_heads_kv = 1;
    test::write_tiny_hf(spec, DType::kBF16, dir_->path());
    for (const char* name : {"tokenizer.json", "tokenizer_config.json", "generation_config.json"}) {
      fs::copy_file(test::reference_path(std::string("deepseek-r1-distill-qwen-1.5b/") + name), dir_->file(name));
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    HIRELM_REQUIRE_REFERENCE();
    ASSERT_NE(dir_, nullptr);
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  // Starts a server; with `load` false it stays in the loading state (no backend).
  void start(ServerOptions options = {}, bool load = true, int64_t ctx = 256) {
    if (options.served_model_name.empty()) options.served_model_name = kServedName;
    server_ = std::make_unique<OpenAiServer>(options);
    port_ = server_->bind("127.0.0.1", 0);
    thread_ = std::thread([this] { server_->serve(); });
    while (!server_->running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (load) {
      engine::EngineOptions eo;
      eo.threads = 1;
      eo.ctx = ctx;
      eo.dtype = DType::kF32;
      backend_ = std::make_shared<SerialBackend>(engine::Engine::load(dir_->path(), eo), 8);
      server_->set_backend(backend_);
    }
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(30, 0);
  }

  json post_json(const std::string& path, const json& body, int expected_status) {
    auto res = client_->Post(path.c_str(), body.dump(), "application/json");
    EXPECT_TRUE(res) << path;
    if (!res) return {};
    EXPECT_EQ(res->status, expected_status) << res->body;
    return json::parse(res->body);
  }

  static json chat_body(json extra = json::object()) {
    json body = {{"model", kServedName},
                 {"messages", json::array({{{"role", "user"}, {"content", "Hello"}}})},
                 {"max_tokens", 8},
                 {"seed", 3},
                 {"ignore_eos", true}};
    for (auto& [k, v] : extra.items()) body[k] = v;
    return body;
  }

  // The "data: ..." payloads of an SSE body, in order.
  static std::vector<std::string> sse_payloads(const std::string& body) {
    std::vector<std::string> out;
    size_t pos = 0;
    while ((pos = body.find("data: ", pos)) != std::string::npos) {
      const size_t end = body.find("\n\n", pos);
      out.push_back(body.substr(pos + 6, end - pos - 6));
      pos = end;
    }
    return out;
  }

  // The value of one sample of /metrics, e.g. metric("hirelm:time_to_first_token_seconds_count").
  // Fails the test and returns -1 when the series is absent.
  double metric(const std::string& series, const httplib::Headers& headers = {}) {
    auto res = client_->Get("/metrics", headers);
    EXPECT_TRUE(res);
    if (!res) return -1;
    std::istringstream in(res->body);
    std::string line;
    const std::string prefix = series + "{model_name=\"" + kServedName + "\"} ";
    while (std::getline(in, line)) {
      if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(prefix.size()));
    }
    ADD_FAILURE() << series << " not in /metrics:\n" << res->body;
    return -1;
  }

  static test::TempDir* dir_;
  std::unique_ptr<OpenAiServer> server_;
  std::shared_ptr<SerialBackend> backend_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
  int port_ = 0;
};

test::TempDir* ServerTest::dir_ = nullptr;

TEST_F(ServerTest, ChatCompletionHasOpenAiShapeUsageAndReasoning) {
  start();
  const json r = post_json("/v1/chat/completions", chat_body(), 200);
  EXPECT_EQ(r["id"].get<std::string>().rfind("chatcmpl-", 0), 0u);
  EXPECT_EQ(r["object"], "chat.completion");
  EXPECT_EQ(r["model"], kServedName);
  EXPECT_TRUE(r["created"].is_number_integer());
  ASSERT_EQ(r["choices"].size(), 1u);
  const json& c = r["choices"][0];
  EXPECT_EQ(c["index"], 0);
  EXPECT_EQ(c["message"]["role"], "assistant");
  // The R1 template opens <think>; 8 random tokens almost never close it: cut inside the reasoning.
  EXPECT_EQ(c["finish_reason"], "length");
  EXPECT_TRUE(c["message"]["reasoning_content"].is_string());
  EXPECT_EQ(c["message"]["reasoning"], c["message"]["reasoning_content"]);
  EXPECT_TRUE(c["message"]["content"].is_null());
  EXPECT_TRUE(c["logprobs"].is_null());
  // <｜begin▁of▁sentence｜><｜User｜>Hello<｜Assistant｜><think>\n is 6 tokens.
  EXPECT_EQ(r["usage"]["prompt_tokens"], 6);
  EXPECT_EQ(r["usage"]["completion_tokens"], 8);
  EXPECT_EQ(r["usage"]["total_tokens"], 14);
  EXPECT_EQ(r["usage"]["prompt_tokens_details"]["cached_tokens"], 0);
}

TEST_F(ServerTest, SameSeedSameAnswerAndNChoicesDiffer) {
  start();
  const json a = post_json("/v1/chat/completions", chat_body({{"temperature", 1.0}}), 200);
  const json b = post_json("/v1/chat/completions", chat_body({{"temperature", 1.0}}), 200);
  EXPECT_EQ(a["choices"][0]["message"], b["choices"][0]["message"]);
  const json n = post_json("/v1/chat/completions", chat_body({{"temperature", 1.0}, {"n", 2}}), 200);
  ASSERT_EQ(n["choices"].size(), 2u);
  EXPECT_EQ(n["choices"][1]["index"], 1);
  EXPECT_EQ(n["choices"][0]["message"], a["choices"][0]["message"]);  // choice i uses seed + i
  EXPECT_NE(n["choices"][0]["message"], n["choices"][1]["message"]);
  EXPECT_EQ(n["usage"]["completion_tokens"], 16);
  EXPECT_EQ(n["usage"]["prompt_tokens"], 6);
}

TEST_F(ServerTest, StreamedChunksAddUpToTheNonStreamedAnswer) {
  start();
  const json whole = post_json("/v1/chat/completions", chat_body(), 200);
  auto res = client_->Post("/v1/chat/completions",
                           chat_body({{"stream", true}, {"stream_options", {{"include_usage", true}}}}).dump(),
                           "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_NE(res->get_header_value("Content-Type").find("text/event-stream"), std::string::npos);
  const auto payloads = sse_payloads(res->body);
  ASSERT_GE(payloads.size(), 4u);
  EXPECT_EQ(payloads.back(), "[DONE]");
  std::string reasoning;
  json finish;
  std::string id;
  for (size_t i = 0; i + 1 < payloads.size(); ++i) {
    const json chunk = json::parse(payloads[i]);
    EXPECT_EQ(chunk["object"], "chat.completion.chunk");
    if (id.empty()) id = chunk["id"];
    EXPECT_EQ(chunk["id"], id);
    if (i == 0) {
      EXPECT_EQ(chunk["choices"][0]["delta"]["role"], "assistant");
    }
    if (chunk["choices"].empty()) continue;
    const json& delta = chunk["choices"][0]["delta"];
    if (delta.contains("reasoning_content")) {
      EXPECT_EQ(delta["reasoning"], delta["reasoning_content"]);
      reasoning += delta["reasoning_content"].get<std::string>();
    }
    if (!chunk["choices"][0]["finish_reason"].is_null()) finish = chunk["choices"][0]["finish_reason"];
  }
  EXPECT_EQ(reasoning, whole["choices"][0]["message"]["reasoning_content"]);
  EXPECT_EQ(finish, "length");
  const json usage_chunk = json::parse(payloads[payloads.size() - 2]);
  EXPECT_TRUE(usage_chunk["choices"].empty());
  EXPECT_EQ(usage_chunk["usage"], whole["usage"]);
}

TEST_F(ServerTest, CompletionsEchoLogprobsAndStop) {
  start();
  const json r = post_json("/v1/completions",
                           {{"prompt", "Hello world"}, {"max_tokens", 5}, {"seed", 1}, {"ignore_eos", true},
                            {"echo", true}, {"logprobs", 2}},
                           200);
  EXPECT_EQ(r["object"], "text_completion");
  const std::string text = r["choices"][0]["text"];
  EXPECT_EQ(text.rfind("Hello world", 0), 0u) << text;
  const json& lp = r["choices"][0]["logprobs"];
  ASSERT_EQ(lp["tokens"].size(), 5u);
  EXPECT_EQ(lp["top_logprobs"][0].size(), 2u);
  EXPECT_LE(lp["token_logprobs"][0].get<double>(), 0.0);
  EXPECT_EQ(r["usage"]["completion_tokens"], 5);

  // Stop at the first character of the unstopped output: the stop string never appears.
  const json free_run = post_json("/v1/completions",
                                  {{"prompt", "Hello world"}, {"max_tokens", 5}, {"seed", 1}, {"ignore_eos", true}}, 200);
  const std::string generated = free_run["choices"][0]["text"];
  ASSERT_FALSE(generated.empty());
  const auto lead = static_cast<unsigned char>(generated[0]);
  const size_t first_char = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  const json stopped = post_json("/v1/completions",
                                 {{"prompt", "Hello world"}, {"max_tokens", 5}, {"seed", 1}, {"ignore_eos", true},
                                  {"stop", generated.substr(0, first_char)}},
                                 200);
  EXPECT_EQ(stopped["choices"][0]["text"], "");
  EXPECT_EQ(stopped["choices"][0]["finish_reason"], "stop");
}

TEST_F(ServerTest, ModelsTokenizeDetokenizeHealthMetrics) {
  start();
  const auto models = client_->Get("/v1/models");
  ASSERT_TRUE(models);
  EXPECT_EQ(json::parse(models->body)["data"][0]["id"], kServedName);

  const json t = post_json("/tokenize", {{"model", "tiny-r1"}, {"prompt", "Hello"}}, 200);
  EXPECT_EQ(t["count"], t["tokens"].size());
  EXPECT_EQ(t["max_model_len"], 256);
  const json tm = post_json("/tokenize", {{"messages", json::array({{{"role", "user"}, {"content", "Hello"}}})}}, 200);
  EXPECT_EQ(tm["tokens"], (std::vector<int>{151646, 151644, 9707, 151645, 151648, 198}));
  const json d = post_json("/detokenize", {{"tokens", {9707}}}, 200);
  EXPECT_EQ(d["prompt"], "Hello");
  post_json("/detokenize", {{"tokens", {-1}}}, 400);

  const auto health = client_->Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  post_json("/v1/chat/completions", chat_body(), 200);
  const auto metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("hirelm:num_requests_running{model_name=\"org/tiny-r1\"} 0"), std::string::npos);
  EXPECT_NE(metrics->body.find("hirelm:generation_tokens_total{model_name=\"org/tiny-r1\"} 8"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("hirelm:prompt_tokens_total{model_name=\"org/tiny-r1\"} 6"), std::string::npos);
}

TEST_F(ServerTest, ErrorsUseOpenAiShapeAndStatus) {
  ServerOptions options;
  options.max_body_bytes = 4096;
  start(options, true, 32);
  json e = post_json("/v1/chat/completions", chat_body({{"temperature", "hot"}}), 400);
  EXPECT_EQ(e["error"]["type"], "invalid_request_error");
  EXPECT_EQ(e["error"]["param"], "temperature");
  e = post_json("/v1/chat/completions", chat_body({{"model", "other"}}), 404);
  EXPECT_EQ(e["error"]["param"], "model");
  e = post_json("/v1/chat/completions", chat_body({{"guided_json", {{"type", "object"}, {"patternProperties", json::object()}}}}), 400);
  EXPECT_NE(e["error"]["message"].get<std::string>().find("patternProperties"), std::string::npos);
  // A prompt longer than the 32-token context.
  std::string long_text;
  for (int i = 0; i < 40; ++i) long_text += " word";
  e = post_json("/v1/completions", {{"prompt", long_text}}, 413);
  EXPECT_EQ(e["error"]["code"], "context_length_exceeded");
  // A body over --max-body.
  e = post_json("/v1/completions", {{"prompt", std::string(5000, 'x')}}, 413);
  EXPECT_TRUE(e["error"]["message"].is_string());
  post_json("/v1/completions", {{"prompt", {1, 200000}}}, 400);
  auto bad = client_->Post("/v1/chat/completions", "{not json", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto missing = client_->Get("/v1/nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(ServerTest, ApiKeyGuardsEverythingButHealthAndCorsAnswers) {
  ServerOptions options;
  options.api_keys = {"k1", "k2"};
  options.allowed_origins = {"http://app.local"};
  start(options);
  const json e = post_json("/v1/chat/completions", chat_body(), 401);
  EXPECT_EQ(e["error"]["type"], "authentication_error");
  auto models = client_->Get("/v1/models", {{"Authorization", "Bearer wrong"}});
  ASSERT_TRUE(models);
  EXPECT_EQ(models->status, 401);
  models = client_->Get("/v1/models", {{"Authorization", "Bearer k2"}, {"Origin", "http://app.local"}});
  ASSERT_TRUE(models);
  EXPECT_EQ(models->status, 200);
  EXPECT_EQ(models->get_header_value("Access-Control-Allow-Origin"), "http://app.local");
  auto health = client_->Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto preflight = client_->Options("/v1/chat/completions", {{"Origin", "http://app.local"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Origin"), "http://app.local");
  auto other = client_->Get("/health", {{"Origin", "http://evil.local"}});
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->has_header("Access-Control-Allow-Origin"));
}

TEST_F(ServerTest, HealthIs503UntilTheModelIsLoaded) {
  start({}, /*load=*/false);
  auto health = client_->Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 503);
  post_json("/v1/chat/completions", chat_body(), 503);
}

TEST_F(ServerTest, ClientDisconnectMidStreamCancelsTheSequence) {
  start({}, true, 4096);
  json body = chat_body({{"stream", true}, {"max_tokens", 4000}});
  size_t received = 0;
  httplib::Request req;
  req.method = "POST";
  req.path = "/v1/chat/completions";
  req.headers = {{"Content-Type", "application/json"}};
  req.body = body.dump();
  // Hang up after the first few pieces of the body.
  req.content_receiver = [&](const char*, size_t, uint64_t, uint64_t) { return ++received < 3; };
  auto res = client_->send(req);
  EXPECT_FALSE(res);  // the client cancelled
  // The sequence stops well before its 4000 tokens and the backend is idle again.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  BackendStats s = backend_->stats();
  while ((s.running > 0 || s.requests_finished == 0) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    s = backend_->stats();
  }
  EXPECT_EQ(s.running, 0);
  EXPECT_EQ(s.requests_finished, 1);
  EXPECT_LT(s.generation_tokens, 4000);
  // And it serves the next request.
  const json r = post_json("/v1/chat/completions", chat_body(), 200);
  EXPECT_EQ(r["usage"]["completion_tokens"], 8);
}

TEST_F(ServerTest, MetricsTimeFirstTokenAndInterTokenGapsOfStreamedAndWholeRequests) {
  start();
  EXPECT_EQ(metric("hirelm:time_to_first_token_seconds_count"), 0);
  post_json("/v1/chat/completions", chat_body(), 200);
  EXPECT_EQ(metric("hirelm:time_to_first_token_seconds_count"), 1);
  EXPECT_EQ(metric("hirelm:e2e_request_latency_seconds_count"), 1);
  const double gaps_after_one = metric("hirelm:inter_token_latency_seconds_count");
  // 8 tokens give at most 7 gaps (fewer when the detokenizer holds text back and sends tokens together).
  EXPECT_GE(gaps_after_one, 1);
  EXPECT_LE(gaps_after_one, 7);
  auto res = client_->Post("/v1/chat/completions", chat_body({{"stream", true}}).dump(), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(metric("hirelm:time_to_first_token_seconds_count"), 2);
  EXPECT_EQ(metric("hirelm:e2e_request_latency_seconds_count"), 2);
  EXPECT_GE(metric("hirelm:inter_token_latency_seconds_count"), gaps_after_one + 1);
  EXPECT_GT(metric("hirelm:time_to_first_token_seconds_sum"), 0);
  EXPECT_GE(metric("hirelm:e2e_request_latency_seconds_sum"), metric("hirelm:time_to_first_token_seconds_sum"));
  // n = 2: one request, one TTFT (choice 0 times the request).
  post_json("/v1/chat/completions", chat_body({{"n", 2}}), 200);
  EXPECT_EQ(metric("hirelm:time_to_first_token_seconds_count"), 3);
  // A failed request is no completed request.
  post_json("/v1/chat/completions", chat_body({{"top_p", 0}}), 400);
  EXPECT_EQ(metric("hirelm:e2e_request_latency_seconds_count"), 3);
  EXPECT_EQ(metric("hirelm:kv_cache_usage_perc"), 0);  // SerialBackend has no paged cache
  EXPECT_EQ(metric("hirelm:prefix_cache_hit_rate"), 0);
}

// A backend that answers every request with a fixed reasoning + answer and reports fixed cache
// figures, so the server's handling of content, cached_tokens and the cache metrics is checked
// exactly (the random tiny model almost never closes </think>).
class ScriptedBackend : public CompletionBackend {
 public:
  explicit ScriptedBackend(engine::Engine engine) : engine_(std::move(engine)) {}
  std::shared_ptr<RequestHandle> submit(engine::GenerationRequest request) override {
    auto handle = std::make_shared<RequestHandle>();
    handle->push(engine::StreamEvent{"Let me think.", "", {100, 101}, {}});
    handle->push(engine::StreamEvent{"", "The answer.", {151649, 102}, {}});
    engine::GenerationResult result;
    result.reasoning = "Let me think.";
    result.content = "The answer.";
    result.has_reasoning = true;
    result.reasoning_closed = true;
    result.tokens = {100, 101, 151649, 102};
    result.prompt_tokens = static_cast<int64_t>(request.prompt_tokens.size());
    result.completion_tokens = 4;
    result.cached_tokens = 4;
    result.finish_reason = engine::FinishReason::kStop;
    handle->push(std::move(result));
    return handle;
  }
  BackendStats stats() const override {
    BackendStats s;
    s.kv_cache_usage = 0.125;
    s.prefix_cache_queries = 200;
    s.prefix_cache_hits = 50;
    s.num_preemptions = 3;
    return s;
  }
  const engine::Engine& engine() const override { return engine_; }

 private:
  engine::Engine engine_;
};

TEST_F(ServerTest, ReasoningAnswerSplitCachedTokensAndCacheMetricsFromTheBackend) {
  start({}, /*load=*/false);
  engine::EngineOptions eo;
  eo.threads = 1;
  eo.ctx = 256;
  eo.dtype = DType::kF32;
  server_->set_backend(std::make_shared<ScriptedBackend>(engine::Engine::load(dir_->path(), eo)));

  const json r = post_json("/v1/chat/completions", chat_body(), 200);
  const json& message = r["choices"][0]["message"];
  EXPECT_EQ(message["content"], "The answer.");
  EXPECT_EQ(message["reasoning_content"], "Let me think.");
  EXPECT_EQ(message["reasoning"], "Let me think.");
  EXPECT_EQ(r["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(r["usage"]["prompt_tokens_details"]["cached_tokens"], 4);
  EXPECT_EQ(r["usage"]["prompt_tokens"], 6);

  auto res = client_->Post("/v1/chat/completions",
                           chat_body({{"stream", true}, {"stream_options", {{"include_usage", true}}}}).dump(),
                           "application/json");
  ASSERT_TRUE(res);
  const auto payloads = sse_payloads(res->body);
  std::string reasoning, content;
  for (size_t i = 0; i + 1 < payloads.size(); ++i) {
    const json chunk = json::parse(payloads[i]);
    if (chunk["choices"].empty()) continue;
    const json& delta = chunk["choices"][0]["delta"];
    // Reasoning and answer travel in separate chunks.
    EXPECT_FALSE(delta.contains("reasoning_content") && delta.contains("content") && !delta["content"].get<std::string>().empty());
    if (delta.contains("reasoning_content")) reasoning += delta["reasoning_content"].get<std::string>();
    if (delta.contains("content")) content += delta["content"].get<std::string>();
  }
  EXPECT_EQ(reasoning, "Let me think.");
  EXPECT_EQ(content, "The answer.");
  ASSERT_GE(payloads.size(), 2u);
  EXPECT_EQ(json::parse(payloads[payloads.size() - 2])["usage"]["prompt_tokens_details"]["cached_tokens"], 4);

  EXPECT_EQ(metric("hirelm:kv_cache_usage_perc"), 0.125);
  EXPECT_EQ(metric("hirelm:prefix_cache_queries_total"), 200);
  EXPECT_EQ(metric("hirelm:prefix_cache_hits_total"), 50);
  EXPECT_EQ(metric("hirelm:prefix_cache_hit_rate"), 0.25);
  EXPECT_EQ(metric("hirelm:num_preemptions_total"), 3);
}

TEST_F(ServerTest, OpenApiDescribesExactlyTheRoutesServed) {
  start();
  auto res = client_->Get("/openapi.json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const json doc = json::parse(res->body);
  EXPECT_EQ(doc["openapi"].get<std::string>().rfind("3.", 0), 0u);
  EXPECT_FALSE(doc.contains("security"));  // no keys configured
  std::set<std::string> served, described;
  for (const auto& [method, path] : server_->routes()) {
    std::string m = method;
    for (char& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    served.insert(m + " " + path);
  }
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      described.insert(method + " " + path);
      EXPECT_TRUE(operation.contains("responses")) << path;
    }
  }
  EXPECT_EQ(described, served);
  for (const char* route : {"post /v1/chat/completions", "post /v1/completions", "get /v1/models", "post /tokenize",
                            "post /detokenize", "get /health", "get /metrics", "get /openapi.json", "get /docs"}) {
    EXPECT_TRUE(served.count(route)) << route;
  }
  // Every $ref points at something the document defines.
  std::vector<const json*> stack = {&doc};
  int refs = 0;
  while (!stack.empty()) {
    const json* node = stack.back();
    stack.pop_back();
    if (node->is_object()) {
      if (auto ref = node->find("$ref"); ref != node->end()) {
        ++refs;
        const std::string pointer = ref->get<std::string>();
        ASSERT_EQ(pointer.rfind("#/", 0), 0u) << pointer;
        EXPECT_TRUE(doc.contains(json::json_pointer(pointer.substr(1)))) << pointer;
      }
    }
    if (node->is_structured()) {
      for (const auto& child : *node) stack.push_back(&child);
    }
  }
  EXPECT_GT(refs, 20);
}

TEST_F(ServerTest, DocsServeSwaggerUiFromTheBinary) {
  start();
  auto page = client_->Get("/docs");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page->body.find("openapi.json"), std::string::npos);
  auto script = client_->Get("/docs/swagger-ui-bundle.js");
  auto css = client_->Get("/docs/swagger-ui.css");
  ASSERT_TRUE(script);
  ASSERT_TRUE(css);
  if (!swagger_ui_bundled()) {
    EXPECT_EQ(script->status, 404);
    EXPECT_EQ(css->status, 404);
    if (std::getenv("HIRELM_REQUIRE_REFERENCE") != nullptr) {
      FAIL() << "this build has no Swagger UI (node_modules/swagger-ui-dist missing at configure time)";
    }
    GTEST_SKIP() << "this build has no Swagger UI (run npm ci and reconfigure)";
  }
  EXPECT_NE(page->body.find("SwaggerUIBundle("), std::string::npos);
  EXPECT_EQ(script->status, 200);
  EXPECT_NE(script->get_header_value("Content-Type").find("javascript"), std::string::npos);
  EXPECT_GT(script->body.size(), 100000u);
  EXPECT_NE(script->body.find("SwaggerUIBundle"), std::string::npos);
  EXPECT_EQ(css->status, 200);
  EXPECT_NE(css->body.find(".swagger-ui"), std::string::npos);
  // The files as swagger-ui-dist ships them, byte for byte.
  const std::string dist = std::string(HIRELM_SOURCE_DIR) + "/node_modules/swagger-ui-dist/";
  const std::pair<const char*, const std::string*> files[] = {{"swagger-ui-bundle.js", &script->body},
                                                             {"swagger-ui.css", &css->body}};
  for (const auto& [name, served] : files) {
    if (!fs::exists(dist + name)) continue;  // embedded from another HIRELM_SWAGGER_UI_DIR
    std::ifstream in(dist + name, std::ios::binary);
    const std::string shipped((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_TRUE(*served == shipped) << name << ": served " << served->size() << " bytes, shipped " << shipped.size();
  }
}

TEST_F(ServerTest, ApiKeyGuardsDocsOpenApiAndMetricsAndPreflightAllowsRequestedHeaders) {
  ServerOptions options;
  options.api_keys = {"secret"};
  options.allowed_origins = {"*"};
  start(options);
  for (const char* path : {"/openapi.json", "/docs", "/docs/swagger-ui.css", "/metrics", "/v1/models"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 401) << path;
    EXPECT_EQ(json::parse(res->body)["error"]["type"], "authentication_error") << path;
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*") << path;  // readable cross-origin
    auto ok = client_->Get(path, {{"Authorization", "Bearer secret"}});
    ASSERT_TRUE(ok) << path;
    EXPECT_EQ(ok->status, swagger_ui_bundled() || std::string(path) != "/docs/swagger-ui.css" ? 200 : 404) << path;
  }
  post_json("/tokenize", {{"prompt", "x"}}, 401);
  post_json("/detokenize", {{"tokens", {9707}}}, 401);
  post_json("/v1/completions", {{"prompt", "x"}}, 401);
  auto health = client_->Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  const json doc = json::parse(client_->Get("/openapi.json", {{"Authorization", "Bearer secret"}})->body);
  EXPECT_EQ(doc["security"][0].begin().key(), "bearerAuth");
  EXPECT_TRUE(doc["paths"]["/health"]["get"]["security"].empty());
  // A browser preflight carries no key and asks for the SDK's extra headers.
  auto preflight = client_->Options("/v1/chat/completions",
                                    {{"Origin", "http://any.local"},
                                     {"Access-Control-Request-Method", "POST"},
                                     {"Access-Control-Request-Headers", "authorization, content-type, x-stainless-os"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Headers"), "authorization, content-type, x-stainless-os");
  EXPECT_NE(preflight->get_header_value("Access-Control-Allow-Methods").find("POST"), std::string::npos);
}

}  // namespace
}  // namespace hirelm::server
