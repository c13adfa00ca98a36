// The paged key/value cache: one pool of fixed-size blocks shared by every sequence, and one block
// table per sequence mapping its logical positions onto pool blocks (position p lives in block
// table[p / block_size], slot p % block_size). Block tables are the interface the scheduler and the
// prefix cache build on; attention reads K/V only through them (see paged_attention.h).
//
// Blocks are reference counted so sequences can share them. With prefix caching on (KvCacheOptions::
// prefix_caching), every full block a sequence has computed can be published into a PrefixCache index
// (prefix_cache.h); a later sequence whose tokens start the same way attaches those blocks instead of
// recomputing them. A published block nobody references stays cached (idle) and is evicted, least
// recently used first, only when the free list is empty. Shared and published blocks are never written:
// write() checks it, and attach_prefix() leaves at least one token of every sequence to compute.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "engine/kv/prefix_cache.h"

namespace hirelm::kv {

// Storage precision of cached keys and values. f16 halves the memory; f32 is exact.
enum class KvType { kF16, kF32 };

std::string_view kv_type_name(KvType type);  // "f16" / "f32" (llama-bench's type_k spelling)
KvType parse_kv_type(std::string_view name);  // throws InvalidInputError on anything else

struct KvCacheOptions {
  int64_t n_layers = 0;
  int64_t n_heads_kv = 0;
  int64_t head_dim = 0;
  int64_t block_size = 16;  // tokens per block
  int64_t n_blocks = 0;     // blocks in the pool (capacity = n_blocks * block_size tokens, all sequences)
  KvType type = KvType::kF16;
  bool prefix_caching = false;  // index full blocks for reuse across sequences (see attach_prefix)
};

// Prefix-cache counters since construction, in tokens (as vLLM's prefix_cache_queries/hits).
struct PrefixCacheCounters {
  int64_t queries = 0;  // tokens looked up by attach_prefix
  int64_t hits = 0;     // of those, tokens whose blocks were attached from the cache
};

// Blocks needed to hold `n_tokens` tokens of context for `n_sequences` sequences.
int64_t kv_blocks_for(int64_t n_tokens, int64_t n_sequences, int64_t block_size);
// Bytes one block takes in the pool (keys and values of all layers), for sizing a pool by memory.
size_t kv_block_bytes(const KvCacheOptions& options);

class KvCache {
 public:
  explicit KvCache(const KvCacheOptions& options);

  const KvCacheOptions& options() const { return options_; }
  int64_t block_size() const { return options_.block_size; }
  // Elements of one cached row: all KV heads of one token, [n_heads_kv * head_dim].
  int64_t row_elements() const { return options_.n_heads_kv * options_.head_dim; }
  size_t row_bytes() const;
  // Bytes the pool holds (keys and values of every layer).
  size_t pool_bytes() const;

  // Blocks a sequence can get now: the free list plus idle cached blocks (evicted on demand).
  int64_t n_free_blocks() const;
  // Blocks referenced by at least one sequence.
  int64_t n_used_blocks() const;
  // Idle blocks the prefix cache still holds (a subset of n_free_blocks()).
  int64_t n_cached_blocks() const { return prefix_ ? prefix_->n_idle() : 0; }
  // n_used_blocks() / n_blocks, in [0, 1].
  double usage() const;
  // Sequences referencing the block (0 for a free or idle cached block).
  int32_t block_refs(int32_t block) const { return refs_[static_cast<size_t>(block)]; }
  bool prefix_caching() const { return prefix_ != nullptr; }
  const PrefixCacheCounters& prefix_counters() const { return counters_; }
  bool has_sequence(int32_t seq_id) const { return sequences_.count(seq_id) > 0; }
  // Tokens cached for the sequence (0 for an unknown sequence).
  int64_t length(int32_t seq_id) const;
  // The sequence's block table: pool block index for each group of block_size positions.
  const std::vector<int32_t>& block_table(int32_t seq_id) const;

