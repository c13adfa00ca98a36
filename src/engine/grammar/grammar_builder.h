// The common intermediate form of every constraint: a context-free grammar over bytes. JSON schemas,
// regexes, choices and GBNF text are all lowered through GrammarBuilder, which then validates the grammar
// (no unsatisfiable root, no left recursion) and flattens it into a FlatGrammar for the automaton.
//
// A rule is a list of alternatives; an alternative is a sequence of symbols; a symbol is either a byte
// set (one input byte) or a reference to a rule. Repetitions are lowered to right-recursive helper rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/grammar/byte_set.h"

namespace hirelm::grammar {

struct Symbol {
  enum class Kind : uint8_t { kBytes, kRule };
  Kind kind;
  uint32_t id;  // byte-set index or rule index
};
using Sequence = std::vector<Symbol>;

inline void append(Sequence& to, const Sequence& from) { to.insert(to.end(), from.begin(), from.end()); }

// A validated grammar in flat form: every alternative is a run of elements ending in kEnd, so a parse
// position is a single index into `elements`.
struct FlatGrammar {
  struct Element {
    enum class Kind : uint8_t { kBytes, kRule, kEnd };
    Kind kind;
    uint32_t id;  // byte-set index (kBytes) or rule index (kRule)
  };
  std::vector<Element> elements;
  std::vector<ByteSet> byte_sets;
  std::vector<std::vector<uint32_t>> rule_starts;  // per rule: the first position of each alternative
  std::vector<std::string> rule_names;
  // Bounded repetitions (`body{0,n}` chains: tail_k ::= body tail_{k-1} | "") whose body always consumes
  // input: chain_of_rule[r] = (chain, k) or (-1, 0); chain_rules[chain][k - 1] = the rule of tail_k.
  // A stack deep inside such a chain behaves the same for any k larger than the bytes left to read,
  // which lets masks be shared across chain positions (Grammar::fill_mask).
  std::vector<std::pair<int32_t, int64_t>> chain_of_rule;
  std::vector<std::vector<uint32_t>> chain_rules;
  std::vector<uint32_t> rule_of_position;
  uint32_t root = 0;         // the constraint itself
  uint32_t answer_root = 0;  // up to kMaxLeadingWhitespace spaces/newlines, then the constraint
};

// Leading whitespace allowed in front of an answer that follows reasoning (R1 writes "</think>\n\n").
constexpr int kMaxLeadingWhitespace = 4;
// Upper bound on {m,n} counts and length bounds: each unit becomes a rule.
constexpr int64_t kMaxRepeat = 10000;
// Upper bound on the grammar's total size in symbols (nested repetitions multiply).
constexpr int64_t kMaxGrammarSymbols = 2'000'000;

class GrammarBuilder {
 public:
  // `what` prefixes error messages ("json schema", "regex", "gbnf").
  explicit GrammarBuilder(std::string what) : what_(std::move(what)) {}

  const std::string& what() const { return what_; }

  uint32_t new_rule(std::string name);
  void add_alternative(uint32_t rule, Sequence alternative);
  size_t alternative_count(uint32_t rule) const { return rules_[rule].alternatives.size(); }
  const std::string& rule_name(uint32_t rule) const { return rules_[rule].name; }

  Symbol bytes(const ByteSet& set);
  Symbol byte(uint8_t b) { return bytes(ByteSet::single(b)); }
  Sequence literal(std::string_view text);
  static Symbol ref(uint32_t rule) { return {Symbol::Kind::kRule, rule}; }

  // A new rule with the given alternatives, as a symbol.
  Symbol choice(std::vector<Sequence> alternatives, std::string name);
  Symbol optional(Sequence body, std::string name);
  Symbol star(Sequence body, std::string name);
  // body repeated min..max times (max < 0: unbounded). Throws UnsupportedError past kMaxRepeat.
  Sequence repeat(const Sequence& body, int64_t min, int64_t max, const std::string& name);

  // Any one code point in the inclusive ranges (surrogates excluded), as well-formed UTF-8 bytes.
  // `negate` takes the complement over all Unicode scalar values.
  Symbol code_points(std::vector<std::pair<uint32_t, uint32_t>> ranges, bool negate, std::string name);

  // Validates and flattens: drops alternatives that can never finish, throws InvalidInputError when the
  // root can never finish (an unsatisfiable constraint) and UnsupportedError on left recursion.
  FlatGrammar finish(uint32_t root);

 private:
  struct Rule {
    std::string name;
    std::vector<Sequence> alternatives;
  };
  std::string what_;
  std::vector<Rule> rules_;
  std::vector<ByteSet> byte_sets_;
  int64_t symbols_ = 0;
  std::vector<std::vector<uint32_t>> chains_;  // per repeat() chain: tail rules by k - 1
};

}  // namespace hirelm::grammar
