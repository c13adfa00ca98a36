// Structured-output fields of OpenAI / vLLM request bodies: response_format (json_object, json_schema),
// structured_outputs {json, regex, choice, grammar, json_object}, the older guided_* fields and the
// structured_outputs_scope extension, on both endpoints; and the 400s for malformed ones.
#include <gtest/gtest.h>

#include "server/api_error.h"
#include "server/openai_request.h"

namespace hirelm::server {
namespace {

using nlohmann::json;
using Kind = engine::OutputConstraint::Kind;
using Scope = engine::OutputConstraint::Scope;

// A body with `extra` merged in, as text with the keys in the order given (so property order can be seen).
std::string chat_text(const std::string& extra) {
  return R"({"model":"m","messages":[{"role":"user","content":"Hi"}])" + (extra.empty() ? "" : "," + extra) + "}";
}
std::string completion_text(const std::string& extra) {
  return R"({"prompt":"Hi")" + (extra.empty() ? "" : "," + extra) + "}";
}

engine::OutputConstraint constraint_of(Endpoint endpoint, const std::string& body) {
  const OpenAiRequest r = parse_request(endpoint, body);
  EXPECT_TRUE(r.generation.constraint.has_value()) << body;
  return r.generation.constraint.value_or(engine::OutputConstraint{});
}

ApiError error_of(Endpoint endpoint, const std::string& body) {
  try {
    parse_request(endpoint, body);
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted: " << body;
  return ApiError(ApiErrorKind::kInternal, "none");
}

TEST(StructuredOutputs, NoConstraintByDefaultOrWithTextFormat) {
  EXPECT_FALSE(parse_request(Endpoint::kChat, chat_text("")).generation.constraint);
  EXPECT_FALSE(parse_request(Endpoint::kChat, chat_text(R"("response_format":{"type":"text"})")).generation.constraint);
  EXPECT_FALSE(parse_request(Endpoint::kCompletion, completion_text("")).generation.constraint);
}

TEST(StructuredOutputs, ResponseFormatJsonObjectOnBothEndpoints) {
  for (Endpoint e : {Endpoint::kChat, Endpoint::kCompletion}) {
    const std::string extra = R"("response_format":{"type":"json_object"})";
    const auto c = constraint_of(e, e == Endpoint::kChat ? chat_text(extra) : completion_text(extra));
    EXPECT_EQ(c.kind, Kind::kJsonObject);
    EXPECT_EQ(c.scope, Scope::kAnswerOnly);
  }
}

TEST(StructuredOutputs, ResponseFormatJsonSchemaKeepsPropertyOrder) {
  const auto c = constraint_of(
      Endpoint::kChat,
      chat_text(R"("response_format":{"type":"json_schema","json_schema":{"name":"profile","strict":true,
                "schema":{"type":"object","properties":{"zeta":{"type":"string"},"alpha":{"type":"integer"}}}}})"));
  EXPECT_EQ(c.kind, Kind::kJsonSchema);
  const auto schema = nlohmann::ordered_json::parse(c.text);
  ASSERT_EQ(schema["properties"].size(), 2u);
  EXPECT_EQ(schema["properties"].begin().key(), "zeta");  // the client's order, not sorted
  const auto completion = constraint_of(
      Endpoint::kCompletion,
      completion_text(R"("response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"boolean"}}})"));
  EXPECT_EQ(completion.kind, Kind::kJsonSchema);
  EXPECT_EQ(nlohmann::json::parse(completion.text), json({{"type", "boolean"}}));
}

