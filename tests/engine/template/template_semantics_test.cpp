// Jinja semantics of the interpreter under Hugging Face's settings. Every expected string was
// derived by hand from jinja2's documented behaviour (trim_blocks/lstrip_blocks, Python str/repr,
// json.dumps) and cross-checked against jinja2 3.1 with HF's environment.
#include <string>

#include <gtest/gtest.h>

#include "engine/template/chat_template.h"
#include "util/error.h"

namespace hirelm::templating {
namespace {

// The variables every case renders with (beside messages from kContext["messages"]).
const char* kContext = "{\"messages\": [{\"role\": \"system\", \"content\": \"sys\"}, {\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"yo\", \"tool_calls\": [{\"function\": {\"name\": \"f\", \"arguments\": {\"a\": 1}}}]}], \"d\": {\"b\": 2, \"a\": 1}, \"s\": \"  Hello World  \", \"n\": 7, \"f\": 2.5, \"l\": [3, 1, 2], \"u\": \"é中\\\"\\n\\t\\u0001\"}";

std::string render(const std::string& source) {
  Json context = Json::parse(kContext);
  Json messages = context["messages"];
  return ChatTemplate(source, "<s>", "</s>").render(messages, false, nullptr, context);
}

TEST(TemplateSemantics, TrimBlocksDropsNewlineAfterBlockTag) {
  EXPECT_EQ(render("{% if true %}\nA\n{% endif %}\nB"),
            "A\nB");
}

TEST(TemplateSemantics, TrimBlocksKeepsNewlineAfterExpression) {
  EXPECT_EQ(render("{{ 'x' }}\ny"),
            "x\ny");
}

TEST(TemplateSemantics, LstripBlocksRemovesIndentBeforeBlockTag) {
  EXPECT_EQ(render("a\n    {% if true %}\n    b\n    {% endif %}\nc"),
            "a\n    b\nc");
}

TEST(TemplateSemantics, LstripBlocksKeepsTextBeforeTagOnSameLine) {
  EXPECT_EQ(render("a {% if true %}b{% endif %}"),
            "a b");
}

TEST(TemplateSemantics, DashStripsAllWhitespace) {
  EXPECT_EQ(render("a  \n {%- if true -%} \n b \n {%- endif -%}\n  c"),
            "abc");
}

TEST(TemplateSemantics, DashOnExpressions) {
  EXPECT_EQ(render("a \n{{- 'x' -}}\n b"),
            "axb");
}

TEST(TemplateSemantics, PlusDisablesLstrip) {
  EXPECT_EQ(render("a\n  {%+ if true %}b{% endif %}"),
            "a\n  b");
}

TEST(TemplateSemantics, PlusDisablesTrimBlocks) {
  EXPECT_EQ(render("{% if true +%}\nb{% endif %}"),
            "\nb");
}

TEST(TemplateSemantics, CommentsVanishAndTrim) {
  EXPECT_EQ(render("a\n  {# note #}\nb{#- x -#}  c"),
            "a\nbc");
}

TEST(TemplateSemantics, OneTrailingNewlineDropped) {
  EXPECT_EQ(render("x\n\n"),
            "x\n");
}

TEST(TemplateSemantics, CarriageReturnsNormalised) {
  EXPECT_EQ(render("a\015\nb\015c"),
            "a\nb\nc");
}

TEST(TemplateSemantics, RawBlock) {
  EXPECT_EQ(render("{% raw %}{{ not parsed }}{% endraw %}"),
            "{{ not parsed }}");
}

TEST(TemplateSemantics, StringEscapes) {
  EXPECT_EQ(render("{{ 'a\\n\\t\\\\\\'\\\"\\x41\\u4e2d\\U0001F600\\101\\d' }}"),
            "a\n\t\\'\"A中😀A\\d");
}

TEST(TemplateSemantics, AdjacentStringsConcatenate) {
  EXPECT_EQ(render("{{ 'a' \"b\" }}"),
            "ab");
}

TEST(TemplateSemantics, Arithmetic) {
  EXPECT_EQ(render("{{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 4 / 2 }} {{ 2 ** 10 }} {{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }}"),
            "3 -4 2 3.5 2.0 1024 7 9");
}

TEST(TemplateSemantics, FloatPrinting) {
  EXPECT_EQ(render("{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1e16 }} {{ 1e15 }} {{ 0.00001 }} {{ 2.5 * 2 }}"),
            "1.0 0.30000000000000004 1e+16 1000000000000000.0 1e-05 5.0");
}

TEST(TemplateSemantics, StringOps) {
  EXPECT_EQ(render("{{ 'a' ~ 1 ~ none ~ true }} {{ 'ab' * 3 }} {{ 'x' + 'y' }}"),
            "a1NoneTrue ababab xy");
}

TEST(TemplateSemantics, Comparisons) {
  EXPECT_EQ(render("{{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 'a' < 'b' }} {{ 1 == 1.0 }} {{ true == 1 }} {{ [1,2] == [1,2] }} {{ 'x' != 'y' }}"),
            "True False True True True True True");
}

TEST(TemplateSemantics, LogicReturnsOperands) {
  EXPECT_EQ(render("{{ 0 or 'b' }} {{ 'a' and 'c' }} {{ not 0 }} {{ none or [] }}"),
            "b c True []");
}

TEST(TemplateSemantics, InOperator) {
  EXPECT_EQ(render("{{ 'ell' in 'hello' }} {{ 2 in [1,2] }} {{ 'a' in d }} {{ 'z' not in d }} {{ 3 in d }}"),
            "True True True True False");
}

TEST(TemplateSemantics, Conditional) {
  EXPECT_EQ(render("{{ 'y' if n > 5 else 'n' }}{{ 'never' if false }}|"),
            "y|");
}

TEST(TemplateSemantics, ReprOfContainers) {
  EXPECT_EQ(render("{{ [1, 'a', none, true, 1.5] }} {{ {'k': 'v'} }} {{ ['it\\'s'] }}"),
            "[1, 'a', None, True, 1.5] {'k': 'v'} [\"it's\"]");
}

TEST(TemplateSemantics, SubscriptsAndSlices) {
  EXPECT_EQ(render("{{ l[0] }}{{ l[-1] }}{{ l[1:] }}{{ l[::-1] }}{{ 'hello'[1:3] }}{{ 'héllo'[1] }}{{ l[5:] }}{{ l[:-1] }}"),
            "32[1, 2][2, 1, 3]elé[][3, 1]");
}

TEST(TemplateSemantics, AttributeFallsBackToKey) {
  EXPECT_EQ(render("{{ messages[1].content }}{{ messages[1]['role'] }}{{ d.a }}"),
            "hiuser1");
}

TEST(TemplateSemantics, StringMethods) {
  EXPECT_EQ(render("{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'xxhixx'.strip('x') }}|{{ 'Hi'.upper() }}{{ 'Hi'.lower() }}|{{ 'abc'.startswith('ab') }}{{ 'abc'.endswith(('x','c')) }}|{{ 'aaa'.replace('a','b',2) }}|{{ 'a</think>b</think>c'.split('</think>')[-1] }}|{{ 'hello world'.title() }}|{{ 'a-b-c'.rsplit('-', 1) }}"),
            "Hello World|Hello World  |  Hello World|['a', 'b', '', 'c']|['a', 'b']|hi|HIhi|TrueTrue|bba|c|Hello World|['a-b', 'c']");
}

TEST(TemplateSemantics, DictMethods) {
  EXPECT_EQ(render("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{{ d.keys() | list }}{{ d.values() | list }}{{ d.get('a') }}{{ d.get('z') }}{{ d.get('z', 9) }}"),
            "b=2;a=1;['b', 'a'][2, 1]1None9");
}

TEST(TemplateSemantics, LoopVariables) {
  EXPECT_EQ(render("{% for x in l %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}|{% endfor %}"),
            "10TrueFalse33|21FalseFalse32|32FalseTrue31|");
}

TEST(TemplateSemantics, LoopPrevNextAndCycle) {
  EXPECT_EQ(render("{% for x in l %}{{ loop.previtem }}<{{ x }}>{{ loop.nextitem }}{{ loop.cycle('a','b') }} {% endfor %}"),
            "<3>1a 3<1>2b 1<2>a ");
}

TEST(TemplateSemantics, LoopElseAndFilter) {
  EXPECT_EQ(render("{% for x in [] %}x{% else %}empty{% endfor %} {% for x in l if x > 1 %}{{ x }}{{ loop.length }}{% endfor %}"),
            "empty 3222");
}

TEST(TemplateSemantics, BreakContinue) {
  EXPECT_EQ(render("{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}"),
            "0134");
}

TEST(TemplateSemantics, LoopOverDictAndString) {
  EXPECT_EQ(render("{% for k in d %}{{ k }}{% endfor %} {% for c in 'hé' %}[{{ c }}]{% endfor %}"),
            "ba [h][é]");
}

TEST(TemplateSemantics, SetInsideLoopDoesNotLeak) {
  EXPECT_EQ(render("{% set x = 1 %}{% for i in [1, 2] %}{% set x = x + 10 %}{{ x }} {% endfor %}{{ x }}"),
            "11 11 1");
}

TEST(TemplateSemantics, NamespaceCarriesStateOutOfLoops) {
  EXPECT_EQ(render("{% set ns = namespace(total=0, seen=false) %}{% for i in l %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}{{ ns.seen }}"),
            "6False");
}

TEST(TemplateSemantics, SetBlockAndTupleUnpack) {
  EXPECT_EQ(render("{% set a, b = [1, 2] %}{% set blk %}[{{ a }}{{ b }}]{% endset %}{{ blk }}{{ blk | length }}"),
            "[12]4");
}

TEST(TemplateSemantics, Macros) {
  EXPECT_EQ(render("{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', punct='?') }}"),
            "Hi A! Hi B?");
}

TEST(TemplateSemantics, TestsOnValues) {
  EXPECT_EQ(render("{{ n is number }}{{ n is integer }}{{ f is float }}{{ s is string }}{{ d is mapping }}{{ l is iterable }}{{ none is none }}{{ n is odd }}{{ n is even }}{{ 9 is divisibleby 3 }}{{ n is not string }}{{ 'ab' is lower }}{{ true is boolean }}"),
            "TrueTrueTrueTrueTrueTrueTrueTrueFalseTrueTrueTrueTrue");
}

TEST(TemplateSemantics, UndefinedSemantics) {
  EXPECT_EQ(render("[{{ missing }}]{{ missing is defined }}{{ missing is undefined }}{{ missing | length }}{% for x in missing %}x{% endfor %}{{ 'a' ~ missing }}{{ missing or 'fallback' }}{{ messages[0].nothing is defined }}{{ 1 in missing }}{{ missing == none }}"),
            "[]FalseTrue0afallbackFalseFalseFalse");
}

TEST(TemplateSemantics, Filters1) {
  EXPECT_EQ(render("{{ s | trim }}|{{ l | length }}|{{ l | first }}{{ l | last }}|{{ l | join(', ') }}|{{ l | sort }}|{{ l | sort(reverse=true) }}|{{ l | max }}{{ l | min }}{{ l | sum }}|{{ 'abc' | upper }}{{ 'ABC' | lower }}|{{ missing | default('dflt') }}{{ '' | default('e', true) }}{{ 0 | d(5) }}"),
            "Hello World|3|32|3, 1, 2|[1, 2, 3]|[3, 2, 1]|316|ABCabc|dflte0");
}

TEST(TemplateSemantics, Filters2) {
  EXPECT_EQ(render("{{ messages | map(attribute='role') | list }}|{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | join }}|{{ messages | rejectattr('role', 'in', ['system', 'user']) | list | length }}|{{ [0, 1, 2, none] | select | list }}|{{ [1, 2, 3, 4] | reject('odd') | list }}|{{ ['a', 'b'] | map('upper') | list }}|{% for k, v in d | items %}{{ k }}{{ v }}{% endfor %}|{% for k, v in d | dictsort %}{{ k }}{{ v }}{% endfor %}|{{ [1, 1, 2] | unique | list }}|{{ 'abc' | reverse }}|{{ 2.567 | round(1) }}|{{ '42' | int + 1 }}|{{ '1.5' | float }}|{{ -3 | abs }}|{{ 7 | string ~ 'x' }}"),
            "['system', 'user', 'assistant']|hi|1|[1, 2]|[2, 4]|['A', 'B']|b2a1|a1b2|[1, 2]|cba|2.6|43|1.5|3|7x");
}

TEST(TemplateSemantics, ToJsonMatchesPythonJsonDumps) {
  EXPECT_EQ(render("{{ d | tojson }}|{{ u | tojson }}|{{ messages[2].tool_calls[0].function.arguments | tojson }}|{{ {'k': [1, 2.0, none, true]} | tojson }}|{{ [] | tojson }}{{ {} | tojson }}"),
            "{\"b\": 2, \"a\": 1}|\"é中\\\"\\n\\t\\u0001\"|{\"a\": 1}|{\"k\": [1, 2.0, null, true]}|[]{}");
}

TEST(TemplateSemantics, ToJsonOptions) {
  EXPECT_EQ(render("{{ d | tojson(indent=2) }}|{{ d | tojson(sort_keys=true) }}|{{ u | tojson(ensure_ascii=true) }}|{{ d | tojson(separators=(',', ':')) }}|{{ {'a': [], 'b': [1]} | tojson(indent=1) }}"),
            "{\n  \"b\": 2,\n  \"a\": 1\n}|{\"a\": 1, \"b\": 2}|\"\\u00e9\\u4e2d\\\"\\n\\t\\u0001\"|{\"b\":2,\"a\":1}|{\n \"a\": [],\n \"b\": [\n  1\n ]\n}");
}

TEST(TemplateSemantics, GlobalsRangeDict) {
  EXPECT_EQ(render("{{ range(3) | list }}{{ range(1, 7, 2) | list }}{{ range(3, 0, -1) | list }}{{ dict(a=1, b='x') }}"),
            "[0, 1, 2][1, 3, 5][3, 2, 1]{'a': 1, 'b': 'x'}");
}

TEST(TemplateSemantics, IndentFilter) {
  EXPECT_EQ(render("{{ 'a\nb\n\nc' | indent(2) }}|{{ 'a\nb' | indent(2, true) }}"),
            "a\n  b\n\n  c|  a\n  b");
}

TEST(TemplateSemantics, LiteralsAndNone) {
  EXPECT_EQ(render("{{ True }}{{ false }}{{ None }}{{ 1_000 }}{{ (1, 2) | length }}"),
            "TrueFalseNone10002");
}

TEST(TemplateSemantics, ContinueInNestedIfInsideLoop) {
  EXPECT_EQ(render("{% for m in messages %}{% if m.role == 'system' %}{% continue %}{% endif %}{{ m.role[0] }}{% endfor %}"),
            "ua");
}

TEST(TemplateSemantics, RoundFollowsPython) {
  EXPECT_EQ(render("{{ 2.5|round }} {{ 0.125|round(2) }} {{ 3|round }} {{ 2.1|round(0, 'ceil') }} {{ 7|round(0, 'floor') }}"),
            "2.0 0.12 3 3.0 7.0");
}

TEST(TemplateSemantics, FailedSubscriptIsUndefined) {
  EXPECT_EQ(render("{{ messages[0]['nope'] is defined }}{{ l[10] is defined }}{{ d[0] is defined }}{{ none.x is defined }}"),
            "FalseFalseFalseFalse");
}

TEST(TemplateSemantics, ReasoningSplitLikeQwen3) {
  EXPECT_EQ(render("{% set c = '<think>\\nr\\n</think>\\n\\nDone.' %}{{ c.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}|{{ c.split('</think>')[-1].lstrip('\\n') }}"),
            "r|Done.");
}

TEST(TemplateSemantics, BooleanTests) {
  EXPECT_EQ(render("{{ (1 == 2) is false }}{{ 0 is false }}{{ missing is false }}{{ true is true }}"),
            "TrueFalseFalseTrue");
}

TEST(TemplateSemantics, ReverseSliceAndIndexArithmetic) {
  EXPECT_EQ(render("{% for m in messages[::-1] %}{{ (messages|length - 1) - loop.index0 }}{{ m.role[0] }}{% endfor %}"),
            "2a1u0s");
}

}  // namespace
}  // namespace hirelm::templating
