// End-to-end behaviour of constrained generation with a garbage model (random logits): every completed
// JSON output validates with an independent validator (ajv via node), random walks never dead-end, EOS
// comes only at completion, cut-off generations report incomplete, and the reasoning wrapper leaves the
// reasoning free and constrains the answer. The real 151,665-token vocabulary is exercised too.
#include <gtest/gtest.h>

#include "ajv_validator.h"
#include "grammar_test_util.h"
#include "support/reference.h"

namespace hirelm::grammar {
namespace {

using Json = nlohmann::ordered_json;

using ::hirelm::test::resume_schema;
using ::hirelm::test::run_ajv;

std::vector<Json> test_schemas() {
  std::vector<Json> s;
  s.push_back(resume_schema());
  for (const char* text : {
           R"({"type":"object","properties":{"id":{"type":"integer","minimum":-50,"maximum":1234},
               "score":{"type":"number","minimum":-2.5,"maximum":10},"ok":{"type":"boolean"},
               "tags":{"type":"array","items":{"enum":["a","b","本科"]},"minItems":1,"maxItems":4},
               "note":{"type":["string","null"],"minLength":2,"maxLength":12}},
               "required":["id","ok","tags"],"additionalProperties":false})",
           R"({"type":"object","properties":{"born":{"type":"string","format":"date"},
               "mail":{"type":"string","format":"email"},"kind":{"const":"person"},
               "n":{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":100}},
               "required":["born","mail","kind","n"],"additionalProperties":false})",
           R"({"$defs":{"node":{"type":"object","properties":{"label":{"type":"string","maxLength":6},
               "children":{"type":"array","maxItems":2,"items":{"$ref":"#/$defs/node"}}},
               "required":["label"],"additionalProperties":false}},"$ref":"#/$defs/node"})",
           R"({"anyOf":[{"type":"object","properties":{"t":{"const":"num"},"v":{"type":"number"}},
               "required":["t","v"],"additionalProperties":false},
               {"type":"object","properties":{"t":{"const":"str"},"v":{"type":"string","maxLength":10}},
               "required":["t","v"],"additionalProperties":false}]})",
           R"({"type":"array","maxItems":5,"items":{"oneOf":[{"type":"integer"},{"type":"null"},
               {"type":"array","maxItems":2,"items":{"type":"boolean"}}]}})",
           R"({"type":"object"})",
           R"({"type":"object","properties":{"a":{"type":"string"},"b":{},"c":{"type":"array"}},
               "additionalProperties":false})",
       }) {
    s.push_back(Json::parse(text));
  }
  return s;
}

TEST(Generation, ThousandRandomJsonGenerationsValidateWithAjv) {
  HIRELM_REQUIRE_AJV();
  const auto& sv = test::small_vocab();
  auto schemas = test_schemas();
  std::vector<std::shared_ptr<const Grammar>> grammars;
  for (const auto& s : schemas) grammars.push_back(Grammar::from_json_schema(s, sv.vocab));
  std::mt19937_64 rng(2024);
  std::vector<std::pair<size_t, std::string>> outputs;
  int attempts = 0;
  while (outputs.size() < 1000) {
    ASSERT_LT(++attempts, 2000) << "too many generations cut off by the token budget";
    size_t i = static_cast<size_t>(attempts) % schemas.size();
    GrammarState state(grammars[i]);
    auto g = test::generate(state, rng, 6000);
    ASSERT_FALSE(g.dead_end) << "schema " << i << " after " << g.text;
    if (!g.complete) {
      EXPECT_FALSE(state.is_complete());
      continue;
    }
    ASSERT_TRUE(state.is_complete());
    outputs.emplace_back(i, g.text);
  }
  Json report = run_ajv(schemas, outputs);
  EXPECT_EQ(report["records"], 1000);
  EXPECT_EQ(report["failures"], 0) << report.dump(2);
}

TEST(Generation, AjvRejectsWhatTheConstraintWouldRefuse) {
  // The validator is live: outputs that break the schema are counted as failures.
  HIRELM_REQUIRE_AJV();
  auto schemas = test_schemas();
  Json report = run_ajv(schemas, {{1, R"({"id":2000,"ok":true,"tags":["a"]})"}, {2, "not json"},
                                  {2, R"({"born":"2023-02-29","mail":"a@b.co","kind":"person","n":5})"}});
  EXPECT_EQ(report["failures"], 3) << report.dump();
}

