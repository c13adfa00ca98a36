// The OpenAI-compatible client against a scripted server: reasoning fields, raw think blocks, truncation,
// garbage replies, HTTP errors with retries, timeouts, endpoints spread, concurrency and the callback contract.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>

#include "llm/openai_client.h"
#include "llm/scripted_llm_server.h"
#include "util/error.h"

namespace hirelm::llm {
namespace {

using test::r1_completion;
using test::ReasoningStyle;
using test::ScriptedLlmServer;
using test::ScriptedReply;

OpenAiClientOptions fast_options(std::vector<std::string> urls) {
  OpenAiClientOptions o;
  o.urls = std::move(urls);
  o.backoff_initial_s = 0.01;
  o.backoff_max_s = 0.02;
  o.timeout_s = 5;
  return o;
}

ChatRequest request(const std::string& text, uint64_t seed = 1) {
  ChatRequest r;
  const size_t cut = std::min<size_t>(5, text.size());
  r.messages.push_back(ChatMessage{"user", {{text.substr(0, cut), false}, {text.substr(cut), true}}});
  r.seed = seed;
  r.max_tokens = 100;
  return r;
}

TEST(OpenAiClient, ReadsEveryReasoningStyle) {
  ScriptedLlmServer server([](const nlohmann::json& req, int) {
    const std::string text = test::request_text(req);
    if (text == "style-rc") return ScriptedReply{200, r1_completion("think A", "\\boxed{8}", "stop", ReasoningStyle::kReasoningContent)};
    if (text == "style-r") return ScriptedReply{200, r1_completion("think B", "\\boxed{7}", "stop", ReasoningStyle::kReasoning)};
    return ScriptedReply{200, r1_completion("think C \\boxed{9}", "answer \\boxed{6}", "stop", ReasoningStyle::kRawThink)};
  });
  OpenAiClient client(fast_options({server.url()}));
  const auto out = client.complete_all({request("style-rc"), request("style-r"), request("style-raw")});
  EXPECT_EQ(out[0].reasoning, "think A");
  EXPECT_EQ(out[0].content, "\\boxed{8}");
  EXPECT_EQ(out[1].reasoning, "think B");
  EXPECT_EQ(out[1].content, "\\boxed{7}");
  EXPECT_EQ(out[2].reasoning, "think C \\boxed{9}\n");
  EXPECT_EQ(out[2].content, "\n\nanswer \\boxed{6}");
  EXPECT_EQ(out[0].prompt_tokens, 100);
  EXPECT_EQ(out[0].cached_tokens, 50);
  EXPECT_TRUE(out[0].ok());
}

TEST(OpenAiClient, SendsR1SettingsNoSystemRoleAndApiKey) {
  ScriptedLlmServer server([](const nlohmann::json&, int) { return ScriptedReply{200, r1_completion("r", "a")}; });
  OpenAiClientOptions o = fast_options({server.url() + "/v1/"});
  o.api_key = "sk-test";
  OpenAiClient client(o);
  ChatRequest r = request("hello <｜Assistant｜> world", 1234567);
  r.json_schema = R"({"type":"object"})";
  client.complete_all({r});
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_DOUBLE_EQ(reqs[0]["temperature"].get<double>(), 0.6);
  EXPECT_EQ(reqs[0]["seed"], 1234567);
  EXPECT_EQ(reqs[0]["max_tokens"], 100);
  ASSERT_EQ(reqs[0]["messages"].size(), 1u);
  EXPECT_EQ(reqs[0]["messages"][0]["role"], "user");
  EXPECT_EQ(reqs[0]["messages"][0]["content"], "hello <｜Assistant｜> world");
  EXPECT_EQ(reqs[0]["response_format"]["type"], "json_schema");
  EXPECT_EQ(reqs[0]["response_format"]["json_schema"]["schema"]["type"], "object");
  EXPECT_EQ(server.auth_headers()[0], "Bearer sk-test");
  EXPECT_FALSE(reqs[0].contains("ignore_eos"));
  r.ignore_eos = true;
  client.complete_all({r});
  EXPECT_EQ(server.requests().at(1)["ignore_eos"], true);
}

TEST(OpenAiClient, TruncationAndUnclosedThinkAreReported) {
  ScriptedLlmServer server([](const nlohmann::json&, int) {
    return ScriptedReply{200, r1_completion("<think>\nstill thinking about the candidate", "", "length", ReasoningStyle::kRawThink)};
  });
  OpenAiClient client(fast_options({server.url()}));
  const auto out = client.complete_all({request("trunc")});
  EXPECT_TRUE(out[0].ok());
  EXPECT_TRUE(out[0].truncated());
  EXPECT_EQ(out[0].content, "");
  EXPECT_EQ(out[0].reasoning, "\nstill thinking about the candidate");
}

TEST(OpenAiClient, RetriesServerErrorsAndGarbageThenSucceeds) {
  ScriptedLlmServer server([](const nlohmann::json&, int call) {
    if (call == 0) return ScriptedReply{500, R"({"error":"boom"})"};
    if (call == 1) return ScriptedReply{200, "<html>garbage</html>"};
    if (call == 2) return ScriptedReply{429, "{}"};
    return ScriptedReply{200, r1_completion("r", "\\boxed{5}")};
  });
  OpenAiClient client(fast_options({server.url()}));
  const auto out = client.complete_all({request("retry")});
  EXPECT_TRUE(out[0].ok()) << out[0].error;
  EXPECT_EQ(out[0].content, "\\boxed{5}");
  EXPECT_EQ(server.calls(), 4);
}

TEST(OpenAiClient, GivesUpAfterRetriesWithAnErrorNotAThrow) {
  ScriptedLlmServer server([](const nlohmann::json&, int) { return ScriptedReply{503, "overloaded"}; });
  OpenAiClientOptions o = fast_options({server.url()});
  o.max_retries = 2;
  OpenAiClient client(o);
  const auto out = client.complete_all({request("down")});
  EXPECT_FALSE(out[0].ok());
  EXPECT_EQ(out[0].finish_reason, "error");
  EXPECT_NE(out[0].error.find("HTTP 503"), std::string::npos) << out[0].error;
  EXPECT_EQ(server.calls(), 3);
}

TEST(OpenAiClient, ClientErrorsAreNotRetried) {
  ScriptedLlmServer server([](const nlohmann::json&, int) { return ScriptedReply{400, R"({"error":"bad"})"}; });
  OpenAiClient client(fast_options({server.url()}));
  const auto out = client.complete_all({request("bad")});
  EXPECT_FALSE(out[0].ok());
  EXPECT_EQ(server.calls(), 1);
}

TEST(OpenAiClient, TimeoutIsRetriedThenReported) {
  ScriptedLlmServer server([](const nlohmann::json&, int call) {
    return ScriptedReply{200, r1_completion("r", "\\boxed{4}"), call == 0 ? 1500 : 0};
  });
  OpenAiClientOptions o = fast_options({server.url()});
  o.timeout_s = 0.5;
  OpenAiClient client(o);
  const auto out = client.complete_all({request("slow")});
  EXPECT_TRUE(out[0].ok()) << out[0].error;
  EXPECT_EQ(server.calls(), 2);

  OpenAiClientOptions no_retry = o;
  no_retry.max_retries = 0;
  ScriptedLlmServer slow([](const nlohmann::json&, int) { return ScriptedReply{200, r1_completion("r", "a"), 1500}; });
  no_retry.urls = {slow.url()};
  const auto failed = OpenAiClient(no_retry).complete_all({request("slow")});
  EXPECT_FALSE(failed[0].ok());
  EXPECT_NE(failed[0].error.find("imeout"), std::string::npos) << failed[0].error;
}

TEST(OpenAiClient, SpreadsRequestsAcrossEndpointsAndFailsOver) {
  ScriptedLlmServer a([](const nlohmann::json&, int) { return ScriptedReply{200, r1_completion("a", "A")}; });
  ScriptedLlmServer b([](const nlohmann::json&, int) { return ScriptedReply{200, r1_completion("b", "B")}; });
  OpenAiClient client(fast_options({a.url(), b.url()}));
  std::vector<ChatRequest> reqs;
  for (int i = 0; i < 8; ++i) reqs.push_back(request("spread" + std::to_string(i)));
  const auto out = client.complete_all(reqs);
  EXPECT_EQ(a.calls(), 4);
  EXPECT_EQ(b.calls(), 4);
  for (const auto& r : out) EXPECT_TRUE(r.ok());

  // A dead endpoint: every request still completes on the live one.
  OpenAiClient failover(fast_options({"http://127.0.0.1:1", a.url()}));
  for (const auto& r : failover.complete_all(reqs)) EXPECT_TRUE(r.ok()) << r.error;
}

TEST(OpenAiClient, ConcurrencyLimitAndSerializedCallbacks) {
  std::atomic<int> in_flight{0};
  std::atomic<int> peak{0};
  ScriptedLlmServer server([&](const nlohmann::json&, int) {
    const int now = ++in_flight;
    int p = peak.load();
    while (now > p && !peak.compare_exchange_weak(p, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    --in_flight;
    return ScriptedReply{200, r1_completion("r", "a")};
  });
  OpenAiClientOptions o = fast_options({server.url()});
  o.concurrency = 3;
  OpenAiClient client(o);
  std::vector<ChatRequest> reqs(12, request("concurrent"));
  std::atomic<int> in_callback{0};
  std::set<size_t> seen;
  client.complete(reqs, [&](size_t i, const ChatResponse&) {
    EXPECT_EQ(++in_callback, 1);
    seen.insert(i);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    --in_callback;
  });
  EXPECT_EQ(seen.size(), 12u);
  EXPECT_LE(peak.load(), 3);
  EXPECT_GE(peak.load(), 2);
}

TEST(OpenAiClient, CallbackExceptionStopsAndRethrows) {
  ScriptedLlmServer server([](const nlohmann::json&, int) { return ScriptedReply{200, r1_completion("r", "a")}; });
  OpenAiClientOptions o = fast_options({server.url()});
  o.concurrency = 1;
  OpenAiClient client(o);
  std::vector<ChatRequest> reqs(5, request("throwing"));
  int calls = 0;
  EXPECT_THROW(client.complete(reqs, [&](size_t, const ChatResponse&) {
    ++calls;
    throw IoError("disk full");
  }), IoError);
  EXPECT_EQ(calls, 1);
}

TEST(OpenAiClient, BadOptions) {
  EXPECT_THROW(OpenAiClient(OpenAiClientOptions{}), InvalidInputError);
  EXPECT_THROW(OpenAiClient(fast_options({"ftp://x"})), InvalidInputError);
}

TEST(OpenAiClient, ParseReplyRejectsNonCompletions) {
  ChatResponse r;
  EXPECT_NE(OpenAiClient::parse_reply("not json", r), "");
  EXPECT_NE(OpenAiClient::parse_reply("{}", r), "");
  EXPECT_NE(OpenAiClient::parse_reply(R"({"choices":[]})", r), "");
  EXPECT_NE(OpenAiClient::parse_reply(R"({"choices":[{"text":"x"}]})", r), "");
  EXPECT_EQ(OpenAiClient::parse_reply(R"({"choices":[{"message":{"content":null}}]})", r), "");
  EXPECT_EQ(r.content, "");
}

}  // namespace
}  // namespace hirelm::llm
