// Structured output through Engine::generate on a tiny random model (its unconstrained output is
// garbage): 1,000 constrained generations over a set of schemas (the resume-profile schema included,
// with Chinese in strings) all parse and validate with ajv; regex, choice and grammar outputs always
// match; reasoning runs free and the answer after `</think>` is constrained; a max_tokens cut reports
// "length" and never a complete value; compile errors name the keyword.
//
// The model sits next to a small byte-level tokenizer built in-process: the 256 bytes plus JSON pieces,
// Chinese words and many tokens that end with a quote (so random strings stay short and the suite fast),
// and added tokens <eos> (special, EOS), <think>, </think>, <ctl> (special).
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ajv_validator.h"
#include "engine/engine.h"
#include "engine/tokenizer/byte_level.h"
#include "support/reference.h"
#include "support/tiny_model.h"
#include "tests/engine/tokenizer/tiny_tokenizer.h"
#include "util/error.h"

namespace hirelm::engine {
namespace {

using Json = nlohmann::ordered_json;

using ::hirelm::test::run_ajv;

// The extra ordinary tokens, as raw bytes.
std::vector<std::string> extra_tokens() {
  std::vector<std::string> t = {
      "\"",     "\",",   "\":",    "\"}",   "\"]",    "{\"",     "[\"",    "\",\"", "\": \"", "null", "true",
      "false",  "},",    "}]",     "]}",    ", ",     ": ",      "\n  ",   "12",    "3.5",    "-1",   "name",
      "email",  "phone", "@",      ".com",  " \"",    "本科",    "硕士",   "张",    "三",     "工程师", "北京",
      "大学",   "\"张三\"", "\\\"", "\\n",   "\\u4e2d", "think",  "</",     "Java",  "C++",    "2020-", "01",
  };
  for (char c : std::string("abcdefghijklmnopqrstuvwxyz0123456789")) t.push_back(std::string(1, c) + "\"");
  return t;
}

// The tokenizer tests' tiny tokenizer (same pre-tokenizer, decoder and normalizer) with this suite's
// vocabulary, no merges and the added tokens <eos>, <think>, </think>, <ctl>.
nlohmann::json tokenizer_json(int32_t* n_tokens) {
  using nlohmann::json;
  json vocab = json::object();
  int32_t id = 0;
  for (int b = 0; b < 256; ++b) vocab[tokenizer::bytes_to_byte_level(std::string(1, static_cast<char>(b)))] = id++;
  for (const auto& t : extra_tokens()) vocab[tokenizer::bytes_to_byte_level(t)] = id++;
  json added = json::array();
  for (auto [content, special] : {std::pair<const char*, bool>{"<eos>", true}, {"<think>", false},
                                  {"</think>", false}, {"<ctl>", true}}) {
    added.push_back(test::added_token(id++, content, special));
  }
  *n_tokens = id;
  json tok = test::tiny_tokenizer();
  tok["model"]["vocab"] = vocab;
  tok["model"]["merges"] = json::array();
  tok["added_tokens"] = added;
  return tok;
}

// One engine for the whole suite (building it writes and loads a model).
class StructuredOutput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    int32_t n_tokens = 0;
    const auto tok = tokenizer_json(&n_tokens);
    std::ofstream(dir_->file("tokenizer.json")) << tok.dump();
    std::ofstream(dir_->file("tokenizer_config.json")) << R"({"eos_token": "<eos>", "add_bos_token": false})";
    test::TinyModelSpec spec;
    spec.n_vocab = n_tokens;
    spec.n_embd = 32;
    spec.n_ff = 64;
    spec.n_layers = 1;
    spec.n_heads = 2;
    spec.n_heads_kv = 1;
    spec.seed = 11;
    test::write_tiny_hf(spec, DType::kF32, dir_->path());
    EngineOptions options;
    options.threads = 1;
    options.ctx = 4096;
    options.dtype = DType::kF32;
    options.kv_type = kv::KvType::kF32;
    engine_ = new Engine(Engine::load(dir_->path(), options));
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete dir_;
    engine_ = nullptr;
    dir_ = nullptr;
  }