TEST(Generation, RandomWalksNeverDeadEndAndEosOnlyWhenComplete) {
  const auto& sv = test::small_vocab();
  std::vector<std::shared_ptr<const Grammar>> grammars;
  for (const auto& s : test_schemas()) grammars.push_back(Grammar::from_json_schema(s, sv.vocab));
  grammars.push_back(Grammar::from_json_object(sv.vocab));
  grammars.push_back(Grammar::from_regex(R"((\w+ ){2,}\d*)", sv.vocab));
  grammars.push_back(Grammar::from_gbnf("root ::= (\"[\" root \"]\")* \"x\"", sv.vocab));
  std::mt19937_64 rng(99);
  TokenMask mask;
  int64_t steps = 0;
  for (const auto& grammar : grammars) {
    for (int walk = 0; walk < 3; ++walk) {
      GrammarState state(grammar);
      // A uniform random walk over allowed tokens, never taking EOS, for up to 1500 steps.
      for (int step = 0; step < 1500; ++step, ++steps) {
        state.allowed_tokens(mask);
        EXPECT_EQ(mask.test(sv.eos), state.is_complete());
        EXPECT_FALSE(mask.test(sv.control) || mask.test(sv.think_end) || mask.test(sv.think_start));
        std::vector<int32_t> ids;
        mask.for_each([&](int32_t id) {
          if (id != sv.eos) ids.push_back(id);
        });
        if (ids.empty()) {
          ASSERT_TRUE(state.is_complete()) << "dead end: an empty mask while incomplete";
          break;
        }
        int32_t id = ids[std::uniform_int_distribution<size_t>(0, ids.size() - 1)(rng)];
        ASSERT_TRUE(state.accept_token(id));
      }
    }
  }
  EXPECT_GT(steps, 3000);
}

TEST(Generation, RejectedTokensLeaveTheStateUnchanged) {
  const auto& sv = test::small_vocab();
  auto grammar = Grammar::from_json_schema(Json::parse(R"({"type":"array","items":{"type":"integer"}})"), sv.vocab);
  GrammarState state(grammar);
  EXPECT_FALSE(state.accept_token(sv.eos));
  EXPECT_FALSE(state.accept_token('x'));
  EXPECT_FALSE(state.accept_token(sv.control));
  EXPECT_TRUE(state.accept_token('['));
  EXPECT_TRUE(state.accept_token('1'));
  EXPECT_FALSE(state.is_complete());  // cut off here: finish_reason "length", no value
  EXPECT_FALSE(state.can_end());
  EXPECT_TRUE(state.accept_token(']'));
  EXPECT_TRUE(state.is_complete());
  EXPECT_TRUE(state.can_end());
  EXPECT_TRUE(state.is_finished());  // nothing can follow "]"
  EXPECT_TRUE(state.accept_token(sv.eos));
  EXPECT_FALSE(state.can_end());
  EXPECT_FALSE(state.accept_token(']'));
  TokenMask mask;
  state.allowed_tokens(mask);
  EXPECT_EQ(mask.count(), 0);
}

TEST(Generation, ApplyMaskCoversPaddedLogits) {
  const auto& sv = test::small_vocab();
  GrammarState state(Grammar::from_choice({"yes"}, sv.vocab));
  std::vector<float> logits(static_cast<size_t>(sv.vocab->size()) + 37, 1.0f);
  state.apply_mask(logits);
  int finite = 0;
  for (float x : logits) finite += std::isfinite(x) ? 1 : 0;
  EXPECT_EQ(finite, 2);  // the byte 'y' and the token "yes"
  EXPECT_TRUE(std::isfinite(logits['y']));
  EXPECT_FALSE(std::isfinite(logits.back()));
}

TEST(Reasoning, FreeUntilThinkEndThenConstrained) {
  const auto& sv = test::small_vocab();
  auto grammar = Grammar::from_json_schema(Json::parse(R"({"type":"boolean"})"), sv.vocab);
  GrammarState state(grammar, ConstraintScope::kAfterReasoning);
  TokenMask mask;
  state.allowed_tokens(mask);
  EXPECT_TRUE(mask.test('x'));
  EXPECT_TRUE(mask.test(sv.think_end));
  EXPECT_TRUE(mask.test(sv.think_start));
  EXPECT_FALSE(mask.test(sv.eos));      // no answer yet
  EXPECT_FALSE(mask.test(sv.control));  // control tokens never
  EXPECT_TRUE(state.accept_token('h'));
  EXPECT_TRUE(state.accept_token('{'));  // anything goes while reasoning
  EXPECT_TRUE(state.in_reasoning());
  EXPECT_FALSE(state.is_complete());
  EXPECT_TRUE(state.accept_token(sv.think_end));
  EXPECT_FALSE(state.in_reasoning());
  state.allowed_tokens(mask);
  EXPECT_FALSE(mask.test('x'));
  EXPECT_TRUE(mask.test('\n'));  // leading whitespace before the answer
  EXPECT_TRUE(mask.test('t'));
  EXPECT_TRUE(state.accept_token('\n'));
  for (char c : std::string("true")) EXPECT_TRUE(state.accept_token(c));
  EXPECT_TRUE(state.is_complete());
}

