// Building blocks of JSON grammars, shared by the JSON-schema compiler and json_object: bounded
// whitespace, string characters, bounded strings, numbers with digit-wise integer bounds, any JSON value,
// and the string formats date and email. Rules are created on first use and reused.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include "engine/grammar/grammar_builder.h"

namespace hirelm::grammar {

// Whitespace between JSON tokens: nothing, one space, or one newline followed by at most this many
// spaces, so a model cannot stall in endless whitespace.
constexpr int kMaxIndentSpaces = 16;
// Integer parts have at most this many digits (so every value fits an int64 and a double exactly enough).
constexpr int kMaxIntegerDigits = 16;
constexpr int kMaxFractionDigits = 15;

struct NumberBounds {
  std::optional<double> minimum, maximum;
  bool exclusive_minimum = false, exclusive_maximum = false;
};

class JsonRules {
 public:
  explicit JsonRules(GrammarBuilder& b) : b_(b) {}

  Symbol ws();
  // ws "," ws
  Sequence comma();
  // One character inside a JSON string: an unescaped scalar value other than '"', '\' and controls, or
  // an escape (\uXXXX restricted to non-surrogates, so every output is valid UTF-8 once decoded).
  Symbol string_char();
  // A JSON string of min..max characters (max < 0: unbounded; a \u escape counts as one character).
  Symbol string(int64_t min, int64_t max);
  // Integers in [lo, hi] (either side open), written without leading zeros, digit-wise exact.
  Symbol integer(std::optional<int64_t> lo, std::optional<int64_t> hi);
  // Numbers within the bounds; see docs/grammar.md for what is generated (a subset when bounds are set).
  Symbol number(const NumberBounds& bounds, const std::string& where);
  Symbol any_value();
  Symbol any_object();
  // YYYY-MM-DD with real month lengths and leap years (what ajv-formats "date" accepts), quoted.
  Symbol date();
  // The ajv-formats "email" (full) syntax, quoted.
  Symbol email();
  // A JSON value written literally (compact serialisation).
  Sequence literal_value(const std::string& json_text) { return b_.literal(json_text); }

 private:
  Sequence digits_range(uint64_t lo, std::optional<uint64_t> hi);
  std::vector<Sequence> same_length(const std::string& lo, const std::string& hi);
  Symbol digit();

  GrammarBuilder& b_;
  std::optional<Symbol> ws_, string_char_, any_value_, any_object_, date_, email_, digit_;
  std::map<std::pair<int64_t, int64_t>, Symbol> strings_;
};

}  // namespace hirelm::grammar
