#include "engine/grammar/grammar_builder.h"

#include <algorithm>

#include "util/error.h"

namespace hirelm::grammar {
namespace {

using Ranges = std::vector<std::pair<uint32_t, uint32_t>>;
using ByteRanges = std::vector<std::pair<uint8_t, uint8_t>>;

constexpr uint32_t kMaxCodePoint = 0x10FFFF;

int utf8_length(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

void utf8_encode(uint32_t cp, uint8_t* out) {
  switch (utf8_length(cp)) {
    case 1: out[0] = static_cast<uint8_t>(cp); break;
    case 2:
      out[0] = static_cast<uint8_t>(0xC0 | (cp >> 6));
      out[1] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
      break;
    case 3:
      out[0] = static_cast<uint8_t>(0xE0 | (cp >> 12));
      out[1] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F));
      out[2] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
      break;
    default:
      out[0] = static_cast<uint8_t>(0xF0 | (cp >> 18));
      out[1] = static_cast<uint8_t>(0x80 | ((cp >> 12) & 0x3F));
      out[2] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F));
      out[3] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
  }
}

// Splits the scalar-value range [lo, hi] into byte-range sequences whose product is exactly the UTF-8
// encodings of the range: first by surrogates and encoded length, then until every continuation-byte
// suffix is either shared by lo and hi or spans its full range.
void utf8_sequences(uint32_t lo, uint32_t hi, std::vector<ByteRanges>& out) {
  if (lo > hi) return;
  if (lo <= 0xDFFF && hi >= 0xD800) {
    if (lo < 0xD800) utf8_sequences(lo, 0xD7FF, out);
    if (hi > 0xDFFF) utf8_sequences(0xE000, hi, out);
    return;
  }
  for (uint32_t boundary : {0x7Fu, 0x7FFu, 0xFFFFu}) {
    if (lo <= boundary && hi > boundary) {
      utf8_sequences(lo, boundary, out);
      utf8_sequences(boundary + 1, hi, out);
      return;
    }
  }
  int n = utf8_length(lo);
  for (int i = 1; i < n; ++i) {
    uint32_t m = (uint32_t{1} << (6 * i)) - 1;
    if ((lo & ~m) != (hi & ~m)) {
      if ((lo & m) != 0) {
        utf8_sequences(lo, lo | m, out);
        utf8_sequences((lo | m) + 1, hi, out);
        return;
      }
      if ((hi & m) != m) {
        utf8_sequences(lo, (hi & ~m) - 1, out);
        utf8_sequences(hi & ~m, hi, out);
        return;
      }
    }
  }
  uint8_t a[4], b[4];
  utf8_encode(lo, a);
  utf8_encode(hi, b);
  ByteRanges seq;
  for (int k = 0; k < n; ++k) seq.emplace_back(a[k], b[k]);
  out.push_back(std::move(seq));
}

