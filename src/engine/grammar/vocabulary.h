// The token vocabulary as the constraint engine sees it: each token's bytes in a flattened byte trie
// (depth-first order), built once per tokenizer and shared by every grammar compiled against it.
//
// Only ordinary tokens enter the trie: added tokens (special or not) are never allowed inside a
// constraint; EOS is handled separately (allowed exactly when the value is complete).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/grammar/token_mask.h"

namespace hirelm {
class Tokenizer;
}

namespace hirelm::grammar {

// Tokens of at most this many bytes are "short"; masks inside long bounded repetitions are shared across
// repetition counts above this horizon, and only the (few) longer tokens are checked one by one.
constexpr size_t kShortTokenBytes = 16;

class Vocabulary {
 public:
  struct TrieNode {
    uint32_t subtree_end;  // index one past this node's subtree
    int32_t token;         // a token whose bytes end here, or -1
    uint8_t byte;          // the edge byte into this node
    uint16_t depth;        // 1 for children of the root
  };

  // Built from the tokenizer's vocabulary; `</think>` (token or bytes) marks the end of reasoning.
  static std::shared_ptr<const Vocabulary> from_tokenizer(const Tokenizer& tokenizer);
  // tokens[id] = bytes; `added[id]` marks added tokens (never allowed in a constraint) and
  // `control[id]` the special (control) ones (also refused during reasoning). Empty bytes = no token.
  // Every single byte must be the bytes of some ordinary token, or dead ends would be possible:
  // throws InvalidInputError otherwise.
  static std::shared_ptr<const Vocabulary> from_tokens(std::vector<std::string> tokens, std::vector<bool> added,
                                                       std::vector<bool> control, std::optional<int32_t> eos,
                                                       std::optional<int32_t> think_end);

  int32_t size() const { return static_cast<int32_t>(tokens_.size()); }
  std::string_view token_bytes(int32_t id) const { return tokens_[static_cast<size_t>(id)]; }
  bool is_added(int32_t id) const { return added_[static_cast<size_t>(id)]; }
  std::optional<int32_t> eos_id() const { return eos_; }
  std::optional<int32_t> think_end_id() const { return think_end_; }
  const std::vector<TrieNode>& trie() const { return trie_; }
  // Tokens allowed while reasoning: everything except EOS and special (control) tokens.
  const TokenMask& reasoning_mask() const { return reasoning_mask_; }
  // Tokens in the reasoning mask whose bytes contain '>' (those that may complete "</think>").
  const std::vector<int32_t>& tag_closers() const { return tag_closers_; }
  size_t max_token_length() const { return max_token_length_; }
  // Ordinary tokens (in the trie) longer than kShortTokenBytes.
  const std::vector<int32_t>& long_tokens() const { return long_tokens_; }
  // (canonical, other) pairs of ordinary tokens with identical bytes: `other` is allowed iff `canonical` is.
  const std::vector<std::pair<int32_t, int32_t>>& duplicates() const { return duplicates_; }

 private:
  Vocabulary() = default;
  std::vector<std::string> tokens_;
  std::vector<bool> added_;
  std::optional<int32_t> eos_;
  std::optional<int32_t> think_end_;
  std::vector<TrieNode> trie_;
  TokenMask reasoning_mask_;
  std::vector<int32_t> tag_closers_;
  std::vector<std::pair<int32_t, int32_t>> duplicates_;
  size_t max_token_length_ = 0;
  std::vector<int32_t> long_tokens_;
};

}  // namespace hirelm::grammar
