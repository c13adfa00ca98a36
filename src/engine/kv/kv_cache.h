// The paged key/value cache: one pool of fixed-size blocks shared by every sequence, and one block
// table per sequence mapping its logical positions onto pool blocks (position p lives in block
// table[p / block_size], slot p % block_size). Block tables are the interface the scheduler and the
// prefix cache build on; attention reads K/V only through them (see paged_attention.h).
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

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
};

// Blocks needed to hold `n_tokens` tokens of context for `n_sequences` sequences.
int64_t kv_blocks_for(int64_t n_tokens, int64_t n_sequences, int64_t block_size);

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

  int64_t n_free_blocks() const { return static_cast<int64_t>(free_blocks_.size()); }
  bool has_sequence(int32_t seq_id) const { return sequences_.count(seq_id) > 0; }
  // Tokens cached for the sequence (0 for an unknown sequence).
  int64_t length(int32_t seq_id) const;
  // The sequence's block table: pool block index for each group of block_size positions.
  const std::vector<int32_t>& block_table(int32_t seq_id) const;

  // Makes positions [0, n_tokens) of the sequence addressable, allocating blocks as needed, and sets
  // its length to n_tokens (a shorter n_tokens truncates and frees whole unused blocks). Creates the
  // sequence if new. Throws UnsupportedError when the pool has too few free blocks (nothing changes).
  void resize(int32_t seq_id, int64_t n_tokens);
  // Drops the sequence and returns its blocks to the pool.
  void remove(int32_t seq_id);
  void clear();

  // Stores one token's keys and values ([n_heads_kv * head_dim] f32 each) at `pos` of the sequence.
  // pos must be < length(seq_id).
  void write(int64_t layer, int32_t seq_id, int64_t pos, const float* k, const float* v);

  // The cached rows of one pool block: [block_size, n_heads_kv * head_dim] in the cache's KvType.
  const void* k_block(int64_t layer, int32_t block) const;
  const void* v_block(int64_t layer, int32_t block) const;

 private:
  uint8_t* slot(const std::vector<uint8_t>& pool, int64_t layer, int32_t block, int64_t offset) const;

  KvCacheOptions options_;
  std::vector<uint8_t> k_pool_;  // [n_layers, n_blocks, block_size, row_elements]
  std::vector<uint8_t> v_pool_;  // same layout
  std::vector<int32_t> free_blocks_;
  struct Sequence {
    int64_t length = 0;
    std::vector<int32_t> blocks;
  };
  std::map<int32_t, Sequence> sequences_;
};

}  // namespace hirelm::kv
