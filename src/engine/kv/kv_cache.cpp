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

KvCache::KvCache(const KvCacheOptions& options) : options_(options) {
  HIRELM_CHECK(options.n_layers > 0 && options.n_heads_kv > 0 && options.head_dim > 0);
  HIRELM_CHECK(options.block_size > 0 && options.n_blocks > 0);
  size_t bytes = pool_bytes() / 2;
  k_pool_.resize(bytes);
  v_pool_.resize(bytes);
  free_blocks_.reserve(static_cast<size_t>(options.n_blocks));
  // Handed out lowest index first: pop_back() takes the last element.
  for (int64_t b = options.n_blocks - 1; b >= 0; --b) free_blocks_.push_back(static_cast<int32_t>(b));
}

size_t KvCache::row_bytes() const {
  return static_cast<size_t>(row_elements()) * (options_.type == KvType::kF16 ? 2 : 4);
}

size_t KvCache::pool_bytes() const {
  return 2 * static_cast<size_t>(options_.n_layers * options_.n_blocks * options_.block_size) * row_bytes();
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
  auto need = static_cast<size_t>((n_tokens + options_.block_size - 1) / options_.block_size);
  if (need > seq.blocks.size()) {
    size_t extra = need - seq.blocks.size();
    if (extra > free_blocks_.size()) {
      if (seq.blocks.empty() && seq.length == 0) sequences_.erase(seq_id);
      throw UnsupportedError("KV cache full: sequence " + std::to_string(seq_id) + " needs " +
                             std::to_string(extra) + " more blocks of " + std::to_string(options_.block_size) +
                             " tokens, " + std::to_string(free_blocks_.size()) + " free");
    }
    for (size_t i = 0; i < extra; ++i) {
      seq.blocks.push_back(free_blocks_.back());
      free_blocks_.pop_back();
    }
  }
  while (seq.blocks.size() > need) {
    free_blocks_.push_back(seq.blocks.back());
    seq.blocks.pop_back();
  }
  seq.length = n_tokens;
}

void KvCache::remove(int32_t seq_id) {
  auto it = sequences_.find(seq_id);
  if (it == sequences_.end()) return;
  for (auto b = it->second.blocks.rbegin(); b != it->second.blocks.rend(); ++b) free_blocks_.push_back(*b);
  sequences_.erase(it);
}

void KvCache::clear() {
  while (!sequences_.empty()) remove(sequences_.begin()->first);
}

uint8_t* KvCache::slot(const std::vector<uint8_t>& pool, int64_t layer, int32_t block, int64_t offset) const {
  HIRELM_CHECK(layer >= 0 && layer < options_.n_layers);
  HIRELM_CHECK(block >= 0 && block < options_.n_blocks);
  size_t index = static_cast<size_t>((layer * options_.n_blocks + block) * options_.block_size + offset);
  return const_cast<uint8_t*>(pool.data()) + index * row_bytes();
}

void KvCache::write(int64_t layer, int32_t seq_id, int64_t pos, const float* k, const float* v) {
  auto it = sequences_.find(seq_id);
  HIRELM_CHECK(it != sequences_.end());
  HIRELM_CHECK(pos >= 0 && pos < it->second.length);
  int32_t block = it->second.blocks[static_cast<size_t>(pos / options_.block_size)];
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
