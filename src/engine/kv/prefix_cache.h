// The index of the automatic prefix cache: which pool blocks hold which full blocks of tokens, and which
// of those no sequence uses any more (evictable, least recently used first).
//
// A full block is identified by a chain hash: hash(parent block's hash, the block's block_size token ids),
// starting from kRootHash, so one hash names a whole prefix, not just the block's own tokens. The index
// also keeps each block's token ids and checks them on lookup, so a hash collision on the block's own
// tokens can never hand out wrong keys and values.
//
// PrefixCache knows nothing of refcounts or storage: KvCache (kv_cache.h) owns the blocks and tells the
// index when a block becomes idle (no sequence references it) or busy again.
#pragma once

#include <cstdint>
#include <list>
#include <span>
#include <unordered_map>
#include <vector>

namespace hirelm::kv {

class PrefixCache {
 public:
  static constexpr uint64_t kRootHash = 0x9e3779b97f4a7c15ULL;
  // The chain hash of a block holding `tokens` whose predecessor's chain hash is `parent`.
  static uint64_t block_hash(uint64_t parent, std::span<const int32_t> tokens);

  // n_blocks: pool size (block ids are in [0, n_blocks)); block_size: tokens per block.
  PrefixCache(int64_t n_blocks, int64_t block_size);

  // The block registered under `hash` holding exactly `tokens`, or -1.
  int32_t find(uint64_t hash, std::span<const int32_t> tokens) const;
  bool contains(int32_t block) const { return entries_[static_cast<size_t>(block)].indexed; }
  // The length of the longest common start of `tokens` (at most block_size ids) and the token ids of an
  // indexed block whose predecessor's chain hash is `parent`, with that block in *block; 0 when no block
  // continues `parent`. This is how a prompt that diverges inside a block still reuses the keys and values
  // of the block's first tokens (KvCache::attach_prefix copies them).
  int64_t longest_continuation(uint64_t parent, std::span<const int32_t> tokens, int32_t* block) const;
  // Registers `block` as holding `tokens` (block_size ids) under `hash`, the chain hash of `tokens` after
  // `parent`. Returns false and changes nothing when `hash` is already registered (another block holds the
  // same prefix) or the block already is.
  bool insert(int32_t block, uint64_t parent, uint64_t hash, std::span<const int32_t> tokens);
  // Forgets `block` (it must not be idle).
  void erase(int32_t block);

  // Idle = registered and unreferenced: evictable, kept in least-recently-released order.
  void make_idle(int32_t block);  // the block becomes the most recently used idle block
  void make_busy(int32_t block);  // a sequence references the block again
  bool idle(int32_t block) const { return entries_[static_cast<size_t>(block)].idle; }
  int64_t n_idle() const { return static_cast<int64_t>(lru_.size()); }
  int64_t n_indexed() const { return static_cast<int64_t>(by_hash_.size()); }
  // Removes the least recently used idle block from the index and returns it (the caller reuses it);
  // -1 when no block is idle.
  int32_t evict();

 private:
  struct Entry {
    bool indexed = false;
    bool idle = false;
    uint64_t hash = 0;
    uint64_t parent = 0;
    std::list<int32_t>::iterator lru_pos;
  };
  int64_t block_size_;
  std::vector<Entry> entries_;          // [n_blocks]
  std::vector<int32_t> tokens_;         // [n_blocks, block_size]: the token ids of each indexed block
  std::unordered_map<uint64_t, int32_t> by_hash_;
  std::unordered_multimap<uint64_t, int32_t> by_parent_;  // the indexed blocks that continue each chain
  std::list<int32_t> lru_;              // idle blocks, least recently used first
};

}  // namespace hirelm::kv
