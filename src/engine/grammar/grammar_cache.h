// Compiled grammars of one vocabulary, keyed by constraint text, so that requests repeating a schema (the
// screening step sends the same resume schema for every resume) compile it once and share one automaton
// and mask cache. The Vocabulary (byte trie) is built on first use, about 0.3 s for DeepSeek-R1.
//
// Thread safety: all methods may be called concurrently. Compilation runs outside the lock; two threads
// compiling the same new key both compile, and the first to finish is kept.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/grammar/grammar.h"

namespace hirelm {
class Tokenizer;
}

namespace hirelm::grammar {

enum class ConstraintForm { kJsonSchema, kJsonObject, kRegex, kChoice, kGbnf };

class GrammarCache {
 public:
  // The tokenizer must outlive the cache. At most `capacity` grammars are kept (the oldest goes first):
  // each holds its automaton and up to ~19 MB of cached masks.
  explicit GrammarCache(const Tokenizer& tokenizer, size_t capacity = 16);

  // The vocabulary, built on the first call.
  std::shared_ptr<const Vocabulary> vocabulary() const;

  // The compiled grammar for `form`: `text` is the schema (JSON text), regex or GBNF text (unused for
  // kJsonObject and kChoice); `choices` is used by kChoice only. Compile errors propagate
  // (UnsupportedError / InvalidInputError) and are not cached.
  std::shared_ptr<const Grammar> get(ConstraintForm form, std::string_view text,
                                     const std::vector<std::string>& choices = {}) const;

  size_t size() const;

 private:
  const Tokenizer* tokenizer_;
  size_t capacity_;
  mutable std::once_flag vocabulary_once_;
  mutable std::shared_ptr<const Vocabulary> vocabulary_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, std::shared_ptr<const Grammar>> grammars_;
  mutable std::deque<std::string> order_;  // keys, oldest first
};

}  // namespace hirelm::grammar