TEST(Reasoning, ThinkEndSpelledByOrdinaryTokens) {
  const auto& sv = test::small_vocab();
  auto grammar = Grammar::from_choice({"yes", "no"}, sv.vocab);
  GrammarState state(grammar, ConstraintScope::kAfterReasoning);
  auto id_of = [&](std::string_view bytes) {
    for (int32_t id = 0; id < sv.vocab->size(); ++id) {
      if (sv.vocab->token_bytes(id) == bytes && !sv.vocab->is_added(id)) return id;
    }
    return -1;
  };
  ASSERT_TRUE(state.accept_token(id_of("</")));
  ASSERT_TRUE(state.accept_token(id_of("think")));
  EXPECT_TRUE(state.in_reasoning());
  TokenMask mask;
  state.allowed_tokens(mask);
  EXPECT_TRUE(mask.test(id_of(">")));
  EXPECT_TRUE(mask.test(id_of(">\n\n")));  // the trailing newlines fit the answer's leading whitespace
  EXPECT_TRUE(state.accept_token(id_of(">\n\n")));
  EXPECT_FALSE(state.in_reasoning());
  EXPECT_TRUE(state.accept_token(id_of("no")));
  EXPECT_TRUE(state.is_complete());
}

// The mask equals the brute-force answer (each token tried with accept_token on a copy of the state),
// checked every `every` steps of a random walk: this covers the trie walk, the mask cache and the sharing
// of masks across positions of long bounded repetitions.
void expect_masks_exact(const std::shared_ptr<const Grammar>& grammar, int steps, int every, uint64_t seed) {
  std::mt19937_64 rng(seed);
  GrammarState state(grammar);
  TokenMask mask;
  const int32_t n = grammar->vocabulary().size();
  for (int step = 0; step < steps; ++step) {
    state.allowed_tokens(mask);
    if (step % every == 0) {
      int mismatches = 0;
      for (int32_t id = 0; id < n; ++id) {
        GrammarState copy = state;
        if (copy.accept_token(id) != mask.test(id) && ++mismatches <= 3) {
          ADD_FAILURE() << "step " << step << ": token " << id << " mask " << mask.test(id);
        }
      }
      ASSERT_EQ(mismatches, 0);
    }
    std::vector<int32_t> ids;
    mask.for_each([&](int32_t id) {
      if (!grammar->vocabulary().eos_id() || id != *grammar->vocabulary().eos_id()) ids.push_back(id);
    });
    if (ids.empty()) break;
    ASSERT_TRUE(state.accept_token(ids[std::uniform_int_distribution<size_t>(0, ids.size() - 1)(rng)]));
  }
}

TEST(Masks, EqualBruteForceSmallVocabulary) {
  const auto& sv = test::small_vocab();
  uint64_t seed = 1;
  for (const auto& s : test_schemas()) expect_masks_exact(Grammar::from_json_schema(s, sv.vocab), 300, 1, seed++);
}

TEST(RealVocabulary, MasksEqualBruteForceInTheResumeSchema) {
  HIRELM_REQUIRE_REFERENCE();
  expect_masks_exact(Grammar::from_json_schema(resume_schema(), test::deepseek_vocab()), 120, 8, 3);
}

TEST(RealVocabulary, ResumeSchemaGenerationsWithTheDeepSeekVocabulary) {
  HIRELM_REQUIRE_REFERENCE();
  auto vocab = test::deepseek_vocab();
  ASSERT_NE(vocab, nullptr);
  EXPECT_EQ(vocab->size(), 151665);
  EXPECT_EQ(vocab->eos_id(), 151643);
  ASSERT_TRUE(vocab->think_end_id().has_value());
  auto grammar = Grammar::from_json_schema(resume_schema(), vocab);
  std::mt19937_64 rng(5);
  TokenMask mask;
  for (int i = 0; i < 3; ++i) {
    GrammarState state(grammar);
    auto g = test::generate(state, rng, 600, 0.5);
    ASSERT_FALSE(g.dead_end) << g.text;
    if (g.complete) {
      EXPECT_TRUE(Json::accept(g.text)) << g.text;
    }
  }
  // A small bounded schema completes quickly with the real vocabulary; outputs must parse and hold.
  auto small = Grammar::from_json_schema(
      Json::parse(R"({"type":"object","properties":{"degree":{"enum":["大专","本科","硕士","博士","other",null]},
                     "years":{"type":"integer","minimum":0,"maximum":60},"name":{"type":"string","maxLength":8}},
                     "required":["degree","years","name"],"additionalProperties":false})"),
      vocab);
  for (int i = 0; i < 10; ++i) {
    GrammarState state(small);
    auto g = test::generate(state, rng, 400, 0.5);
    ASSERT_FALSE(g.dead_end) << g.text;
    ASSERT_TRUE(g.complete) << g.text;
    Json v = Json::parse(g.text);
    EXPECT_GE(v["years"].get<int>(), 0);
    EXPECT_LE(v["years"].get<int>(), 60);
    EXPECT_LE(v["name"].get<std::string>().size(), 8u * 4);
  }
  // First step: only tokens that start an object are allowed, and never added tokens.
  GrammarState fresh(grammar);
  fresh.allowed_tokens(mask);
  EXPECT_GT(mask.count(), 0);
  mask.for_each([&](int32_t id) {
    EXPECT_FALSE(vocab->is_added(id));
    EXPECT_EQ(vocab->token_bytes(id)[0], '{');
  });
  EXPECT_TRUE(mask.test(*vocab->eos_id()) == false);
}

}  // namespace
}  // namespace hirelm::grammar
