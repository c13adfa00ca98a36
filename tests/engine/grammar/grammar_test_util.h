// Helpers shared by the grammar tests: a small synthetic byte-level vocabulary (all 256 bytes plus JSON,
// Chinese and multi-byte pieces, EOS and added tokens), the real DeepSeek vocabulary, a byte matcher
// over a FlatGrammar, and a random "garbage model" generation loop.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/grammar/automaton.h"
#include "engine/grammar/grammar.h"
#include "engine/grammar/grammar_state.h"
#include "engine/grammar/vocabulary.h"

namespace hirelm::grammar::test {

// Token ids of the synthetic vocabulary's non-byte entries.
struct SmallVocab {
  std::shared_ptr<const Vocabulary> vocab;
  int32_t eos;
  int32_t think_start;  // added, not special
  int32_t think_end;    // added, not special
  int32_t control;      // added, special
};
const SmallVocab& small_vocab();

// The DeepSeek-R1 vocabulary (151,665 tokens) from the reference tokenizer; null if absent.
std::shared_ptr<const Vocabulary> deepseek_vocab();

// True if the grammar matches exactly `text` (byte-level, no tokens involved).
bool matches(const FlatGrammar& grammar, std::string_view text);

struct Generation {
  std::string text;       // the bytes of the accepted tokens (EOS excluded)
  bool complete = false;  // ended with EOS (or is_finished) rather than the token budget
  bool dead_end = false;  // an empty mask while incomplete (must never happen)
  int tokens = 0;
};

// Samples up to `max_tokens` tokens: random logits (a garbage model) masked by the constraint, then a draw
// from their softmax, or with probability `greedy_rate` the top-ranked allowed token. Every accepted token
// is checked against the mask (accept_token must agree).
Generation generate(GrammarState& state, std::mt19937_64& rng, int max_tokens, double greedy_rate = 0.2);

}  // namespace hirelm::grammar::test