  static GenerationRequest request(OutputConstraint c, uint64_t seed, int64_t max_tokens = 3000,
                                   std::string prompt = "Extract the profile:") {
    GenerationRequest r;
    r.prompt = std::move(prompt);
    r.sampling.temperature = 1.0;
    r.sampling.top_p = 1.0;
    r.sampling.seed = seed;
    r.max_tokens = max_tokens;
    r.constraint = std::move(c);
    return r;
  }
  static OutputConstraint schema(const Json& s) {
    OutputConstraint c;
    c.kind = OutputConstraint::Kind::kJsonSchema;
    c.text = s.dump();
    return c;
  }

  static test::TempDir* dir_;
  static Engine* engine_;
};
test::TempDir* StructuredOutput::dir_ = nullptr;
Engine* StructuredOutput::engine_ = nullptr;

std::vector<Json> test_schemas() {
  std::vector<Json> s;
  s.push_back(::hirelm::test::resume_schema());
  for (const char* text : {
           R"({"type":"object","properties":{"id":{"type":"integer","minimum":-50,"maximum":1234},
               "score":{"type":"number","minimum":-2.5,"maximum":10},"ok":{"type":"boolean"},
               "tags":{"type":"array","items":{"enum":["a","b","本科"]},"minItems":1,"maxItems":4},
               "note":{"type":["string","null"],"minLength":2,"maxLength":12}},
               "required":["id","ok","tags"],"additionalProperties":false})",
           R"({"type":"object","properties":{"born":{"type":"string","format":"date"},
               "mail":{"type":"string","format":"email"},"kind":{"const":"person"}},
               "required":["born","mail","kind"],"additionalProperties":false})",
           R"({"$defs":{"node":{"type":"object","properties":{"label":{"type":"string","maxLength":6},
               "children":{"type":"array","maxItems":2,"items":{"$ref":"#/$defs/node"}}},
               "required":["label"],"additionalProperties":false}},"$ref":"#/$defs/node"})",
           R"({"anyOf":[{"type":"object","properties":{"t":{"const":"num"},"v":{"type":"number"}},
               "required":["t","v"],"additionalProperties":false},
               {"type":"object","properties":{"t":{"const":"str"},"v":{"type":"string","maxLength":10}},
               "required":["t","v"],"additionalProperties":false}]})",
           R"({"type":"object","properties":{"名字":{"type":"string","minLength":1,"maxLength":8},
               "degree":{"enum":["大专","本科","硕士","博士","other",null]}},"required":["名字","degree"],
               "additionalProperties":false})",
       }) {
    s.push_back(Json::parse(text));
  }
  return s;
}

TEST_F(StructuredOutput, ThousandGenerationsThroughTheEngineValidateWithAjv) {
  HIRELM_REQUIRE_AJV();
  auto schemas = test_schemas();
  const size_t json_object_index = schemas.size();
  schemas.push_back(Json::parse(R"({"type":"object"})"));  // validates the json_object generations
  std::vector<std::pair<size_t, std::string>> outputs;
  int attempts = 0, cut = 0;
  bool chinese = false;
  while (outputs.size() < 1000) {
    ASSERT_LT(++attempts, 1300) << "too many generations cut off by max_tokens";
    const size_t i = static_cast<size_t>(attempts) % schemas.size();
    OutputConstraint c;
    if (i == json_object_index) {
      c.kind = OutputConstraint::Kind::kJsonObject;
    } else {
      c = schema(schemas[i]);
    }
    const auto r = engine_->generate(request(c, static_cast<uint64_t>(attempts), 1200));
    if (r.finish_reason == FinishReason::kLength) {
      ++cut;
      EXPECT_FALSE(r.constraint_complete);
      continue;
    }
    ASSERT_EQ(r.finish_reason, FinishReason::kStop);
    ASSERT_TRUE(r.constraint_complete) << r.content;
    EXPECT_EQ(r.reasoning, "");
    chinese = chinese || r.content.find("\xE5\xA4\xA7") != std::string::npos ||  // 大
              r.content.find("\xE5\xBC\xA0") != std::string::npos;              // 张
    outputs.emplace_back(i, r.content);
  }
  EXPECT_TRUE(chinese) << "no Chinese text in 1000 outputs";
  const Json report = run_ajv(schemas, outputs);
  EXPECT_EQ(report["records"], 1000);
  EXPECT_EQ(report["failures"], 0) << report.dump(2);
  RecordProperty("cut_by_max_tokens", cut);
}

