// Response objects built from generation results: the R1 reasoning split, usage, SSE framing.
#include "server/openai_response.h"

#include <gtest/gtest.h>

namespace hirelm::server {
namespace {

engine::GenerationResult result(std::string reasoning, std::string content, bool has_reasoning, bool closed,
                                engine::FinishReason finish) {
  engine::GenerationResult r;
  r.reasoning = std::move(reasoning);
  r.content = std::move(content);
  r.has_reasoning = has_reasoning;
  r.reasoning_closed = closed;
  r.finish_reason = finish;
  r.prompt_tokens = 10;
  r.completion_tokens = 4;
  return r;
}

TEST(OpenAiResponse, ReasoningGoesToBothFieldsAndAnswerToContent) {
  const Json m = chat_message_json(result("think hard", "42", true, true, engine::FinishReason::kStop));
  EXPECT_EQ(m["role"], "assistant");
  EXPECT_EQ(m["content"], "42");
  EXPECT_EQ(m["reasoning_content"], "think hard");
  EXPECT_EQ(m["reasoning"], "think hard");
}

TEST(OpenAiResponse, CutInsideReasoningHasNullContent) {
  const Json m = chat_message_json(result("still thinking", "", true, false, engine::FinishReason::kLength));
  EXPECT_TRUE(m["content"].is_null());
  EXPECT_EQ(m["reasoning_content"], "still thinking");
}

TEST(OpenAiResponse, NoReasoningHasNullReasoningFields) {
  const Json m = chat_message_json(result("", "plain", false, true, engine::FinishReason::kStop));
  EXPECT_EQ(m["content"], "plain");
  EXPECT_TRUE(m["reasoning_content"].is_null());
  EXPECT_TRUE(m["reasoning"].is_null());
}

TEST(OpenAiResponse, UsageAndFinishReasons) {
  const Json u = usage_json({10, 4, 0});
  EXPECT_EQ(u["total_tokens"], 14);
  EXPECT_EQ(u["prompt_tokens_details"]["cached_tokens"], 0);
  EXPECT_EQ(finish_reason_text(engine::FinishReason::kLength), "length");
  EXPECT_EQ(finish_reason_text(engine::FinishReason::kStop), "stop");
}

TEST(OpenAiResponse, SseFramingAndChunkShape) {
  const Json chunk = chat_chunk_json("chatcmpl-x", 5, "m", 1, {{"content", "hi"}});
  EXPECT_EQ(chunk["object"], "chat.completion.chunk");
  EXPECT_EQ(chunk["choices"][0]["index"], 1);
  EXPECT_TRUE(chunk["choices"][0]["finish_reason"].is_null());
  const std::string event = sse_event(chunk);
  EXPECT_EQ(event.rfind("data: {", 0), 0u);
  EXPECT_EQ(event.substr(event.size() - 2), "\n\n");
  EXPECT_EQ(std::string(kSseDone), "data: [DONE]\n\n");
}

TEST(OpenAiResponse, InvalidUtf8IsReplacedNotThrown) {
  const std::string s = dump_json(Json{{"t", std::string("\xe4\xbd")}});
  EXPECT_NE(s.find("\xEF\xBF\xBD"), std::string::npos) << s;
}

TEST(OpenAiResponse, IdsArePrefixedAndDistinct) {
  const std::string a = make_response_id("chatcmpl-"), b = make_response_id("chatcmpl-");
  EXPECT_EQ(a.rfind("chatcmpl-", 0), 0u);
  EXPECT_EQ(a.size(), 9u + 24u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace hirelm::server
