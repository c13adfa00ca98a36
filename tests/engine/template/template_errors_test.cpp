// Broken, unsupported and hostile templates fail with the right typed error and a line number, and
// never crash, hang or run out of memory.
#include <string>

#include <gtest/gtest.h>

#include "engine/template/chat_template.h"
#include "engine/template/json_dump.h"
#include "util/error.h"

namespace hirelm::templating {
namespace {

const Json kMessages = Json::parse(R"([{"role": "user", "content": "hi"}])");

std::string render(const std::string& source, const RenderLimits& limits = RenderLimits()) {
  ChatTemplate tmpl(source, "<s>", "</s>");
  tmpl.set_limits(limits);
  return tmpl.render(kMessages, true);
}

// Returns the message of the error `fn` throws as type E, or fails.
template <typename E, typename Fn>
std::string message_of(Fn fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong error type: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(TemplateErrors, UnsupportedFilterNamesFilterAndLine) {
  std::string m = message_of<UnsupportedError>([] { render("a\nb\n{{ messages | wordwrap }}"); });
  EXPECT_EQ(m, "chat template line 3: unsupported filter 'wordwrap'");
}

TEST(TemplateErrors, UnsupportedConstructsFailAtParseEvenInDeadBranches) {
  EXPECT_THROW(ChatTemplate("{% if false %}{{ x | pprint }}{% endif %}", "", ""), UnsupportedError);
  EXPECT_THROW(ChatTemplate("{% if false %}{{ x is escaped }}{% endif %}", "", ""), UnsupportedError);
  EXPECT_THROW(ChatTemplate("{% include 'other.jinja' %}", "", ""), UnsupportedError);
  EXPECT_THROW(ChatTemplate("{% extends 'base' %}", "", ""), UnsupportedError);
  EXPECT_THROW(ChatTemplate("{% for x in xs recursive %}{% endfor %}", "", ""), UnsupportedError);
  EXPECT_THROW(ChatTemplate("{{ f(*args) }}", "", ""), UnsupportedError);
  std::string m = message_of<UnsupportedError>([] { ChatTemplate("\n{% call foo() %}{% endcall %}", "", ""); });
  EXPECT_NE(m.find("line 2"), std::string::npos) << m;
  EXPECT_NE(m.find("call"), std::string::npos) << m;
}

TEST(TemplateErrors, UnsupportedMethodsAndFormattingAtRender) {
  EXPECT_THROW(render("{{ 'a'.zfill(3) }}"), UnsupportedError);
  EXPECT_THROW(render("{{ '%s' % 'x' }}"), UnsupportedError);
}

TEST(TemplateErrors, SyntaxErrorsAreInvalidInputWithLine) {
  EXPECT_THROW(render("{% if true %}never closed"), InvalidInputError);
  EXPECT_THROW(render("{% for x in %}{% endfor %}"), InvalidInputError);
  EXPECT_THROW(render("{{ 'unterminated }}"), InvalidInputError);
  EXPECT_THROW(render("{{ 1 + }}"), InvalidInputError);
  EXPECT_THROW(render("{{ (1 }}"), InvalidInputError);
  EXPECT_THROW(render("{# unclosed comment"), InvalidInputError);
  EXPECT_THROW(render("{% endif %}"), InvalidInputError);
  EXPECT_THROW(render("{% break %}"), InvalidInputError);
  EXPECT_THROW(render("{{ x ! y }}"), InvalidInputError);
  std::string m = message_of<InvalidInputError>([] { render("ok\nok\n{{ messages[0] . }}"); });
  EXPECT_EQ(m.rfind("chat template line 3: ", 0), 0u) << m;
}

TEST(TemplateErrors, RuntimeErrorsFollowJinja) {
  // Attribute of an undefined value is an error; the undefined value alone is not.
  EXPECT_EQ(render("[{{ nothing }}]"), "[]");
  std::string m = message_of<InvalidInputError>([] { render("\n{{ nothing.attr }}"); });
  EXPECT_EQ(m, "chat template line 2: 'nothing' is undefined");
  EXPECT_THROW(render("{{ nothing + 1 }}"), InvalidInputError);
  EXPECT_THROW(render("{{ nothing() }}"), InvalidInputError);
  EXPECT_THROW(render("{{ messages[0].missing.deeper }}"), InvalidInputError);
  EXPECT_THROW(render("{{ 'a' + 1 }}"), InvalidInputError);
  EXPECT_THROW(render("{{ 1 / 0 }}"), InvalidInputError);
  EXPECT_THROW(render("{{ 1 < 'a' }}"), InvalidInputError);
  EXPECT_THROW(render("{% for x in 5 %}{% endfor %}"), InvalidInputError);
  EXPECT_THROW(render("{% set x = 1 %}{% set x.y = 2 %}"), InvalidInputError);
  EXPECT_THROW(render("{{ 9223372036854775807 + 1 }}"), InvalidInputError);
  EXPECT_THROW(render("{% set x = 5 %}{{ x[1:] }}"), InvalidInputError);  // slices are plain subscripts
  EXPECT_THROW(render("{{ nothing | int }}"), InvalidInputError);
  // The sandbox is immutable, as in Hugging Face.
  EXPECT_THROW(render("{{ messages.append(1) }}"), InvalidInputError);
  EXPECT_THROW(render("{{ messages[0].update({}) }}"), InvalidInputError);
}

TEST(TemplateErrors, RaiseExceptionCarriesTheTemplatesMessage) {
  std::string m = message_of<InvalidInputError>(
      [] { render("{% if messages[0].role != 'system' %}\n{{ raise_exception('Conversation must start with system') }}{% endif %}"); });
  EXPECT_EQ(m, "chat template line 2: raise_exception: Conversation must start with system");
}

TEST(TemplateErrors, MessagesMustBeAnArray) {
  ChatTemplate tmpl("{{ messages }}", "", "");
  EXPECT_THROW(tmpl.render(Json::object(), false), InvalidInputError);
}

TEST(TemplateLimits, EndlessWorkIsStopped) {
  RenderLimits small;
  small.max_steps = 100000;
  EXPECT_THROW(render("{% for i in range(1000000) %}{% endfor %}", small), InvalidInputError);
  EXPECT_THROW(render("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}", small),
               InvalidInputError);
  // Within the budget the same constructs work.
  EXPECT_EQ(render("{% for i in range(3) %}{{ i }}{% endfor %}", small), "012");
}

TEST(TemplateLimits, HugeOutputIsStopped) {
  RenderLimits small;
  small.max_output_bytes = 1 << 16;
  EXPECT_THROW(render("{{ 'x' * 100000000000 }}", small), InvalidInputError);
  EXPECT_THROW(render("{% for i in range(100000) %}xxxxxxxx{% endfor %}", small), InvalidInputError);
  EXPECT_EQ(render("{{ 'ab' * 3 }}", small), "ababab");
}

TEST(TemplateLimits, RecursionIsBounded) {
  EXPECT_THROW(render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"), InvalidInputError);
  EXPECT_THROW(render("{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}"), InvalidInputError);
  EXPECT_THROW(render("{{ " + std::string(5000, '[') + std::string(5000, ']') + " }}"), InvalidInputError);
  EXPECT_THROW(render("{{ " + std::string(5000, '-') + "1 }}"), InvalidInputError);
  std::string chain = "{{ 1";
  for (int i = 0; i < 5000; ++i) chain += " + 1";
  EXPECT_THROW(render(chain + " }}"), InvalidInputError);
  std::string nested;
  for (int i = 0; i < 5000; ++i) nested += "{% if true %}";
  EXPECT_THROW(render(nested), InvalidInputError);
  // A recursive macro with a base case renders.
  EXPECT_EQ(render("{% macro f(n) %}{{ n }}{% if n > 0 %}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(3) }}"), "3210");
}

TEST(JsonDump, MatchesPythonJsonDumps) {
  Json v = Json::parse(R"({"z": [1, -2.5, 1e-7, 1e22, true, null], "é": "\u0000\u001f\u007f\ud83d\ude00"})");
  EXPECT_EQ(python_json_dumps(v, {}), "{\"z\": [1, -2.5, 1e-07, 1e+22, true, null], \"é\": \"\\u0000\\u001f\x7f😀\"}");
  JsonDumpOptions ascii;
  ascii.ensure_ascii = true;
  EXPECT_EQ(python_json_dumps(Json("é😀"), ascii), "\"\\u00e9\\ud83d\\ude00\"");
  JsonDumpOptions sorted;
  sorted.sort_keys = true;
  sorted.indent = "\t";
  EXPECT_EQ(python_json_dumps(Json::parse(R"({"b": {}, "a": [[]]})"), sorted),
            "{\n\t\"a\": [\n\t\t[]\n\t],\n\t\"b\": {}\n}");
}

}  // namespace
}  // namespace hirelm::templating
