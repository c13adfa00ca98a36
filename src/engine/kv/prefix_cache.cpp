#include "engine/kv/prefix_cache.h"

#include <algorithm>

#include "util/check.h"

namespace hirelm::kv {

namespace {
// splitmix64's finalizer: a full-avalanche 64-bit mix.
uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}
}  // namespace

uint64_t PrefixCache::block_hash(uint64_t parent, std::span<const int32_t> tokens) {
  uint64_t h = mix(parent ^ 0x5851f42d4c957f2dULL);
  for (int32_t t : tokens) h = mix(h ^ (static_cast<uint64_t>(static_cast<uint32_t>(t)) + 0x632be59bd9b4e019ULL));
  return mix(h ^ tokens.size());
}

PrefixCache::PrefixCache(int64_t n_blocks, int64_t block_size)
    : block_size_(block_size),
      entries_(static_cast<size_t>(n_blocks)),
      tokens_(static_cast<size_t>(n_blocks * block_size)) {
  HIRELM_CHECK(n_blocks > 0 && block_size > 0);
}

int32_t PrefixCache::find(uint64_t hash, std::span<const int32_t> tokens) const {
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end() || static_cast<int64_t>(tokens.size()) != block_size_) return -1;
  const int32_t* held = &tokens_[static_cast<size_t>(it->second * block_size_)];
  return std::equal(tokens.begin(), tokens.end(), held) ? it->second : -1;
}

int64_t PrefixCache::longest_continuation(uint64_t parent, std::span<const int32_t> tokens, int32_t* block) const {
  const auto n = std::min<size_t>(tokens.size(), static_cast<size_t>(block_size_));
  int64_t best = 0;
  *block = -1;
  const auto [first, last] = by_parent_.equal_range(parent);
  for (auto it = first; it != last; ++it) {
    const int32_t* held = &tokens_[static_cast<size_t>(it->second * block_size_)];
    const auto common = std::mismatch(tokens.begin(), tokens.begin() + static_cast<std::ptrdiff_t>(n), held).first - tokens.begin();
    if (common > best) {
      best = common;
      *block = it->second;
    }
  }
  return best;
}

bool PrefixCache::insert(int32_t block, uint64_t parent, uint64_t hash, std::span<const int32_t> tokens) {
  HIRELM_CHECK(static_cast<int64_t>(tokens.size()) == block_size_);
  Entry& e = entries_[static_cast<size_t>(block)];
  if (e.indexed || by_hash_.count(hash) > 0) return false;
  e.indexed = true;
  e.hash = hash;
  e.parent = parent;
  std::copy(tokens.begin(), tokens.end(), tokens_.begin() + block * block_size_);
  by_hash_.emplace(hash, block);
  by_parent_.emplace(parent, block);
  return true;
}

void PrefixCache::erase(int32_t block) {
  Entry& e = entries_[static_cast<size_t>(block)];
  HIRELM_CHECK(!e.idle);
  if (!e.indexed) return;
  by_hash_.erase(e.hash);
  const auto [first, last] = by_parent_.equal_range(e.parent);
  for (auto it = first; it != last; ++it) {
    if (it->second == block) {
      by_parent_.erase(it);
      break;
    }
  }
  e.indexed = false;
}

void PrefixCache::make_idle(int32_t block) {
  Entry& e = entries_[static_cast<size_t>(block)];
  HIRELM_CHECK(e.indexed && !e.idle);
  e.idle = true;
  e.lru_pos = lru_.insert(lru_.end(), block);
}

void PrefixCache::make_busy(int32_t block) {
  Entry& e = entries_[static_cast<size_t>(block)];
  HIRELM_CHECK(e.idle);
  lru_.erase(e.lru_pos);
  e.idle = false;
}

int32_t PrefixCache::evict() {
  if (lru_.empty()) return -1;
  const int32_t block = lru_.front();
  make_busy(block);
  erase(block);
  return block;
}

}  // namespace hirelm::kv
