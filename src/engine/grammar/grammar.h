// A compiled output constraint: JSON schema, any JSON object, regex, choice or GBNF grammar, bound to a
// vocabulary. Compiled once per (constraint, vocabulary) and shared by every sequence that uses it.
//
// Thread safety: all const methods may be called concurrently. The lazily built automaton and the
// per-state mask cache are guarded by one mutex, so concurrent sequences serialise on mask computation
// (a mask is one trie walk, or a copy when cached).
//
// Compile errors: UnsupportedError names an unsupported keyword / syntax and where it is;
// InvalidInputError reports malformed or unsatisfiable constraints. A Grammar that compiled has no dead
// ends: from every reachable state some ordinary token (or EOS, once complete) is allowed.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/grammar/automaton.h"
#include "engine/grammar/grammar_builder.h"
#include "engine/grammar/token_mask.h"
#include "engine/grammar/vocabulary.h"

namespace hirelm::grammar {

class Grammar {
 public:
  // See docs/grammar.md for the supported JSON-schema subset, regex and GBNF syntax.
  // Properties are generated in schema order, so the schema is an ordered_json (or text, parsed as one).
  static std::shared_ptr<const Grammar> from_json_schema(const nlohmann::ordered_json& schema,
                                                         std::shared_ptr<const Vocabulary> vocabulary);
  // Parses `schema_text` (InvalidInputError when it is not JSON), then as above.
  static std::shared_ptr<const Grammar> from_json_schema_text(std::string_view schema_text,
                                                              std::shared_ptr<const Vocabulary> vocabulary);
  // Any JSON object (response_format {"type": "json_object"}).
  static std::shared_ptr<const Grammar> from_json_object(std::shared_ptr<const Vocabulary> vocabulary);
  // The whole output must match `pattern` (anchors implied).
  static std::shared_ptr<const Grammar> from_regex(std::string_view pattern,
                                                   std::shared_ptr<const Vocabulary> vocabulary);
  // The output is exactly one of `choices` (non-empty strings, at least one).
  static std::shared_ptr<const Grammar> from_choice(const std::vector<std::string>& choices,
                                                    std::shared_ptr<const Vocabulary> vocabulary);
  // GBNF-like EBNF text; the start rule is `root` (or the first rule when there is no `root`).
  static std::shared_ptr<const Grammar> from_gbnf(std::string_view text, std::shared_ptr<const Vocabulary> vocabulary);

  Grammar(FlatGrammar flat, std::shared_ptr<const Vocabulary> vocabulary);

  const Vocabulary& vocabulary() const { return *vocabulary_; }

  // --- Automaton access for GrammarState (state ids are stable for the Grammar's lifetime). ---
  int32_t start_state(bool answer) const;
  // The state after `bytes`; Automaton::kDead if they break the constraint.
  int32_t advance(int32_t state, std::string_view bytes) const;
  bool accepting(int32_t state) const;
  bool can_continue(int32_t state) const;
  // Sets `mask` (resized to the vocabulary) to the tokens allowed in `state`: ordinary tokens all of
  // whose bytes keep the constraint satisfiable, plus EOS when the state is accepting.
  void fill_mask(int32_t state, TokenMask& mask) const;

  // Diagnostics for tests and benchmarks.
  size_t automaton_states() const;

 private:
  void walk_trie(int32_t state, TokenMask& mask) const;

  std::shared_ptr<const Vocabulary> vocabulary_;
  mutable std::mutex mutex_;
  mutable Automaton automaton_;
  // Masks of states seen before, as bitset words; cleared wholesale when it holds kMaxCachedMasks.
  mutable std::unordered_map<int32_t, std::vector<uint64_t>> mask_cache_;
  mutable std::vector<int32_t> walk_states_;
};

// The grammar compilers, exposed for tests and the fuzzer (no vocabulary needed).
FlatGrammar compile_json_schema(const nlohmann::ordered_json& schema);
FlatGrammar compile_json_object();
FlatGrammar compile_regex(std::string_view pattern);
FlatGrammar compile_choice(const std::vector<std::string>& choices);
FlatGrammar compile_gbnf(std::string_view text);

}  // namespace hirelm::grammar