TEST_F(StructuredOutput, RegexChoiceAndGrammarOutputsAlwaysMatch) {
  OutputConstraint regex;
  regex.kind = OutputConstraint::Kind::kRegex;
  regex.text = R"([A-Z][a-z]{1,8}( [A-Z][a-z]{1,8})?, \d{3}-\d{4}|n/a)";
  const std::regex regex_check(R"(([A-Z][a-z]{1,8}( [A-Z][a-z]{1,8})?, \d{3}-\d{4}|n/a))");
  OutputConstraint choice;
  choice.kind = OutputConstraint::Kind::kChoice;
  choice.choices = {"本科", "硕士", "博士", "other", "other options"};
  OutputConstraint gbnf;
  gbnf.kind = OutputConstraint::Kind::kGrammar;
  gbnf.text = "root ::= \"[\" item (\",\" item){0,3} \"]\"\nitem ::= [0-9]{1,3} | \"null\"";
  const std::regex gbnf_check(R"(\[([0-9]{1,3}|null)(,([0-9]{1,3}|null)){0,3}\])");
  std::set<std::string> choices_seen;
  for (uint64_t seed = 0; seed < 60; ++seed) {
    auto r = engine_->generate(request(regex, seed, 200));
    ASSERT_EQ(r.finish_reason, FinishReason::kStop) << r.content;
    EXPECT_TRUE(std::regex_match(r.content, regex_check)) << r.content;
    EXPECT_TRUE(r.constraint_complete);
    r = engine_->generate(request(choice, seed, 200));
    ASSERT_EQ(r.finish_reason, FinishReason::kStop) << r.content;
    EXPECT_NE(std::find(choice.choices.begin(), choice.choices.end(), r.content), choice.choices.end()) << r.content;
    choices_seen.insert(r.content);
    r = engine_->generate(request(gbnf, seed, 200));
    ASSERT_EQ(r.finish_reason, FinishReason::kStop) << r.content;
    EXPECT_TRUE(std::regex_match(r.content, gbnf_check)) << r.content;
  }
  EXPECT_GE(choices_seen.size(), 3u);  // the garbage model spreads over the choices
}

TEST_F(StructuredOutput, ReasoningRunsFreeThenTheAnswerIsConstrained) {
  const Json s = Json::parse(R"({"type":"object","properties":{"n":{"type":"integer"},"ok":{"type":"boolean"}},
                                 "required":["n","ok"],"additionalProperties":false})");
  int answered = 0;
  bool free_reasoning = false;
  for (uint64_t seed = 0; seed < 12; ++seed) {
    // The raw prompt ends inside <think>: the output starts in reasoning (as DeepSeek-R1's chat template).
    const auto r = engine_->generate(request(schema(s), seed, 2500, "Question?<think>\n"));
    if (r.finish_reason == FinishReason::kLength) {
      EXPECT_FALSE(r.constraint_complete);
      continue;
    }
    ++answered;
    EXPECT_TRUE(r.reasoning_closed);
    EXPECT_TRUE(r.has_reasoning);
    EXPECT_TRUE(r.constraint_complete);
    const auto value = nlohmann::json::parse(r.content);  // throws (fails the test) if not JSON
    EXPECT_TRUE(value["n"].is_number_integer()) << r.content;
    EXPECT_TRUE(value["ok"].is_boolean()) << r.content;
    EXPECT_EQ(value.size(), 2u);
    // The reasoning was not held to the schema: it is not JSON of it.
    free_reasoning = free_reasoning || !nlohmann::json::accept(r.reasoning);
  }
  EXPECT_GE(answered, 6);
  EXPECT_TRUE(free_reasoning);
}

TEST_F(StructuredOutput, EverythingScopeConstrainsFromTheFirstTokenAndIsAllAnswer) {
  OutputConstraint c = schema(Json::parse(R"({"type":"array","items":{"type":"integer"},"maxItems":3})"));
  c.scope = OutputConstraint::Scope::kEverything;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    const auto r = engine_->generate(request(c, seed, 400, "Question?<think>\n"));
    ASSERT_EQ(r.finish_reason, FinishReason::kStop);
    EXPECT_EQ(r.reasoning, "");
    const auto value = nlohmann::json::parse(r.content);
    EXPECT_TRUE(value.is_array());
    EXPECT_LE(value.size(), 3u);
  }
}

