// Regex (a practical subset) to grammar: literals, '.', classes with ranges and negation, \d \w \s and
// their negations, alternation, groups (capturing, (?:...), named), ? * + {m} {m,} {m,n} (lazy forms
// accepted, same language). The whole output must match: '^' at the start and '$' at the end are
// implied and accepted. Backreferences, lookaround, word boundaries and anchors elsewhere are refused.
#include "engine/grammar/grammar.h"
#include "engine/grammar/pattern_reader.h"
#include "util/error.h"

namespace hirelm::grammar {
namespace {

constexpr int kMaxNesting = 200;

}  // namespace

std::string encode_utf8(uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

namespace {

std::string utf8(uint32_t cp) { return encode_utf8(cp); }

class RegexParser {
 public:
  RegexParser(std::string_view pattern, GrammarBuilder& b) : r_(pattern, "regex"), b_(b) {}

  Sequence parse() {
    r_.consume("^");
    Sequence s = alternation(0);
    if (!r_.eof()) r_.fail("unbalanced ')'");
    return s;
  }

 private:
  Sequence alternation(int depth) {
    if (depth > kMaxNesting) r_.unsupported("groups nested too deeply");
    std::vector<Sequence> alts{sequence(depth)};
    while (r_.consume("|")) alts.push_back(sequence(depth));
    if (alts.size() == 1) return alts[0];
    return {b_.choice(std::move(alts), "alternation")};
  }

  Sequence sequence(int depth) {
    Sequence seq;
    while (!r_.eof() && r_.peek() != '|' && r_.peek() != ')') {
      if (r_.peek() == '$') {
        r_.skip();
        if (r_.eof() || (depth == 0 && r_.peek() == '|')) continue;
        r_.unsupported("'$' anchor inside the pattern (the whole output must match)");
      }
      Sequence a = atom(depth);
      append(seq, quantified(std::move(a)));
    }
    return seq;
  }

  Sequence atom(int depth) {
    char c = r_.peek();
    switch (c) {
      case '(': {
        r_.skip();
        if (r_.consume("?:")) {
        } else if (r_.peek() == '?') {
          if (r_.consume("?<") || r_.consume("?P<")) {
            if (r_.peek() == '=' || r_.peek() == '!') r_.unsupported("lookbehind is not supported");
            while (!r_.eof() && r_.peek() != '>') r_.skip();
            if (!r_.consume(">")) r_.fail("unterminated group name");
          } else if (r_.peek(1) == '=' || r_.peek(1) == '!') {
            r_.unsupported("lookahead is not supported");
          } else {
            r_.unsupported("group flags (?...) are not supported");
          }
        }
        Sequence inner = alternation(depth + 1);
        if (!r_.consume(")")) r_.fail("missing ')'");
        return inner;
      }
      case '^':
        r_.unsupported("'^' anchor inside the pattern (the whole output must match)");
      case '.':
        r_.skip();
        return {b_.code_points({{'\n', '\n'}}, true, "any-char")};
      case '[': {
        CodePointRanges ranges;
        bool negated = false;
        r_.bracket_class(&ranges, &negated);
        return {b_.code_points(std::move(ranges), negated, "class")};
      }
      case '\\': {
        r_.skip();
        CodePointRanges ranges;
        if (r_.class_escape(&ranges)) return {b_.code_points(std::move(ranges), false, "class-escape")};
        uint32_t cp;
        if (!r_.escape_code_point(&cp)) r_.fail("bad escape");
        return b_.literal(utf8(cp));
      }
      case '*': case '+': case '?': case '{':
        r_.fail(std::string("nothing to repeat before '") + c + "'");
      default:
        return b_.literal(utf8(r_.next_code_point()));
    }
  }

  Sequence quantified(Sequence atom) {
    int64_t min = 1, max = 1;
    char c = r_.peek();
    if (c == '*') {
      min = 0, max = -1;
    } else if (c == '+') {
      min = 1, max = -1;
    } else if (c == '?') {
      min = 0, max = 1;
    } else if (c == '{') {
      r_.skip();
      if (!r_.number(&min)) r_.fail("'{' must start a repetition {m}, {m,} or {m,n} (escape a literal brace as \\{)");
      max = min;
      if (r_.consume(",")) {
        if (!r_.number(&max)) max = -1;
      }
      if (r_.peek() != '}') r_.fail("unterminated repetition");
      if (max >= 0 && max < min) r_.fail("repetition {m,n} with n < m");
    } else {
      return atom;
    }
    r_.skip();
    if (r_.peek() == '+') r_.unsupported("possessive quantifiers are not supported");
    r_.consume("?");  // lazy: the same language
    if (r_.peek() == '*' || r_.peek() == '+' || r_.peek() == '?' || r_.peek() == '{') r_.fail("nothing to repeat");
    return b_.repeat(atom, min, max, "repeat");
  }

  PatternReader r_;
  GrammarBuilder& b_;
};

}  // namespace

FlatGrammar compile_regex(std::string_view pattern) {
  GrammarBuilder b("regex");
  RegexParser parser(pattern, b);
  uint32_t root = b.new_rule("root");
  b.add_alternative(root, parser.parse());
  return b.finish(root);
}

FlatGrammar compile_choice(const std::vector<std::string>& choices) {
  if (choices.empty()) throw InvalidInputError("choice: the list of choices is empty");
  GrammarBuilder b("choice");
  uint32_t root = b.new_rule("root");
  for (const auto& c : choices) b.add_alternative(root, b.literal(c));
  return b.finish(root);
}

}  // namespace hirelm::grammar