Ranges normalize(Ranges ranges, bool negate) {
  for (auto& [lo, hi] : ranges) hi = std::min(hi, kMaxCodePoint);
  std::erase_if(ranges, [](const auto& r) { return r.first > r.second; });
  std::sort(ranges.begin(), ranges.end());
  Ranges merged;
  for (const auto& r : ranges) {
    if (!merged.empty() && r.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  if (!negate) return merged;
  Ranges complement;
  uint32_t next = 0;
  for (const auto& [lo, hi] : merged) {
    if (lo > next) complement.emplace_back(next, lo - 1);
    next = hi + 1;
  }
  if (next <= kMaxCodePoint) complement.emplace_back(next, kMaxCodePoint);
  return complement;
}

}  // namespace

uint32_t GrammarBuilder::new_rule(std::string name) {
  rules_.push_back({std::move(name), {}});
  return static_cast<uint32_t>(rules_.size() - 1);
}

void GrammarBuilder::add_alternative(uint32_t rule, Sequence alternative) {
  symbols_ += static_cast<int64_t>(alternative.size()) + 1;
  if (symbols_ > kMaxGrammarSymbols) {
    throw UnsupportedError(what_ + ": the constraint is too large (over " + std::to_string(kMaxGrammarSymbols) +
                           " grammar symbols; nested repetitions multiply)");
  }
  rules_[rule].alternatives.push_back(std::move(alternative));
}

Symbol GrammarBuilder::bytes(const ByteSet& set) {
  for (size_t i = 0; i < byte_sets_.size(); ++i) {
    if (byte_sets_[i] == set) return {Symbol::Kind::kBytes, static_cast<uint32_t>(i)};
  }
  byte_sets_.push_back(set);
  return {Symbol::Kind::kBytes, static_cast<uint32_t>(byte_sets_.size() - 1)};
}

Sequence GrammarBuilder::literal(std::string_view text) {
  Sequence seq;
  for (char c : text) seq.push_back(byte(static_cast<uint8_t>(c)));
  return seq;
}

Symbol GrammarBuilder::choice(std::vector<Sequence> alternatives, std::string name) {
  uint32_t r = new_rule(std::move(name));
  for (auto& alt : alternatives) add_alternative(r, std::move(alt));
  return ref(r);
}

Symbol GrammarBuilder::optional(Sequence body, std::string name) {
  return choice({std::move(body), {}}, std::move(name));
}

Symbol GrammarBuilder::star(Sequence body, std::string name) {
  uint32_t r = new_rule(std::move(name));
  body.push_back(ref(r));
  add_alternative(r, std::move(body));
  add_alternative(r, {});
  return ref(r);
}

Sequence GrammarBuilder::repeat(const Sequence& body, int64_t min, int64_t max, const std::string& name) {
  if (min < 0 || min > kMaxRepeat || max > kMaxRepeat) {
    throw UnsupportedError(what_ + ": repetition count " + std::to_string(std::max(min, max)) + " in " + name +
                           " is over the supported maximum " + std::to_string(kMaxRepeat));
  }
  const int64_t copies = std::max(min, max);
  if (copies > 0 && static_cast<int64_t>(body.size() + 1) * copies + symbols_ > kMaxGrammarSymbols) {
    throw UnsupportedError(what_ + ": the constraint is too large (" + name + " repeats " +
                           std::to_string(body.size()) + " symbols " + std::to_string(copies) + " times)");
  }
  Sequence seq;
  for (int64_t i = 0; i < min; ++i) append(seq, body);
  if (max < 0) {
    seq.push_back(star(body, name + "*"));
    return seq;
  }
  // Nested optionals: tail_k ::= body tail_{k-1} | "" (k = max - min .. 1), built innermost first.
  Sequence tail;
  std::vector<uint32_t> chain;
  for (int64_t k = 1; k <= max - min; ++k) {
    Sequence alt = body;
    append(alt, tail);
    tail = {optional(std::move(alt), name + "{" + std::to_string(k) + "}")};
    chain.push_back(tail[0].id);
  }
  if (chain.size() > 1) chains_.push_back(std::move(chain));
  append(seq, tail);
  return seq;
}

Symbol GrammarBuilder::code_points(Ranges ranges, bool negate, std::string name) {
  uint32_t r = new_rule(std::move(name));
  std::vector<ByteRanges> seqs;
  for (const auto& [lo, hi] : normalize(std::move(ranges), negate)) utf8_sequences(lo, hi, seqs);
  // Sequences with equal length and equal tails merge their leading byte ranges (ASCII classes become one set).
  for (const auto& seq : seqs) {
    Sequence alt;
    for (const auto& [lo, hi] : seq) alt.push_back(bytes(ByteSet::range(lo, hi)));
    add_alternative(r, std::move(alt));
  }
  return ref(r);
}

FlatGrammar GrammarBuilder::finish(uint32_t root) {
  // The answer root: up to kMaxLeadingWhitespace of [ \n], then the constraint.
  Sequence lead = repeat({bytes([] {
                           ByteSet s;
                           s.set(' ');
                           s.set('\n');
                           return s;
                         }())},
                         0, kMaxLeadingWhitespace, "leading-whitespace");
  lead.push_back(ref(root));
  uint32_t answer_root = new_rule("answer-root");
  add_alternative(answer_root, std::move(lead));

  const size_t n = rules_.size();
  auto symbol_ok = [&](const Symbol& s, const std::vector<char>& rule_flag) {
    return s.kind == Symbol::Kind::kBytes ? !byte_sets_[s.id].empty() : rule_flag[s.id] != 0;
  };

  // Productive rules (those that derive at least one finite byte string), by fixpoint.
  std::vector<char> productive(n, 0);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t r = 0; r < n; ++r) {
      if (productive[r]) continue;
      for (const auto& alt : rules_[r].alternatives) {
        if (std::all_of(alt.begin(), alt.end(), [&](const Symbol& s) { return symbol_ok(s, productive); })) {
          productive[r] = 1;
          changed = true;
          break;
        }
      }
    }
  }
  if (!productive[root]) {
    throw InvalidInputError(what_ + ": the constraint can never be satisfied (rule '" + rules_[root].name +
                            "' matches no text)");
  }
  // Dropping every alternative that cannot finish is what rules out dead ends: each remaining stack of
  // rule positions can always be completed.
  for (auto& rule : rules_) {
    std::erase_if(rule.alternatives, [&](const Sequence& alt) {
      return !std::all_of(alt.begin(), alt.end(), [&](const Symbol& s) { return symbol_ok(s, productive); });
    });
  }

  std::vector<char> nullable(n, 0);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t r = 0; r < n; ++r) {
      if (nullable[r]) continue;
      for (const auto& alt : rules_[r].alternatives) {
        if (std::all_of(alt.begin(), alt.end(),
                        [&](const Symbol& s) { return s.kind == Symbol::Kind::kRule && nullable[s.id]; })) {
          nullable[r] = 1;
          changed = true;
          break;
        }
      }
    }
  }

  // Left edges r -> s: s can be entered before r consumes a byte. An edge is a "push" unless s is the last
  // symbol (a tail call). A cycle of left edges through a push is left recursion, which would grow the
  // stack forever without consuming input; cycles of tail calls alone are harmless (the automaton
  // skips repeated configurations).
  std::vector<std::vector<std::pair<uint32_t, bool>>> edges(n);
  for (size_t r = 0; r < n; ++r) {
    for (const auto& alt : rules_[r].alternatives) {
      for (size_t i = 0; i < alt.size(); ++i) {
        if (alt[i].kind == Symbol::Kind::kBytes) break;
        edges[r].emplace_back(alt[i].id, i + 1 < alt.size());
        if (!nullable[alt[i].id]) break;
      }
    }
  }
  // Strongly connected components (Kosaraju, iterative).
  std::vector<uint32_t> order;
  std::vector<char> seen(n, 0);
  for (size_t start = 0; start < n; ++start) {
    if (seen[start]) continue;
    std::vector<std::pair<uint32_t, size_t>> stack{{static_cast<uint32_t>(start), 0}};
    seen[start] = 1;
    while (!stack.empty()) {
      auto& [v, i] = stack.back();
      if (i < edges[v].size()) {
        uint32_t w = edges[v][i++].first;
        if (!seen[w]) {
          seen[w] = 1;
          stack.emplace_back(w, 0);
        }
      } else {
        order.push_back(v);
        stack.pop_back();
      }
    }
  }
  std::vector<std::vector<uint32_t>> reverse(n);
  for (size_t r = 0; r < n; ++r) {
    for (const auto& e : edges[r]) reverse[e.first].push_back(static_cast<uint32_t>(r));
  }
  std::vector<int64_t> component(n, -1);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (component[*it] >= 0) continue;
    std::vector<uint32_t> stack{*it};
    component[*it] = *it;
    while (!stack.empty()) {
      uint32_t v = stack.back();
      stack.pop_back();
      for (uint32_t w : reverse[v]) {
        if (component[w] < 0) {
          component[w] = *it;
          stack.push_back(w);
        }
      }
    }
  }
  for (size_t r = 0; r < n; ++r) {
    for (const auto& [s, push] : edges[r]) {
      if (push && component[s] == component[r]) {
        throw UnsupportedError(what_ + ": left recursion through rule '" + rules_[r].name +
                               "' (write the repetition on the right: a ::= x a | x)");
      }
    }
  }

  FlatGrammar flat;
  flat.chain_of_rule.assign(n, {-1, 0});
  for (auto& chain : chains_) {
    // Usable only if every tail_k (k >= 2) still has the shape [body..., tail_{k-1}] | [] with a body that
    // cannot be empty, so each body step consumes at least one byte.
    bool ok = true;
    for (size_t k = 2; k <= chain.size() && ok; ++k) {
      const auto& alts = rules_[chain[k - 1]].alternatives;
      ok = alts.size() == 2 && alts[1].empty() && !alts[0].empty() &&
           alts[0].size() == rules_[chain[1]].alternatives[0].size() && alts[0].back().kind == Symbol::Kind::kRule &&
           alts[0].back().id == chain[k - 2];
      if (ok) {
        ok = std::any_of(alts[0].begin(), alts[0].end() - 1, [&](const Symbol& s) {
          return s.kind == Symbol::Kind::kBytes || !nullable[s.id];
        });
      }
    }
    if (!ok) continue;
    for (size_t k = 2; k <= chain.size(); ++k) {
      flat.chain_of_rule[chain[k - 1]] = {static_cast<int32_t>(flat.chain_rules.size()), static_cast<int64_t>(k)};
    }
    flat.chain_rules.push_back(chain);
  }
  flat.byte_sets = byte_sets_;
  flat.root = root;
  flat.answer_root = answer_root;
  flat.rule_starts.resize(n);
  flat.rule_names.reserve(n);
  using Element = FlatGrammar::Element;
  for (size_t r = 0; r < n; ++r) {
    flat.rule_names.push_back(rules_[r].name);
    for (const auto& alt : rules_[r].alternatives) {
      flat.rule_starts[r].push_back(static_cast<uint32_t>(flat.elements.size()));
      flat.rule_of_position.resize(flat.elements.size() + alt.size() + 1, static_cast<uint32_t>(r));
      for (const Symbol& s : alt) {
        flat.elements.push_back(
            {s.kind == Symbol::Kind::kBytes ? Element::Kind::kBytes : Element::Kind::kRule, s.id});
      }
      flat.elements.push_back({Element::Kind::kEnd, 0});
    }
  }
  return flat;
}

}  // namespace hirelm::grammar
