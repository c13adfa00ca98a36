#include "engine/kv/kv_cache.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "engine/kernels/quantize.h"
#include "util/check.h"
#include "util/error.h"

namespace hirelm::kv {

std::string_view kv_type_name(KvType type) { return type == KvType::kF16 ? "f16" : "f32"; }

KvType parse_kv_type(std::string_view name) {
  if (name == "f16") return KvType::kF16;
  if (name == "f32") return KvType::kF32;
  throw InvalidInputError("KV cache type: expected f16 or f32, got '" + std::string(name) + "'");
}

int64_t kv_blocks_for(int64_t n_tokens, int64_t n_sequences, int64_t block_size) {
  return n_sequences * ((n_tokens + block_size - 1) / block_size);
}

namespace {
size_t element_bytes(KvType type) { return type == KvType::kF16 ? 2 : 4; }
}  // namespace

size_t kv_block_bytes(const KvCacheOptions& options) {
  return 2 * static_cast<size_t>(options.n_layers * options.block_size * options.n_heads_kv * options.head_dim) *
         element_bytes(options.type);
}

KvCache::KvCache(const KvCacheOptions& options) : options_(options) {
  HIRELM_CHECK(options.n_layers > 0 && options.n_heads_kv > 0 && options.head_dim > 0);
  HIRELM_CHECK(options.block_size > 0 && options.n_blocks > 0);
  const size_t bytes = pool_bytes() / 2;
  k_pool_ = allocate_pool(bytes);
  v_pool_ = allocate_pool(bytes);
  free_blocks_.reserve(static_cast<size_t>(options.n_blocks));
  // Handed out lowest index first: pop_back() takes the last element.
  for (int64_t b = options.n_blocks - 1; b >= 0; --b) free_blocks_.push_back(static_cast<int32_t>(b));
  refs_.assign(static_cast<size_t>(options.n_blocks), 0);
  if (options.prefix_caching) prefix_ = std::make_unique<PrefixCache>(options.n_blocks, options.block_size);
}

int64_t KvCache::n_free_blocks() const { return static_cast<int64_t>(free_blocks_.size()) + n_cached_blocks(); }

int64_t KvCache::n_used_blocks() const { return options_.n_blocks - n_free_blocks(); }

double KvCache::usage() const {
  return static_cast<double>(n_used_blocks()) / static_cast<double>(options_.n_blocks);
}

int32_t KvCache::take_block() {
  int32_t block = -1;
  if (!free_blocks_.empty()) {
    block = free_blocks_.back();
    free_blocks_.pop_back();
  } else if (prefix_) {
    block = prefix_->evict();
  }
  HIRELM_CHECK(block >= 0 && refs_[static_cast<size_t>(block)] == 0);
  refs_[static_cast<size_t>(block)] = 1;
  return block;
}

void KvCache::release_block(int32_t block) {
  int32_t& refs = refs_[static_cast<size_t>(block)];
  HIRELM_CHECK(refs > 0);
  if (--refs > 0) return;
  if (prefix_ && prefix_->contains(block)) {
    prefix_->make_idle(block);
  } else {
    free_blocks_.push_back(block);
  }
}

size_t KvCache::row_bytes() const {
  return static_cast<size_t>(row_elements()) * element_bytes(options_.type);
}

size_t KvCache::pool_bytes() const {
  return static_cast<size_t>(options_.n_blocks) * kv_block_bytes(options_);
}

int64_t KvCache::length(int32_t seq_id) const {
  auto it = sequences_.find(seq_id);
  return it == sequences_.end() ? 0 : it->second.length;
}

const std::vector<int32_t>& KvCache::block_table(int32_t seq_id) const {
  static const std::vector<int32_t> kEmpty;
  auto it = sequences_.find(seq_id);
  return it == sequences_.end() ? kEmpty : it->second.blocks;
}

void KvCache::resize(int32_t seq_id, int64_t n_tokens) {
  HIRELM_CHECK(n_tokens >= 0);
  auto& seq = sequences_[seq_id];
  const int64_t bs = options_.block_size;
  auto need = static_cast<size_t>((n_tokens + bs - 1) / bs);
  if (need > seq.blocks.size()) {
    auto extra = static_cast<int64_t>(need - seq.blocks.size());
    if (extra > n_free_blocks()) {
      if (seq.blocks.empty() && seq.length == 0) sequences_.erase(seq_id);
      throw UnsupportedError("KV cache full: sequence " + std::to_string(seq_id) + " needs " +
                             std::to_string(extra) + " more blocks of " + std::to_string(bs) + " tokens, " +
                             std::to_string(n_free_blocks()) + " free");
    }
    for (int64_t i = 0; i < extra; ++i) seq.blocks.push_back(take_block());
  }
  while (seq.blocks.size() > need) {
    release_block(seq.blocks.back());
    seq.blocks.pop_back();
  }
  // Positions from n_tokens on will be written again, so the block holding position n_tokens (if kept)
  // stops being a finished block. Only a block this sequence alone holds may be reopened.
  const auto finished = static_cast<size_t>(n_tokens / bs);
  if (seq.hashes.size() > finished) {
    seq.hashes.resize(finished);
    if (finished < seq.blocks.size()) {
      const int32_t block = seq.blocks[finished];
      HIRELM_CHECK(refs_[static_cast<size_t>(block)] == 1);
      if (prefix_) prefix_->erase(block);
    }
  }
  seq.length = n_tokens;
}

void KvCache::remove(int32_t seq_id) {
  auto it = sequences_.find(seq_id);
  if (it == sequences_.end()) return;
  // Last block first: in the prefix cache's LRU order a prefix's tail is then evicted before its head.
  for (auto b = it->second.blocks.rbegin(); b != it->second.blocks.rend(); ++b) release_block(*b);
  sequences_.erase(it);
}

int64_t KvCache::cached_prefix(std::span<const int32_t> tokens, int64_t max_tokens) const {
  if (!prefix_) return 0;
  const int64_t bs = options_.block_size;
  const int64_t n_blocks = std::min<int64_t>(max_tokens, static_cast<int64_t>(tokens.size())) / bs;
  uint64_t hash = PrefixCache::kRootHash;
  int64_t found = 0;
  for (; found < n_blocks; ++found) {
    auto block_tokens = tokens.subspan(static_cast<size_t>(found * bs), static_cast<size_t>(bs));
    hash = PrefixCache::block_hash(hash, block_tokens);
    if (prefix_->find(hash, block_tokens) < 0) break;
  }
  return found * bs;
}

int64_t KvCache::attach_prefix(int32_t seq_id, std::span<const int32_t> tokens, int64_t max_tokens) {
  HIRELM_CHECK(!has_sequence(seq_id));
  if (!prefix_) return 0;
  const int64_t bs = options_.block_size;
  const auto limit = static_cast<size_t>(std::min<int64_t>(max_tokens, static_cast<int64_t>(tokens.size())));
  const auto n_blocks = static_cast<int64_t>(limit) / bs;
  Sequence seq;
  uint64_t hash = PrefixCache::kRootHash;
  for (int64_t i = 0; i < n_blocks; ++i) {
    auto block_tokens = tokens.subspan(static_cast<size_t>(i * bs), static_cast<size_t>(bs));
    hash = PrefixCache::block_hash(hash, block_tokens);
    const int32_t block = prefix_->find(hash, block_tokens);
    if (block < 0) break;
    if (refs_[static_cast<size_t>(block)]++ == 0) prefix_->make_busy(block);
    seq.blocks.push_back(block);
    seq.hashes.push_back(hash);
  }
  seq.length = static_cast<int64_t>(seq.blocks.size()) * bs;
  copy_partial_block(seq, tokens.first(limit));
  counters_.queries += static_cast<int64_t>(tokens.size());
  counters_.hits += seq.length;
  const int64_t length = seq.length;
  sequences_.emplace(seq_id, std::move(seq));
  return length;
}

void KvCache::copy_partial_block(Sequence& seq, std::span<const int32_t> tokens) {
  const uint64_t parent = seq.hashes.empty() ? PrefixCache::kRootHash : seq.hashes.back();
  int32_t source = -1;
  const int64_t n = prefix_->longest_continuation(parent, tokens.subspan(static_cast<size_t>(seq.length)), &source);
  if (n == 0) return;
  // Held while a block is taken, so that the source is not the idle block take_block evicts.
  if (refs_[static_cast<size_t>(source)]++ == 0) prefix_->make_busy(source);
  if (n_free_blocks() == 0) {
    release_block(source);
    return;
  }
  const int32_t copy = take_block();
  const size_t bytes = static_cast<size_t>(n) * row_bytes();
  for (int64_t layer = 0; layer < options_.n_layers; ++layer) {
    std::memcpy(slot(k_pool_, layer, copy, 0), slot(k_pool_, layer, source, 0), bytes);
    std::memcpy(slot(v_pool_, layer, copy, 0), slot(v_pool_, layer, source, 0), bytes);
  }
  release_block(source);
  seq.blocks.push_back(copy);
  seq.length += n;
}

void KvCache::publish(int32_t seq_id, std::span<const int32_t> tokens) {
  auto it = sequences_.find(seq_id);
  if (!prefix_ || it == sequences_.end()) return;
  Sequence& seq = it->second;
  const int64_t bs = options_.block_size;
  const int64_t n_full = std::min<int64_t>(static_cast<int64_t>(tokens.size()), seq.length) / bs;
  for (auto i = static_cast<int64_t>(seq.hashes.size()); i < n_full; ++i) {
    auto block_tokens = tokens.subspan(static_cast<size_t>(i * bs), static_cast<size_t>(bs));
    const uint64_t parent = i == 0 ? PrefixCache::kRootHash : seq.hashes.back();
    const uint64_t hash = PrefixCache::block_hash(parent, block_tokens);
    prefix_->insert(seq.blocks[static_cast<size_t>(i)], parent, hash, block_tokens);  // false: a duplicate stays private
    seq.hashes.push_back(hash);
  }
}

void KvCache::clear() {
  while (!sequences_.empty()) remove(sequences_.begin()->first);
}

KvCache::Pool KvCache::allocate_pool(size_t bytes) {
  Pool pool(static_cast<uint8_t*>(std::calloc(bytes, 1)));
  if (!pool) throw UnsupportedError("KV cache: cannot allocate " + std::to_string(bytes >> 20) + " MiB");
  return pool;
}

uint8_t* KvCache::slot(const Pool& pool, int64_t layer, int32_t block, int64_t offset) const {
  HIRELM_CHECK(layer >= 0 && layer < options_.n_layers);
  HIRELM_CHECK(block >= 0 && block < options_.n_blocks);
  size_t index = static_cast<size_t>((layer * options_.n_blocks + block) * options_.block_size + offset);
  return pool.get() + index * row_bytes();
}

void KvCache::write(int64_t layer, int32_t seq_id, int64_t pos, const float* k, const float* v) {
  auto it = sequences_.find(seq_id);
  HIRELM_CHECK(it != sequences_.end());
  HIRELM_CHECK(pos >= 0 && pos < it->second.length);
  int32_t block = it->second.blocks[static_cast<size_t>(pos / options_.block_size)];
  // Shared or published blocks are read-only: other sequences (or later ones) read these keys.
  HIRELM_CHECK(refs_[static_cast<size_t>(block)] == 1 && !(prefix_ && prefix_->contains(block)));
  int64_t offset = pos % options_.block_size;
  uint8_t* k_dst = slot(k_pool_, layer, block, offset);
  uint8_t* v_dst = slot(v_pool_, layer, block, offset);
  int64_t n = row_elements();
  if (options_.type == KvType::kF32) {
    std::memcpy(k_dst, k, static_cast<size_t>(n) * sizeof(float));
    std::memcpy(v_dst, v, static_cast<size_t>(n) * sizeof(float));
    return;
  }
  auto* k16 = reinterpret_cast<uint16_t*>(k_dst);
  auto* v16 = reinterpret_cast<uint16_t*>(v_dst);
  for (int64_t i = 0; i < n; ++i) {
    k16[i] = kernels::f32_to_f16(k[i]);
    v16[i] = kernels::f32_to_f16(v[i]);
  }
}

const void* KvCache::k_block(int64_t layer, int32_t block) const { return slot(k_pool_, layer, block, 0); }
const void* KvCache::v_block(int64_t layer, int32_t block) const { return slot(v_pool_, layer, block, 0); }

}  // namespace hirelm::kv
