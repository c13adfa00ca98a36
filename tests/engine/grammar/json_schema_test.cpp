// Unit tests of the JSON-schema compiler, keyword by keyword, on the byte level: which texts the compiled
// grammar matches and which schemas it refuses (with which message).
#include <gtest/gtest.h>

#include <fstream>

#include "grammar_test_util.h"
#include "util/error.h"

namespace hirelm::grammar {
namespace {

using test::matches;
using Json = nlohmann::ordered_json;

FlatGrammar schema(const char* text) { return compile_json_schema(Json::parse(text)); }

template <typename E>
std::string error_of(const char* text) {
  try {
    schema(text);
  } catch (const E& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(JsonSchema, ObjectPropertiesInSchemaOrderRequiredAndOptional) {
  auto g = schema(R"({"type":"object","properties":{"b":{"type":"integer"},"a":{"type":"boolean"}},
                     "required":["b"],"additionalProperties":false})");
  EXPECT_TRUE(matches(g, R"({"b":1,"a":true})"));
  EXPECT_TRUE(matches(g, R"({"b":1})"));
  EXPECT_TRUE(matches(g, "{ \"b\": 1,\n  \"a\": false\n}"));
  EXPECT_FALSE(matches(g, R"({"a":true,"b":1})"));  // schema order
  EXPECT_FALSE(matches(g, R"({"a":true})"));        // b is required
  EXPECT_FALSE(matches(g, R"({"b":1,})"));
  EXPECT_FALSE(matches(g, R"({"b":1,"c":2})"));
}

TEST(JsonSchema, AllOptionalPropertiesHandleCommas) {
  auto g = schema(R"({"type":"object","properties":{"x":{"type":"null"},"y":{"type":"null"},"z":{"type":"null"}},
                     "additionalProperties":false})");
  for (const char* ok : {"{}", R"({"y":null})", R"({"x":null,"z":null})", R"({"x":null,"y":null,"z":null})"}) {
    EXPECT_TRUE(matches(g, ok)) << ok;
  }
  for (const char* bad : {R"({,"y":null})", R"({"x":null,,"z":null})", R"({"z":null,"x":null})"}) {
    EXPECT_FALSE(matches(g, bad)) << bad;
  }
}

TEST(JsonSchema, WhitespaceIsBounded) {
  auto g = schema(R"({"type":"array","items":{"type":"integer"}})");
  EXPECT_TRUE(matches(g, "[1, 2]"));
  EXPECT_TRUE(matches(g, "[\n  1,\n  2\n]"));
  EXPECT_FALSE(matches(g, "[1,  2]"));       // two spaces
  EXPECT_FALSE(matches(g, "[1,\n\n2]"));     // two newlines
  EXPECT_FALSE(matches(g, "[1,\n" + std::string(17, ' ') + "2]"));
  EXPECT_FALSE(matches(g, " [1]"));          // nothing before the value
}

TEST(JsonSchema, StringEnumConstAndLengths) {
  auto e = schema(R"({"enum":["大专","本科",null,3]})");
  EXPECT_TRUE(matches(e, "\"本科\""));
  EXPECT_TRUE(matches(e, "null"));
  EXPECT_TRUE(matches(e, "3"));
  EXPECT_FALSE(matches(e, "\"硕士\""));
  auto c = schema(R"({"const":"a\"b"})");
  EXPECT_TRUE(matches(c, R"("a\"b")"));
  auto len = schema(R"({"type":"string","minLength":2,"maxLength":3})");
  EXPECT_FALSE(matches(len, R"("a")"));
  EXPECT_TRUE(matches(len, R"("ab")"));
  EXPECT_TRUE(matches(len, "\"中文字\""));  // 3 characters, 9 bytes
  EXPECT_TRUE(matches(len, R"("\n\u00e9x")"));
  EXPECT_FALSE(matches(len, R"("abcd")"));
  auto any = schema(R"({"type":"string"})");
  EXPECT_TRUE(matches(any, "\"\\\\ \\/ \\b\\f\\t\\r 😀\""));
  EXPECT_FALSE(matches(any, "\"\x01\""));      // raw control character
  EXPECT_FALSE(matches(any, "\"\\ud800\""));   // lone surrogate escape refused
  EXPECT_FALSE(matches(any, "\"\xc0\xaf\""));  // overlong UTF-8
  EXPECT_FALSE(matches(any, "\"\\q\""));
}

TEST(JsonSchema, IntegerBoundsAreDigitExact) {
  auto g = schema(R"({"type":"integer","minimum":-15,"maximum":120})");
  for (int v = -40; v <= 200; ++v) EXPECT_EQ(matches(g, std::to_string(v)), v >= -15 && v <= 120) << v;
  EXPECT_FALSE(matches(g, "007"));
  EXPECT_FALSE(matches(g, "-0"));
  EXPECT_FALSE(matches(g, "1.5"));
  auto ex = schema(R"({"type":"integer","exclusiveMinimum":3,"exclusiveMaximum":1000})");
  EXPECT_FALSE(matches(ex, "3"));
  EXPECT_TRUE(matches(ex, "4"));
  EXPECT_TRUE(matches(ex, "999"));
  EXPECT_FALSE(matches(ex, "1000"));
  auto open = schema(R"({"type":"integer","minimum":95})");
  EXPECT_FALSE(matches(open, "94"));
  EXPECT_TRUE(matches(open, "95"));
  EXPECT_TRUE(matches(open, "100"));
  EXPECT_TRUE(matches(open, "123456789"));
  auto neg = schema(R"({"type":"integer","maximum":-7})");
  EXPECT_TRUE(matches(neg, "-7"));
  EXPECT_TRUE(matches(neg, "-1234"));
  EXPECT_FALSE(matches(neg, "-6"));
  EXPECT_FALSE(matches(neg, "0"));
}

TEST(JsonSchema, NumbersWithBoundsAndWithout) {
  auto g = schema(R"({"type":"number","minimum":0,"maximum":60})");
  for (const char* ok : {"0", "60", "59.99", "0.5", "12"}) EXPECT_TRUE(matches(g, ok)) << ok;
  for (const char* bad : {"-1", "60.5", "61", "-0.5", "1e3", "6e1"}) EXPECT_FALSE(matches(g, bad)) << bad;
  auto neg = schema(R"({"type":"number","minimum":-2.5,"maximum":-1})");
  for (const char* ok : {"-2", "-1", "-1.75"}) EXPECT_TRUE(matches(neg, ok)) << ok;
  for (const char* bad : {"-3", "0", "-0.5", "-2.6"}) EXPECT_FALSE(matches(neg, bad)) << bad;
  auto free = schema(R"({"type":"number"})");
  for (const char* ok : {"0", "-12.5e-3", "3E+10", "1.0"}) EXPECT_TRUE(matches(free, ok)) << ok;
  for (const char* bad : {"01", ".5", "1.", "+1", "1e"}) EXPECT_FALSE(matches(free, bad)) << bad;
}

TEST(JsonSchema, BooleanNullAndNullableTypeArrays) {
  auto g = schema(R"({"type":["string","null"],"maxLength":2})");
  EXPECT_TRUE(matches(g, "null"));
  EXPECT_TRUE(matches(g, R"("ab")"));
  EXPECT_FALSE(matches(g, R"("abc")"));
  auto b = schema(R"({"type":"boolean"})");
  EXPECT_TRUE(matches(b, "true"));
  EXPECT_TRUE(matches(b, "false"));
  EXPECT_FALSE(matches(b, "null"));
}

TEST(JsonSchema, ArraysWithItemBounds) {
  auto g = schema(R"({"type":"array","items":{"type":"boolean"},"minItems":1,"maxItems":2})");
  EXPECT_FALSE(matches(g, "[]"));
  EXPECT_TRUE(matches(g, "[true]"));
  EXPECT_TRUE(matches(g, "[true, false]"));
  EXPECT_FALSE(matches(g, "[true,false,true]"));
  auto empty = schema(R"({"type":"array","maxItems":0})");
  EXPECT_TRUE(matches(empty, "[]"));
  EXPECT_FALSE(matches(empty, "[1]"));
  auto any = schema(R"({"type":"array"})");
  EXPECT_TRUE(matches(any, R"([1,"x",{"a":[null]},[]])"));
}

TEST(JsonSchema, AnyOfOneOfAllOf) {
  auto g = schema(R"({"anyOf":[{"type":"integer","minimum":5},{"type":"string","maxLength":1}]})");
  EXPECT_TRUE(matches(g, "7"));
  EXPECT_TRUE(matches(g, R"("x")"));
  EXPECT_FALSE(matches(g, "4"));
  auto o = schema(R"({"oneOf":[{"type":"null"},{"type":"boolean"}]})");
  EXPECT_TRUE(matches(o, "null"));
  EXPECT_TRUE(matches(o, "true"));
  auto a = schema(R"({"allOf":[{"type":"null"}],"description":"x"})");
  EXPECT_TRUE(matches(a, "null"));
}

TEST(JsonSchema, RefsIncludingRecursion) {
  auto g = schema(R"({"$ref":"#/$defs/node","$defs":{"node":{"type":"object","properties":{
      "v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/$defs/node"}}},
      "required":["v"],"additionalProperties":false}}})");
  EXPECT_TRUE(matches(g, R"({"v":1})"));
  EXPECT_TRUE(matches(g, R"({"v":1,"kids":[{"v":2,"kids":[{"v":3}]},{"v":4}]})"));
  EXPECT_FALSE(matches(g, R"({"v":1,"kids":[{"w":2}]})"));
  auto root = schema(R"({"type":"array","maxItems":2,"items":{"anyOf":[{"type":"null"},{"$ref":"#"}]}})");
  EXPECT_TRUE(matches(root, "[null,[[],null]]"));
  auto defs = schema(R"({"definitions":{"d":{"type":"boolean"}},"$ref":"#/definitions/d"})");
  EXPECT_TRUE(matches(defs, "false"));
}

TEST(JsonSchema, DateFormatKnowsMonthLengthsAndLeapYears) {
  auto g = schema(R"({"type":"string","format":"date"})");
  for (const char* ok : {"\"2024-02-29\"", "\"2000-02-29\"", "\"1999-12-31\"", "\"2023-04-30\"", "\"0000-02-29\""}) {
    EXPECT_TRUE(matches(g, ok)) << ok;
  }
  for (const char* bad : {"\"2023-02-29\"", "\"1900-02-29\"", "\"2023-04-31\"", "\"2023-13-01\"", "\"2023-00-10\"",
                          "\"2023-1-1\"", "\"2023-02-30\""}) {
    EXPECT_FALSE(matches(g, bad)) << bad;
  }
}

TEST(JsonSchema, EmailFormat) {
  auto g = schema(R"({"type":"string","format":"email"})");
  for (const char* ok : {"\"a@b.co\"", "\"first.last+tag@mail.example.com\"", "\"x_y@a-b.cn\""}) {
    EXPECT_TRUE(matches(g, ok)) << ok;
  }
  for (const char* bad : {"\"a@b\"", "\"@b.co\"", "\"a..b@c.d\"", "\"a@-b.co\"", "\"a@b-.co\"", "\"a b@c.d\""}) {
    EXPECT_FALSE(matches(g, bad)) << bad;
  }
}

TEST(JsonSchema, UnsupportedKeywordsAreNamedWithTheirPath) {
  EXPECT_EQ(error_of<UnsupportedError>(R"({"type":"object","properties":{"x":{"type":"object","patternProperties":{}}}})"),
            "json schema: unsupported keyword 'patternProperties' at /properties/x");
  EXPECT_NE(error_of<UnsupportedError>(R"({"type":"string","pattern":"a+"})").find("'pattern'"), std::string::npos);
  EXPECT_NE(error_of<UnsupportedError>(R"({"type":"string","format":"uri"})").find("format 'uri'"), std::string::npos);
  EXPECT_NE(error_of<UnsupportedError>(R"({"$ref":"other.json#/x"})").find("outside this document"), std::string::npos);
  EXPECT_NE(error_of<UnsupportedError>(R"({"type":"number","multipleOf":2})").find("multipleOf"), std::string::npos);
  EXPECT_NE(error_of<UnsupportedError>(R"({"type":"array","uniqueItems":true})").find("uniqueItems"), std::string::npos);
  EXPECT_NE(error_of<UnsupportedError>(R"({"type":"object","additionalProperties":{"type":"string"}})")
                .find("additionalProperties"),
            std::string::npos);
  // Annotations are fine.
  EXPECT_NO_THROW(schema(R"({"title":"t","description":"d","examples":[1],"default":1,"$schema":"x","type":"integer"})"));
}

TEST(JsonSchema, ContradictionsAreRejectedAtCompileTime) {
  EXPECT_NE(error_of<InvalidInputError>(R"({"type":"array","minItems":3,"maxItems":1})").find("minItems 3 > maxItems 1"),
            std::string::npos);
  EXPECT_NE(error_of<InvalidInputError>(R"({"enum":[]})").find("allows no value"), std::string::npos);
  EXPECT_NE(error_of<InvalidInputError>(R"({"type":"string","enum":[1,2]})").find("allows no value"), std::string::npos);
  EXPECT_NE(error_of<InvalidInputError>(R"({"type":"string","minLength":5,"maxLength":2})").find("minLength"),
            std::string::npos);
  EXPECT_NE(error_of<InvalidInputError>(R"({"type":"integer","minimum":2.5,"maximum":2.7})").find("no integer"),
            std::string::npos);
  EXPECT_NE(error_of<InvalidInputError>(R"({"type":"object","properties":{},"required":["a"],"additionalProperties":false})")
                .find("'a'"),
            std::string::npos);
  // A required property that can never be produced makes the whole schema unsatisfiable.
  EXPECT_NE(error_of<InvalidInputError>(R"({"type":"object","properties":{"a":{"$ref":"#/properties/a"}},"required":["a"]})")
                .find("never be satisfied"),
            std::string::npos);
  EXPECT_NE(error_of<InvalidInputError>("false").find("matches nothing"), std::string::npos);
}

TEST(JsonSchema, ResumeSchemaCompilesAndMatchesAnExample) {
  std::ifstream in(std::string(HIRELM_SOURCE_DIR) + "/src/engine/grammar/resume_schema.json");
  ASSERT_TRUE(in.good());
  auto g = compile_json_schema(Json::parse(in));
  const char* example = R"({"name": "张三", "email": "zhang.san@example.com", "phone": null,
    "years_of_experience": 5.5, "highest_degree": "硕士", "degree_raw": "计算机硕士",
    "tech_stack": ["C++", "PyTorch"], "projects": [{"name": "推荐系统", "summary": "负责召回"}],
    "education": [{"school": "北京大学", "degree": "硕士", "major": "计算机", "start": "2015.09", "end": "2018.06"}],
    "work_history": []})";
  EXPECT_TRUE(matches(g, example));
  std::string too_old = example;
  too_old.replace(too_old.find("5.5"), 3, "61");
  EXPECT_FALSE(matches(g, too_old));
}

}  // namespace
}  // namespace hirelm::grammar
