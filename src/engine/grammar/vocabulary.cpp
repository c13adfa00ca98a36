#include "engine/grammar/vocabulary.h"

#include <algorithm>
#include <numeric>

#include "engine/tokenizer/tokenizer.h"
#include "util/error.h"

namespace hirelm::grammar {

std::shared_ptr<const Vocabulary> Vocabulary::from_tokenizer(const Tokenizer& tokenizer) {
  const int32_t n = tokenizer.vocab_size();
  std::vector<std::string> tokens(static_cast<size_t>(n));
  std::vector<bool> added(static_cast<size_t>(n)), control(static_cast<size_t>(n));
  for (int32_t id = 0; id < n; ++id) {
    tokens[static_cast<size_t>(id)] = std::string(tokenizer.token_bytes(id));
    added[static_cast<size_t>(id)] = tokenizer.is_added(id);
    control[static_cast<size_t>(id)] = tokenizer.is_special(id);
  }
  return from_tokens(std::move(tokens), std::move(added), std::move(control), tokenizer.eos_id(),
                     tokenizer.token_id("</think>"));
}

std::shared_ptr<const Vocabulary> Vocabulary::from_tokens(std::vector<std::string> tokens, std::vector<bool> added,
                                                          std::vector<bool> control, std::optional<int32_t> eos,
                                                          std::optional<int32_t> think_end) {
  if (added.size() != tokens.size() || control.size() != tokens.size()) {
    throw InvalidInputError("grammar vocabulary: " + std::to_string(tokens.size()) + " tokens but " +
                            std::to_string(added.size()) + " added flags and " + std::to_string(control.size()) +
                            " control flags");
  }
  std::shared_ptr<Vocabulary> v(new Vocabulary());
  v->tokens_ = std::move(tokens);
  v->added_ = std::move(added);
  v->eos_ = eos;
  v->think_end_ = think_end;
  const int32_t n = v->size();
  auto ordinary = [&](int32_t id) {
    return !v->added_[static_cast<size_t>(id)] && !v->tokens_[static_cast<size_t>(id)].empty() && id != eos;
  };

  std::vector<bool> single(256, false);
  std::vector<int32_t> ids;
  for (int32_t id = 0; id < n; ++id) {
    if (!ordinary(id)) continue;
    ids.push_back(id);
    const std::string& b = v->tokens_[static_cast<size_t>(id)];
    if (b.size() == 1) single[static_cast<uint8_t>(b[0])] = true;
    v->max_token_length_ = std::max(v->max_token_length_, b.size());
    if (b.size() > kShortTokenBytes) v->long_tokens_.push_back(id);
  }
  for (int b = 0; b < 256; ++b) {
    if (!single[static_cast<size_t>(b)]) {
      throw InvalidInputError("grammar vocabulary: no ordinary token for the single byte " + std::to_string(b) +
                              " (byte-level vocabularies have all 256)");
    }
  }
  if (v->max_token_length_ > 60000) throw UnsupportedError("grammar vocabulary: token longer than 60000 bytes");

  std::sort(ids.begin(), ids.end(), [&](int32_t a, int32_t b) {
    return v->tokens_[static_cast<size_t>(a)] < v->tokens_[static_cast<size_t>(b)];
  });
  // Depth-first trie from the sorted byte strings: each token shares its longest common prefix with the
  // previous one; nodes deeper than that prefix are closed before the new branch opens.
  std::vector<uint32_t> path;  // node index per depth - 1
  std::string_view prev;
  for (int32_t id : ids) {
    std::string_view b = v->tokens_[static_cast<size_t>(id)];
    size_t lcp = 0;
    while (lcp < b.size() && lcp < prev.size() && b[lcp] == prev[lcp]) ++lcp;
    if (lcp == b.size() && lcp == prev.size()) {
      v->duplicates_.emplace_back(v->trie_[path.back()].token, id);
      continue;
    }
    while (path.size() > lcp) {
      v->trie_[path.back()].subtree_end = static_cast<uint32_t>(v->trie_.size());
      path.pop_back();
    }
    for (size_t d = lcp; d < b.size(); ++d) {
      path.push_back(static_cast<uint32_t>(v->trie_.size()));
      v->trie_.push_back({0, -1, static_cast<uint8_t>(b[d]), static_cast<uint16_t>(d + 1)});
    }
    v->trie_[path.back()].token = id;
    prev = b;
  }
  while (!path.empty()) {
    v->trie_[path.back()].subtree_end = static_cast<uint32_t>(v->trie_.size());
    path.pop_back();
  }

  v->reasoning_mask_.resize(n);
  for (int32_t id = 0; id < n; ++id) {
    if (id == eos || control[static_cast<size_t>(id)] || v->tokens_[static_cast<size_t>(id)].empty()) continue;
    v->reasoning_mask_.set(id);
    if (v->tokens_[static_cast<size_t>(id)].find('>') != std::string::npos) v->tag_closers_.push_back(id);
  }
  return v;
}

}  // namespace hirelm::grammar