  // Makes positions [0, n_tokens) of the sequence addressable, allocating blocks as needed, and sets
  // its length to n_tokens (a shorter n_tokens truncates and frees whole unused blocks). Creates the
  // sequence if new. Throws UnsupportedError when the pool has too few free blocks (nothing changes).
  void resize(int32_t seq_id, int64_t n_tokens);
  // Drops the sequence and releases its blocks (a published block stays cached until evicted).
  void remove(int32_t seq_id);
  // Drops every sequence (cached blocks stay cached).
  void clear();

  // Prefix caching (no-ops returning 0 when it is off).
  //
  // Tokens of the longest chain of cached full blocks that `tokens` starts with, at most max_tokens
  // (rounded down to whole blocks). Touches nothing.
  int64_t cached_prefix(std::span<const int32_t> tokens, int64_t max_tokens) const;
  // Creates sequence `seq_id` (which must not exist) holding the cached blocks of the longest cached
  // prefix of `tokens`, at most max_tokens long, and returns its length (the attached blocks gain a
  // reference). Where the prompt goes on to diverge inside a cached block that continues that prefix (a
  // shared job description that ends mid-block), the block's matching first tokens are copied into a fresh
  // block of the sequence's own, so the length is token-exact rather than a multiple of block_size; the
  // copy is private and becomes publishable once the sequence fills it. Counts tokens.size() queried and
  // the result as hits. Callers pass max_tokens <= tokens.size() - 1 so the last token is always computed
  // (its logits are needed).
  int64_t attach_prefix(int32_t seq_id, std::span<const int32_t> tokens, int64_t max_tokens);
  // Publishes the sequence's full blocks within its first min(tokens.size(), length) positions that are
  // not yet published. `tokens` are the ids at positions 0, 1, ... whose keys and values the sequence
  // holds. A block whose prefix another block already holds stays private to the sequence.
  void publish(int32_t seq_id, std::span<const int32_t> tokens);

  // Stores one token's keys and values ([n_heads_kv * head_dim] f32 each) at `pos` of the sequence.
  // pos must be < length(seq_id).
  void write(int64_t layer, int32_t seq_id, int64_t pos, const float* k, const float* v);

  // The cached rows of one pool block: [block_size, n_heads_kv * head_dim] in the cache's KvType.
  const void* k_block(int64_t layer, int32_t block) const;
  const void* v_block(int64_t layer, int32_t block) const;

 private:
  // Zeroed pool memory that the kernel maps lazily: calloc of a large size takes fresh pages without
  // writing them, so a pool sized for many contexts costs RAM only as blocks are first used.
  struct FreeDeleter {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  using Pool = std::unique_ptr<uint8_t[], FreeDeleter>;
  static Pool allocate_pool(size_t bytes);

  uint8_t* slot(const Pool& pool, int64_t layer, int32_t block, int64_t offset) const;
  // A block for exclusive use (refcount 1): from the free list, else the least recently used idle
  // cached block. The caller has checked n_free_blocks().
  int32_t take_block();
  // Drops one reference; an unreferenced block becomes idle (if published) or free.
  void release_block(int32_t block);
  struct Sequence;
  // attach_prefix's last step: the keys and values of the longest start of `tokens` past seq.length that a
  // cached block continuing seq's chain holds, copied into a new block of seq (nothing without a free block).
  void copy_partial_block(Sequence& seq, std::span<const int32_t> tokens);

  KvCacheOptions options_;
  Pool k_pool_;  // [n_layers, n_blocks, block_size, row_elements]
  Pool v_pool_;  // same layout
  std::vector<int32_t> free_blocks_;
  std::vector<int32_t> refs_;    // [n_blocks] sequences referencing each block
  std::unique_ptr<PrefixCache> prefix_;  // null when prefix caching is off
  PrefixCacheCounters counters_;
  struct Sequence {
    int64_t length = 0;
    std::vector<int32_t> blocks;
    std::vector<uint64_t> hashes;  // chain hashes of blocks[0, hashes.size()), published or attached
  };
  std::map<int32_t, Sequence> sequences_;
};

}  // namespace hirelm::kv