TEST(StructuredOutputs, VllmStructuredOutputsEachForm) {
  auto c = constraint_of(Endpoint::kChat, chat_text(R"("structured_outputs":{"json":{"type":"object","properties":{"b":{},"a":{}}}})"));
  EXPECT_EQ(c.kind, Kind::kJsonSchema);
  EXPECT_EQ(nlohmann::ordered_json::parse(c.text)["properties"].begin().key(), "b");
  c = constraint_of(Endpoint::kChat, chat_text(R"("structured_outputs":{"json":"{\"type\":\"null\"}"})"));
  EXPECT_EQ(c.kind, Kind::kJsonSchema);
  EXPECT_EQ(c.text, R"({"type":"null"})");
  c = constraint_of(Endpoint::kCompletion, completion_text(R"("structured_outputs":{"regex":"\\d{3}"})"));
  EXPECT_EQ(c.kind, Kind::kRegex);
  EXPECT_EQ(c.text, R"(\d{3})");
  c = constraint_of(Endpoint::kChat, chat_text(R"("structured_outputs":{"choice":["本科","硕士"]})"));
  EXPECT_EQ(c.kind, Kind::kChoice);
  EXPECT_EQ(c.choices, (std::vector<std::string>{"本科", "硕士"}));
  c = constraint_of(Endpoint::kChat, chat_text(R"("structured_outputs":{"grammar":"root ::= \"a\""})"));
  EXPECT_EQ(c.kind, Kind::kGrammar);
  EXPECT_EQ(c.text, R"(root ::= "a")");
  c = constraint_of(Endpoint::kChat,
                    chat_text(R"("structured_outputs":{"json_object":true,"disable_any_whitespace":true})"));
  EXPECT_EQ(c.kind, Kind::kJsonObject);
}

TEST(StructuredOutputs, OlderGuidedFields) {
  auto c = constraint_of(Endpoint::kChat, chat_text(R"("guided_json":{"type":"object","properties":{"y":{},"x":{}}})"));
  EXPECT_EQ(c.kind, Kind::kJsonSchema);
  EXPECT_EQ(nlohmann::ordered_json::parse(c.text)["properties"].begin().key(), "y");
  c = constraint_of(Endpoint::kCompletion, completion_text(R"("guided_regex":"yes|no","guided_decoding_backend":"x")"));
  EXPECT_EQ(c.kind, Kind::kRegex);
  EXPECT_EQ(c.text, "yes|no");
  c = constraint_of(Endpoint::kChat, chat_text(R"("guided_choice":["a","b"])"));
  EXPECT_EQ(c.kind, Kind::kChoice);
  EXPECT_EQ(c.choices.size(), 2u);
  c = constraint_of(Endpoint::kChat, chat_text(R"("guided_grammar":"root ::= [0-9]+")"));
  EXPECT_EQ(c.kind, Kind::kGrammar);
}

TEST(StructuredOutputs, ScopeExtension) {
  auto c = constraint_of(Endpoint::kChat,
                         chat_text(R"("guided_regex":"a","structured_outputs_scope":"everything")"));
  EXPECT_EQ(c.scope, Scope::kEverything);
  c = constraint_of(Endpoint::kChat, chat_text(R"("guided_regex":"a","structured_outputs_scope":"answer_only")"));
  EXPECT_EQ(c.scope, Scope::kAnswerOnly);
}

TEST(StructuredOutputs, MalformedConstraintsAre400NamingTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("response_format":{"type":"json_schema"})", "response_format.json_schema"},
      {R"("response_format":{"type":"json_schema","json_schema":{"name":"x"}})", "response_format.json_schema.schema"},
      {R"("response_format":{"type":"json_schema","json_schema":{"name":3,"schema":{}}})", "response_format.json_schema.name"},
      {R"("response_format":{"type":"json_schema","json_schema":{"schema":{},"strict":"yes"}})",
       "response_format.json_schema.strict"},
      {R"("response_format":{"type":"json_schema","json_schema":{"schema":[1]}})", "response_format.json_schema.schema"},
      {R"("response_format":{"type":"json_schema","json_schema":"x"})", "response_format.json_schema"},
      {R"("response_format":{"type":"yaml"})", "response_format.type"},
      {R"("response_format":"json")", "response_format"},
      {R"("structured_outputs":{})", "structured_outputs"},
      {R"("structured_outputs":[])", "structured_outputs"},
      {R"("structured_outputs":{"regex":5})", "structured_outputs.regex"},
      {R"("structured_outputs":{"choice":[]})", "structured_outputs.choice"},
      {R"("structured_outputs":{"choice":["a",""]})", "structured_outputs.choice"},
      {R"("structured_outputs":{"json":""})", "structured_outputs.json"},
      {R"("structured_outputs":{"regex":"a","choice":["a"]})", "structured_outputs.choice"},
      {R"("guided_json":5)", "guided_json"},
      {R"("guided_choice":"a")", "guided_choice"},
      {R"("guided_grammar":["x"])", "guided_grammar"},
      {R"("response_format":{"type":"json_object"},"guided_regex":"a")", "guided_regex"},
      {R"("guided_regex":"a","structured_outputs_scope":"all")", "structured_outputs_scope"},
  };
  for (const auto& [extra, param] : cases) {
    const ApiError e = error_of(Endpoint::kChat, chat_text(extra));
    EXPECT_EQ(e.kind(), ApiErrorKind::kBadRequest) << extra << " -> " << e.what();
    EXPECT_EQ(e.param(), param) << extra << " -> " << e.what();
    EXPECT_EQ(http_status(e.kind()), 400);
  }
}

TEST(StructuredOutputs, UnsupportedOptionsSaySo) {
  for (const std::string extra : {R"("structured_outputs":{"structural_tag":"x"})",
                                  R"("structured_outputs":{"json":{},"whitespace_pattern":" "})",
                                  R"("guided_regex":"a","guided_whitespace_pattern":" ")"}) {
    const ApiError e = error_of(Endpoint::kChat, chat_text(extra));
    EXPECT_EQ(e.kind(), ApiErrorKind::kUnsupported) << extra;
    EXPECT_EQ(http_status(e.kind()), 400);
  }
}

}  // namespace
}  // namespace hirelm::server
