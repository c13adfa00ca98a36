#include "engine/grammar/grammar.h"

#include "util/check.h"
#include "util/error.h"

namespace hirelm::grammar {
namespace {
// 1024 masks of the 151,665-token vocabulary are about 19 MB.
constexpr size_t kMaxCachedMasks = 1024;
}  // namespace

Grammar::Grammar(FlatGrammar flat, std::shared_ptr<const Vocabulary> vocabulary)
    : vocabulary_(std::move(vocabulary)),
      automaton_(std::make_shared<const FlatGrammar>(std::move(flat))) {
  HIRELM_CHECK(vocabulary_ != nullptr);
  walk_states_.resize(vocabulary_->max_token_length() + 1);
  automaton_.set_chain_horizon(static_cast<int64_t>(kShortTokenBytes));
}

std::shared_ptr<const Grammar> Grammar::from_json_schema(const nlohmann::ordered_json& schema,
                                                         std::shared_ptr<const Vocabulary> vocabulary) {
  return std::make_shared<const Grammar>(compile_json_schema(schema), std::move(vocabulary));
}
std::shared_ptr<const Grammar> Grammar::from_json_schema_text(std::string_view schema_text,
                                                              std::shared_ptr<const Vocabulary> vocabulary) {
  nlohmann::ordered_json schema;
  try {
    schema = nlohmann::ordered_json::parse(schema_text);
  } catch (const nlohmann::ordered_json::exception& e) {
    throw InvalidInputError(std::string("json schema: not valid JSON: ") + e.what());
  }
  return from_json_schema(schema, std::move(vocabulary));
}
std::shared_ptr<const Grammar> Grammar::from_json_object(std::shared_ptr<const Vocabulary> vocabulary) {
  return std::make_shared<const Grammar>(compile_json_object(), std::move(vocabulary));
}
std::shared_ptr<const Grammar> Grammar::from_regex(std::string_view pattern,
                                                   std::shared_ptr<const Vocabulary> vocabulary) {
  return std::make_shared<const Grammar>(compile_regex(pattern), std::move(vocabulary));
}
std::shared_ptr<const Grammar> Grammar::from_choice(const std::vector<std::string>& choices,
                                                    std::shared_ptr<const Vocabulary> vocabulary) {
  return std::make_shared<const Grammar>(compile_choice(choices), std::move(vocabulary));
}
std::shared_ptr<const Grammar> Grammar::from_gbnf(std::string_view text,
                                                  std::shared_ptr<const Vocabulary> vocabulary) {
  return std::make_shared<const Grammar>(compile_gbnf(text), std::move(vocabulary));
}

int32_t Grammar::start_state(bool answer) const {
  std::lock_guard lock(mutex_);
  return automaton_.start_state(answer);
}

int32_t Grammar::advance(int32_t state, std::string_view bytes) const {
  std::lock_guard lock(mutex_);
  for (char c : bytes) {
    state = automaton_.next(state, static_cast<uint8_t>(c));
    if (state == Automaton::kDead) break;
  }
  return state;
}

bool Grammar::accepting(int32_t state) const {
  std::lock_guard lock(mutex_);
  return automaton_.accepting(state);
}

bool Grammar::can_continue(int32_t state) const {
  std::lock_guard lock(mutex_);
  return automaton_.can_continue(state);
}

size_t Grammar::automaton_states() const {
  std::lock_guard lock(mutex_);
  return automaton_.state_count();
}

void Grammar::fill_mask(int32_t state, TokenMask& mask) const {
  if (mask.size() != vocabulary_->size()) mask.resize(vocabulary_->size());
  std::lock_guard lock(mutex_);
  // Deep inside a long bounded repetition (a length-bounded string, a long array) the mask of short tokens
  // is that of the canonical state, shared by every repetition count; long tokens are checked one by one.
  const int32_t canonical = automaton_.canonical_state(state);
  auto it = mask_cache_.find(canonical);
  if (it != mask_cache_.end()) {
    mask.words() = it->second;
  } else {
    walk_trie(canonical, mask);
    if (mask_cache_.size() >= kMaxCachedMasks) mask_cache_.clear();
    mask_cache_.emplace(canonical, mask.words());
  }
  if (canonical == state) return;
  for (int32_t id : vocabulary_->long_tokens()) {
    int32_t s = state;
    for (char c : vocabulary_->token_bytes(id)) {
      s = automaton_.next(s, static_cast<uint8_t>(c));
      if (s == Automaton::kDead) break;
    }
    if (s == Automaton::kDead) {
      mask.reset(id);
    } else {
      mask.set(id);
    }
  }
  for (const auto& [first, other] : vocabulary_->duplicates()) {
    if (mask.test(first)) {
      mask.set(other);
    } else {
      mask.reset(other);
    }
  }
}

void Grammar::walk_trie(int32_t state, TokenMask& mask) const {
  mask.clear();
  const auto& trie = vocabulary_->trie();
  int32_t* states = walk_states_.data();
  states[0] = state;
  // Depth-first over the trie; a dead transition skips the whole subtree (no token under it can fit).
  const size_t n = trie.size();
  size_t i = 0;
  while (i < n) {
    const Vocabulary::TrieNode& node = trie[i];
    int32_t next = automaton_.next(states[node.depth - 1], node.byte);
    if (next == Automaton::kDead) {
      i = node.subtree_end;
      continue;
    }
    states[node.depth] = next;
    if (node.token >= 0) mask.set(node.token);
    ++i;
  }
  for (const auto& [canonical, other] : vocabulary_->duplicates()) {
    if (mask.test(canonical)) mask.set(other);
  }
  if (automaton_.accepting(state) && vocabulary_->eos_id()) mask.set(*vocabulary_->eos_id());
}

}  // namespace hirelm::grammar
