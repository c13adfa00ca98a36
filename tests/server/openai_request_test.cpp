// Parsing and validation of OpenAI request bodies: accepted shapes, and 400s that name the field.
#include "server/openai_request.h"

#include <gtest/gtest.h>

#include "server/api_error.h"

namespace hirelm::server {
namespace {

using nlohmann::json;

json chat(json extra = json::object()) {
  json body = {{"model", "m"}, {"messages", json::array({{{"role", "user"}, {"content", "Hi"}}})}};
  for (auto& [k, v] : extra.items()) body[k] = v;
  return body;
}

// Returns the ApiError a body raises (kind and param), failing the test when none is raised.
ApiError error_of(Endpoint endpoint, const json& body) {
  try {
    parse_request(endpoint, body.dump());
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted: " << body.dump();
  return ApiError(ApiErrorKind::kInternal, "none");
}

TEST(OpenAiRequest, ChatFieldsMapOntoTheGenerationRequest) {
  const auto r = parse_chat_request(chat({{"temperature", 0.3}, {"top_p", 0.5}, {"top_k", 7}, {"min_p", 0.1},
                                          {"presence_penalty", 1.5}, {"frequency_penalty", -0.5},
                                          {"repetition_penalty", 1.1}, {"seed", 42}, {"stop", "END"}, {"n", 3},
                                          {"max_tokens", 9}, {"logprobs", true}, {"top_logprobs", 2},
                                          {"stream", true}, {"stream_options", {{"include_usage", true}}},
                                          {"ignore_eos", true}}));
  EXPECT_EQ(r.model, "m");
  const auto& s = r.generation.sampling;
  EXPECT_DOUBLE_EQ(*s.temperature, 0.3);
  EXPECT_DOUBLE_EQ(*s.top_p, 0.5);
  EXPECT_EQ(*s.top_k, 7);
  EXPECT_DOUBLE_EQ(*s.min_p, 0.1);
  EXPECT_DOUBLE_EQ(*s.presence_penalty, 1.5);
  EXPECT_DOUBLE_EQ(*s.frequency_penalty, -0.5);
  EXPECT_DOUBLE_EQ(*s.repetition_penalty, 1.1);
  EXPECT_EQ(*s.seed, 42u);
  EXPECT_EQ(r.generation.stop, std::vector<std::string>{"END"});
  EXPECT_EQ(r.n, 3);
  EXPECT_EQ(r.generation.max_tokens, 9);
  EXPECT_TRUE(r.logprobs);
  EXPECT_EQ(r.generation.top_logprobs, 2);
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.include_usage);
  EXPECT_TRUE(r.generation.ignore_eos);
  ASSERT_TRUE(r.generation.messages);
  EXPECT_EQ((*r.generation.messages)[0]["content"], "Hi");
}

TEST(OpenAiRequest, UnsetFieldsStayUnset) {
  const auto r = parse_chat_request(chat({{"temperature", nullptr}}));
  EXPECT_FALSE(r.generation.sampling.temperature);
  EXPECT_FALSE(r.generation.sampling.seed);
  EXPECT_EQ(r.generation.max_tokens, -1);
  EXPECT_EQ(r.generation.top_logprobs, -1);
  EXPECT_EQ(r.n, 1);
  EXPECT_FALSE(r.stream);
}

TEST(OpenAiRequest, ContentPartsAreConcatenatedAndDeveloperIsSystem) {
  json body = {{"messages", json::array({{{"role", "developer"}, {"content", "Be brief."}},
                                         {{"role", "user"},
                                          {"content", json::array({{{"type", "text"}, {"text", "Hello "}},
                                                                   {{"type", "text"}, {"text", "there"}}})}}})}};
  const auto r = parse_chat_request(body);
  EXPECT_EQ((*r.generation.messages)[0]["role"], "system");
  EXPECT_EQ((*r.generation.messages)[1]["content"], "Hello there");
}

TEST(OpenAiRequest, MaxCompletionTokensWinsAndStopArrays) {
  const auto r = parse_chat_request(chat({{"max_tokens", 5}, {"max_completion_tokens", 8}, {"stop", {"a", "b"}}}));
  EXPECT_EQ(r.generation.max_tokens, 8);
  EXPECT_EQ(r.generation.stop, (std::vector<std::string>{"a", "b"}));
}

TEST(OpenAiRequest, WrongTypesAndRangesAre400sNamingTheField) {
  const std::vector<std::pair<json, std::string>> cases = {
      {chat({{"temperature", "hot"}}), "temperature"},
      {chat({{"temperature", 2.5}}), "temperature"},
      {chat({{"top_p", 0}}), "top_p"},
      {chat({{"top_k", 1.5}}), "top_k"},
      {chat({{"min_p", -0.1}}), "min_p"},
      {chat({{"presence_penalty", 3}}), "presence_penalty"},
      {chat({{"frequency_penalty", -2.5}}), "frequency_penalty"},
      {chat({{"repetition_penalty", 0}}), "repetition_penalty"},
      {chat({{"seed", "x"}}), "seed"},
      {chat({{"stop", 3}}), "stop"},
      {chat({{"stop", {"a", 1}}}), "stop"},
      {chat({{"n", 0}}), "n"},
      {chat({{"n", 1000}}), "n"},
      {chat({{"max_tokens", 0}}), "max_tokens"},
      {chat({{"max_tokens", "10"}}), "max_tokens"},
      {chat({{"logprobs", 1}}), "logprobs"},
      {chat({{"top_logprobs", 3}}), "top_logprobs"},
      {chat({{"logprobs", true}, {"top_logprobs", 21}}), "top_logprobs"},
      {chat({{"stream", "yes"}}), "stream"},
      {chat({{"stream_options", {{"include_usage", true}}}}), "stream_options"},
      {chat({{"response_format", {{"type", "xml"}}}}), "response_format.type"},
      {chat({{"model", 5}}), "model"},
      {json{{"messages", "hi"}}, "messages"},
      {json{{"messages", json::array()}}, "messages"},
      {json::object(), "messages"},
      {json{{"messages", json::array({{{"role", "robot"}, {"content", "x"}}})}}, "messages[0].role"},
      {json{{"messages", json::array({{{"role", "user"}}})}}, "messages[0].content"},
      {json{{"messages", json::array({{{"role", "user"}, {"content", 7}}})}}, "messages[0].content"},
  };
  for (const auto& [body, param] : cases) {
    const ApiError e = error_of(Endpoint::kChat, body);
    EXPECT_EQ(e.kind(), ApiErrorKind::kBadRequest) << body.dump();
    EXPECT_EQ(e.param(), param) << body.dump() << " -> " << e.what();
  }
}

TEST(OpenAiRequest, UnsupportedFeaturesSaySo) {
  for (const json& body : {chat({{"logit_bias", {{"5", 10}}}}),
                           json{{"messages", json::array({{{"role", "user"},
                                                           {"content", json::array({{{"type", "image_url"}}})}}})}}}) {
    const ApiError e = error_of(Endpoint::kChat, body);
    EXPECT_EQ(e.kind(), ApiErrorKind::kUnsupported) << body.dump();
    EXPECT_EQ(http_status(e.kind()), 400);
  }
  EXPECT_NO_THROW(parse_chat_request(chat({{"response_format", {{"type", "text"}}}})));
}

TEST(OpenAiRequest, MalformedJsonIs400) {
  try {
    parse_request(Endpoint::kChat, "{\"messages\": [");
    FAIL() << "accepted";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ApiErrorKind::kBadRequest);
  }
  EXPECT_EQ(error_of(Endpoint::kChat, json::array()).param(), "body");
}

TEST(OpenAiRequest, CompletionPromptForms) {
  auto r = parse_completion_request({{"prompt", "Once upon"}, {"echo", true}, {"logprobs", 2}});
  EXPECT_EQ(r.generation.prompt, "Once upon");
  EXPECT_TRUE(r.echo);
  EXPECT_TRUE(r.logprobs);
  EXPECT_EQ(r.generation.top_logprobs, 2);
  EXPECT_EQ(r.generation.max_tokens, kCompletionDefaultMaxTokens);

  r = parse_completion_request({{"prompt", {1, 2, 3}}, {"max_tokens", 4}});
  EXPECT_EQ(r.generation.prompt_tokens, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(r.generation.max_tokens, 4);
  r = parse_completion_request({{"prompt", json::array({json::array({4, 5})})}});
  EXPECT_EQ(r.generation.prompt_tokens, (std::vector<int32_t>{4, 5}));
  r = parse_completion_request({{"prompt", {"only one"}}});
  EXPECT_EQ(r.generation.prompt, "only one");

  EXPECT_EQ(error_of(Endpoint::kCompletion, {{"prompt", 5}}).param(), "prompt");
  EXPECT_EQ(error_of(Endpoint::kCompletion, {{"prompt", {1, -2}}}).param(), "prompt");
  EXPECT_EQ(error_of(Endpoint::kCompletion, {{"prompt", ""}}).param(), "prompt");
  EXPECT_EQ(error_of(Endpoint::kCompletion, json::object()).param(), "prompt");
  EXPECT_EQ(error_of(Endpoint::kCompletion, {{"prompt", "x"}, {"echo", 1}}).param(), "echo");
  EXPECT_EQ(error_of(Endpoint::kCompletion, {{"prompt", "x"}, {"logprobs", true}}).param(), "logprobs");
  EXPECT_EQ(error_of(Endpoint::kCompletion, {{"prompt", {"a", "b"}}}).kind(), ApiErrorKind::kUnsupported);
}

TEST(ApiErrorMapping, StatusesAndOpenAiShape) {
  EXPECT_EQ(http_status(ApiErrorKind::kBadRequest), 400);
  EXPECT_EQ(http_status(ApiErrorKind::kUnauthorized), 401);
  EXPECT_EQ(http_status(ApiErrorKind::kNotFound), 404);
  EXPECT_EQ(http_status(ApiErrorKind::kTooLarge), 413);
  EXPECT_EQ(http_status(ApiErrorKind::kOverloaded), 429);
  EXPECT_EQ(http_status(ApiErrorKind::kNotReady), 503);
  const auto body = error_body(ApiErrorKind::kBadRequest, "temperature: bad", "temperature");
  EXPECT_EQ(body["error"]["message"], "temperature: bad");
  EXPECT_EQ(body["error"]["type"], "invalid_request_error");
  EXPECT_EQ(body["error"]["param"], "temperature");
  EXPECT_TRUE(body["error"].contains("code"));
  EXPECT_TRUE(error_body(ApiErrorKind::kInternal, "x")["error"]["param"].is_null());
}

}  // namespace
}  // namespace hirelm::server