TEST_F(StructuredOutput, MaxTokensCutReportsLengthNeverAValue) {
  const OutputConstraint c = schema(test_schemas()[0]);  // the resume schema needs far more than 8 tokens
  for (uint64_t seed = 0; seed < 5; ++seed) {
    const auto r = engine_->generate(request(c, seed, 8));
    EXPECT_EQ(r.finish_reason, FinishReason::kLength);
    EXPECT_EQ(r.completion_tokens, 8);
    EXPECT_FALSE(r.constraint_complete);
    EXPECT_FALSE(nlohmann::json::accept(r.content)) << r.content;
    const size_t first = r.content.find_first_not_of(" \n");
    ASSERT_NE(first, std::string::npos) << r.content;
    EXPECT_EQ(r.content[first], '{');  // a prefix of a value, as generated
  }
}

TEST_F(StructuredOutput, CompleteValueEndsTheSequenceEvenWithIgnoreEos) {
  OutputConstraint c;
  c.kind = OutputConstraint::Kind::kChoice;
  c.choices = {"yes", "no"};
  auto req = request(c, 3, 100);
  req.ignore_eos = true;
  const auto r = engine_->generate(req);
  EXPECT_EQ(r.finish_reason, FinishReason::kStop);
  EXPECT_TRUE(r.content == "yes" || r.content == "no") << r.content;
  EXPECT_LE(r.completion_tokens, 4);
}

TEST_F(StructuredOutput, UnconstrainedSequencesCarryNoConstraint) {
  GenerationRequest r;
  r.prompt = "Hello";
  r.max_tokens = 20;
  r.ignore_eos = true;
  r.sampling.seed = 1;
  const auto prompt = engine_->prepare_prompt(r);
  const SequenceOptions options = engine_->sequence_options(r, prompt);
  EXPECT_EQ(options.grammar, nullptr);
  SequenceGeneration sequence(engine_->tokenizer(), prompt.tokens, options);
  EXPECT_EQ(sequence.constraint(), nullptr);
  const auto result = engine_->generate(r);
  EXPECT_EQ(result.completion_tokens, 20);
  EXPECT_FALSE(result.constraint_complete);
}

TEST_F(StructuredOutput, SequenceOptionsCarryTheCompiledConstraintAndScope) {
  OutputConstraint c = schema(Json::parse(R"({"type":"boolean"})"));
  auto req = request(c, 1, 10, "Question?<think>\n");
  const auto prompt = engine_->prepare_prompt(req);
  ASSERT_TRUE(prompt.opens_reasoning);
  SequenceOptions a = engine_->sequence_options(req, prompt);
  ASSERT_NE(a.grammar, nullptr);
  EXPECT_EQ(a.constraint_scope, grammar::ConstraintScope::kAfterReasoning);
  // The same constraint text compiles once: the scheduler's sequences share one Grammar.
  EXPECT_EQ(engine_->sequence_options(req, prompt).grammar, a.grammar);
  req.constraint->scope = OutputConstraint::Scope::kEverything;
  EXPECT_EQ(engine_->sequence_options(req, prompt).constraint_scope, grammar::ConstraintScope::kWholeOutput);
  // Answer-only on a prompt that opens no reasoning starts at the first token.
  req.constraint->scope = OutputConstraint::Scope::kAnswerOnly;
  req.prompt = "Question?";
  EXPECT_EQ(engine_->sequence_options(req, engine_->prepare_prompt(req)).constraint_scope,
            grammar::ConstraintScope::kWholeOutput);
}

TEST_F(StructuredOutput, CompileErrorsNameTheProblem) {
  auto message_of = [&](const OutputConstraint& c, ErrorKind kind) -> std::string {
    try {
      engine_->generate(request(c, 1, 10));
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "accepted";
    return "";
  };
  OutputConstraint c = schema(Json::parse(R"({"type":"object","patternProperties":{"x":{}}})"));
  EXPECT_NE(message_of(c, ErrorKind::kUnsupported).find("patternProperties"), std::string::npos);
  c.text = "{not json";
  EXPECT_NE(message_of(c, ErrorKind::kInvalidInput).find("JSON"), std::string::npos);
  c.kind = OutputConstraint::Kind::kRegex;
  c.text = "(a)\\1";
  EXPECT_NE(message_of(c, ErrorKind::kUnsupported).find("backreference"), std::string::npos);
  c.kind = OutputConstraint::Kind::kGrammar;
  c.text = "root ::= undefined_rule";
  EXPECT_NE(message_of(c, ErrorKind::kInvalidInput).find("undefined_rule"), std::string::npos);
  c.kind = OutputConstraint::Kind::kChoice;
  c.choices = {};
  message_of(c, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace hirelm::engine
