// GBNF-like EBNF to grammar (syntax in docs/grammar.md):
//   root ::= "{" ws pair ( "," ws pair )* "}"      # comments run to the end of the line
//   pair ::= [a-z]+ ":" ws ( number | "null" )
// Terms: "literal" (escapes \n \t \r \\ \" \xHH \uHHHH), [class] (ranges, ^ negation, \d \w \s), '.' (any
// character but newline), rule names, ( groups ); postfix ? * + {m} {m,} {m,n}; '|' alternation.
// A rule body runs until the next `name ::=`. The start rule is `root`, or the first rule.
#include <map>
#include <set>

#include "engine/grammar/grammar.h"
#include "engine/grammar/pattern_reader.h"
#include "util/error.h"

namespace hirelm::grammar {
namespace {

constexpr int kMaxNesting = 200;

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

class GbnfParser {
 public:
  GbnfParser(std::string_view text, GrammarBuilder& b) : r_(text, "gbnf"), b_(b) {}

  uint32_t parse() {
    skip_space();
    if (r_.eof()) r_.fail("no rules");
    std::string first;
    while (!r_.eof()) {
      std::string name = read_name();
      if (name.empty()) r_.fail("expected a rule name");
      skip_space();
      if (!r_.consume("::=")) r_.fail("expected '::=' after rule name '" + name + "'");
      if (!defined_.insert(name).second) r_.fail("rule '" + name + "' is defined twice");
      if (first.empty()) first = name;
      uint32_t rule = rule_for(name);
      for (auto& alt : alternatives(0)) b_.add_alternative(rule, std::move(alt));
      skip_space();
      if (!r_.eof() && r_.peek() == ')') r_.fail("unbalanced ')'");
    }
    for (const auto& [name, rule] : rules_) {
      if (!defined_.count(name)) r_.fail("rule '" + name + "' is used but never defined");
    }
    return rule_for(defined_.count("root") ? "root" : first);
  }

 private:
  void skip_space() {
    while (!r_.eof()) {
      char c = r_.peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        r_.skip();
      } else if (c == '#') {
        while (!r_.eof() && r_.peek() != '\n') r_.skip();
      } else {
        break;
      }
    }
  }

  std::string read_name() {
    std::string name;
    while (!r_.eof() && name_char(r_.peek())) {
      name += r_.peek();
      r_.skip();
    }
    return name;
  }

  // True if the input continues with `name ::=` (the start of the next rule).
  bool at_rule_start() const {
    std::string_view rest = r_.rest();
    size_t i = 0;
    while (i < rest.size() && name_char(rest[i])) ++i;
    if (i == 0) return false;
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t' || rest[i] == '\n' || rest[i] == '\r')) ++i;
    return rest.substr(i, 3) == "::=";
  }

  uint32_t rule_for(const std::string& name) {
    auto it = rules_.find(name);
    if (it != rules_.end()) return it->second;
    uint32_t r = b_.new_rule(name);
    rules_.emplace(name, r);
    return r;
  }

  std::vector<Sequence> alternatives(int depth) {
    if (depth > kMaxNesting) r_.unsupported("groups nested too deeply");
    std::vector<Sequence> alts{sequence(depth)};
    while (r_.consume("|")) alts.push_back(sequence(depth));
    return alts;
  }

  Sequence sequence(int depth) {
    Sequence seq;
    while (true) {
      skip_space();
      if (r_.eof() || r_.peek() == '|' || r_.peek() == ')' || at_rule_start()) break;
      Sequence t = term(depth);
      append(seq, postfix(std::move(t)));
    }
    return seq;
  }

  Sequence literal() {
    r_.skip();  // '"'
    std::string bytes;
    while (true) {
      if (r_.eof()) r_.fail("unterminated string");
      if (r_.consume("\"")) break;
      uint32_t cp;
      if (r_.consume("\\")) {
        if (!r_.escape_code_point(&cp)) r_.fail("class escapes are not allowed in strings");
      } else {
        cp = r_.next_code_point();
      }
      bytes += encode_utf8(cp);
    }
    return b_.literal(bytes);
  }

  Sequence term(int depth) {
    char c = r_.peek();
    if (c == '"') return literal();
    if (c == '[') {
      CodePointRanges ranges;
      bool negated = false;
      r_.bracket_class(&ranges, &negated);
      return {b_.code_points(std::move(ranges), negated, "class")};
    }
    if (c == '.') {
      r_.skip();
      return {b_.code_points({{'\n', '\n'}}, true, "any-char")};
    }
    if (c == '(') {
      r_.skip();
      std::vector<Sequence> alts = alternatives(depth + 1);
      skip_space();
      if (!r_.consume(")")) r_.fail("missing ')'");
      if (alts.size() == 1) return alts[0];
      return {b_.choice(std::move(alts), "group")};
    }
    if (name_char(c)) return {GrammarBuilder::ref(rule_for(read_name()))};
    if (c == '*' || c == '+' || c == '?' || c == '{') r_.fail(std::string("nothing to repeat before '") + c + "'");
    r_.fail(std::string("unexpected character '") + c + "'");
  }

  Sequence postfix(Sequence t) {
    while (true) {
      int64_t min, max;
      char c = r_.peek();
      if (c == '*') {
        min = 0, max = -1;
      } else if (c == '+') {
        min = 1, max = -1;
      } else if (c == '?') {
        min = 0, max = 1;
      } else if (c == '{') {
        r_.skip();
        if (!r_.number(&min)) r_.fail("expected a count after '{'");
        max = min;
        if (r_.consume(",")) {
          if (!r_.number(&max)) max = -1;
        }
        if (r_.peek() != '}') r_.fail("unterminated repetition");
        if (max >= 0 && max < min) r_.fail("repetition {m,n} with n < m");
      } else {
        return t;
      }
      r_.skip();
      t = b_.repeat(t, min, max, "repeat");
    }
  }

  PatternReader r_;
  GrammarBuilder& b_;
  std::map<std::string, uint32_t> rules_;
  std::set<std::string> defined_;
};

}  // namespace

FlatGrammar compile_gbnf(std::string_view text) {
  GrammarBuilder b("gbnf");
  GbnfParser parser(text, b);
  uint32_t root = parser.parse();
  return b.finish(root);
}

}  // namespace hirelm::grammar
