// KvCache block accounting and the prefix cache: refcounts, attach/publish, LRU eviction, counters,
// and the read-only rule for shared or published blocks.
#include "engine/kv/kv_cache.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <vector>

#include "util/error.h"

namespace hirelm::kv {
namespace {

constexpr int64_t kBlock = 4;

KvCacheOptions options(int64_t n_blocks, bool prefix) {
  KvCacheOptions o;
  o.n_layers = 1;
  o.n_heads_kv = 1;
  o.head_dim = 2;
  o.block_size = kBlock;
  o.n_blocks = n_blocks;
  o.type = KvType::kF32;
  o.prefix_caching = prefix;
  return o;
}

std::vector<int32_t> iota_tokens(int32_t first, int64_t n) {
  std::vector<int32_t> t(static_cast<size_t>(n));
  std::iota(t.begin(), t.end(), first);
  return t;
}

// Fills positions [from, length) of the sequence as the model would (marks the KV computed).
void compute(KvCache& cache, int32_t seq, int64_t from, int64_t length) {
  cache.resize(seq, length);
  const float row[2] = {1.0f, 2.0f};
  for (int64_t p = from; p < length; ++p) cache.write(0, seq, p, row, row);
}

TEST(KvCache, ResizeAllocatesAndRemoveFrees) {
  KvCache cache(options(8, false));
  cache.resize(1, 9);  // 3 blocks
  EXPECT_EQ(cache.block_table(1).size(), 3u);
  EXPECT_EQ(cache.n_free_blocks(), 5);
  EXPECT_EQ(cache.n_used_blocks(), 3);
  EXPECT_DOUBLE_EQ(cache.usage(), 3.0 / 8.0);
  cache.resize(1, 4);
  EXPECT_EQ(cache.n_free_blocks(), 7);
  EXPECT_THROW(cache.resize(2, 8 * kBlock), UnsupportedError);
  EXPECT_FALSE(cache.has_sequence(2));
  EXPECT_EQ(cache.n_free_blocks(), 7);
  cache.remove(1);
  EXPECT_EQ(cache.n_free_blocks(), 8);
  EXPECT_DOUBLE_EQ(cache.usage(), 0.0);
}

TEST(KvCache, PoolIsNBlocksOfBlockBytes) {
  // One block: keys and values (2) x 1 layer x 4 tokens x 1 head x 2 dims x 4 bytes (f32).
  KvCacheOptions o = options(8, false);
  EXPECT_EQ(kv_block_bytes(o), 2u * 1 * kBlock * 1 * 2 * sizeof(float));
  EXPECT_EQ(KvCache(o).pool_bytes(), 8 * kv_block_bytes(o));
  o.type = KvType::kF16;
  EXPECT_EQ(kv_block_bytes(o), 2u * 1 * kBlock * 1 * 2 * 2);
  EXPECT_EQ(KvCache(o).pool_bytes(), 8 * kv_block_bytes(o));
}

// Resident memory of this process in bytes (/proc/self/statm, field 2, in pages).
size_t resident_bytes() {
  std::ifstream in("/proc/self/statm");
  size_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

TEST(KvCache, ALargePoolCostsMemoryOnlyAsBlocksAreUsed) {
  // A server sizes its pool for many contexts at start-up; the pages must not all be touched then.
  KvCacheOptions o = options(1, false);
  o.n_layers = 28;
  o.n_heads_kv = 2;
  o.head_dim = 128;
  o.block_size = 16;
  o.n_blocks = 4096;  // 28 * 2 * 128 * 16 * 4096 * 4 bytes * 2 = 3.5 GiB
  const size_t before = resident_bytes();
  KvCache cache(o);
  ASSERT_GT(cache.pool_bytes(), size_t{3} << 30);
  EXPECT_LT(resident_bytes() - before, size_t{64} << 20);
  // Fresh blocks read as zeros.
  cache.resize(0, 16);
  const auto* k = static_cast<const float*>(cache.k_block(27, cache.block_table(0)[0]));
  for (int i = 0; i < 16 * 2 * 128; ++i) ASSERT_EQ(k[i], 0.0f);
}

TEST(KvCache, PrefixCachingOffAttachesNothing) {
  KvCache cache(options(8, false));
  auto tokens = iota_tokens(10, 12);
  compute(cache, 1, 0, 12);
  cache.publish(1, tokens);
  EXPECT_EQ(cache.cached_prefix(tokens, 11), 0);
  EXPECT_EQ(cache.attach_prefix(2, tokens, 11), 0);
  EXPECT_EQ(cache.prefix_counters().queries, 0);
}

TEST(KvCache, AttachSharesPublishedFullBlocks) {
  KvCache cache(options(16, true));
  auto tokens = iota_tokens(10, 10);  // 2 full blocks + 2 tokens
  compute(cache, 1, 0, 10);
  cache.publish(1, tokens);
  const auto& first = cache.block_table(1);

  // A prompt sharing 9 tokens: the first 2 blocks (8 tokens) are cached.
  auto other = iota_tokens(10, 9);
  other.push_back(999);
  other.push_back(1000);
  EXPECT_EQ(cache.cached_prefix(other, 10), 8);
  EXPECT_EQ(cache.attach_prefix(2, other, 10), 8);
  EXPECT_EQ(cache.length(2), 8);
  ASSERT_EQ(cache.block_table(2).size(), 2u);
  EXPECT_EQ(cache.block_table(2)[0], first[0]);
  EXPECT_EQ(cache.block_table(2)[1], first[1]);
  EXPECT_EQ(cache.block_refs(first[0]), 2);
  EXPECT_EQ(cache.block_refs(first[2]), 1);
  EXPECT_EQ(cache.prefix_counters().queries, 11);
  EXPECT_EQ(cache.prefix_counters().hits, 8);
  // Shared blocks count once in usage: 3 blocks of sequence 1, none new for sequence 2 yet.
  EXPECT_EQ(cache.n_used_blocks(), 3);

  // The cap: max_tokens 7 allows one whole block and 3 tokens copied from the next (a private block).
  EXPECT_EQ(cache.attach_prefix(3, other, 7), 7);
  ASSERT_EQ(cache.block_table(3).size(), 2u);
  EXPECT_EQ(cache.block_table(3)[0], first[0]);
  EXPECT_NE(cache.block_table(3)[1], first[1]);
  // A different first block shares nothing, even with the same later tokens.
  auto shifted = tokens;
  shifted[0] = 5;
  EXPECT_EQ(cache.cached_prefix(shifted, 9), 0);
}

// Position p's key row is {p, p + 0.5} and its value row {-p, p}, so copied rows can be told apart.
void compute_distinct(KvCache& cache, int32_t seq, int64_t from, int64_t length) {
  cache.resize(seq, length);
  for (int64_t p = from; p < length; ++p) {
    const float k[2] = {static_cast<float>(p), static_cast<float>(p) + 0.5f};
    const float v[2] = {-static_cast<float>(p), static_cast<float>(p)};
    cache.write(0, seq, p, k, v);
  }
}

// Computes, publishes and releases sequence `seq` holding `tokens`: its full blocks stay cached, idle.
void cache_and_release(KvCache& cache, int32_t seq, const std::vector<int32_t>& tokens) {
  compute_distinct(cache, seq, 0, static_cast<int64_t>(tokens.size()));
  cache.publish(seq, tokens);
  cache.remove(seq);
}

TEST(KvCache, APromptDivergingInsideACachedBlockCopiesItsMatchingStart) {
  KvCache cache(options(16, true));
  auto tokens = iota_tokens(10, 12);  // 3 full blocks
  compute_distinct(cache, 1, 0, 12);
  cache.publish(1, tokens);
  const std::vector<int32_t> first = cache.block_table(1);

  // Shares block 0 and the first 2 tokens of block 1 (positions 4 and 5), then diverges.
  auto other = iota_tokens(10, 6);
  for (int32_t t : {500, 501, 502, 503}) other.push_back(t);
  EXPECT_EQ(cache.cached_prefix(other, 9), 4);  // whole blocks only
  EXPECT_EQ(cache.attach_prefix(2, other, 9), 6);
  EXPECT_EQ(cache.length(2), 6);
  ASSERT_EQ(cache.block_table(2).size(), 2u);
  EXPECT_EQ(cache.block_table(2)[0], first[0]);
  const int32_t copy = cache.block_table(2)[1];
  EXPECT_NE(copy, first[1]);
  EXPECT_EQ(cache.block_refs(copy), 1);
  EXPECT_EQ(cache.block_refs(first[1]), 1);  // only sequence 1 holds the source
  EXPECT_EQ(cache.prefix_counters().hits, 6);
  // The copied rows are the source's positions 4 and 5, keys and values.
  const auto* k = static_cast<const float*>(cache.k_block(0, copy));
  const auto* v = static_cast<const float*>(cache.v_block(0, copy));
  EXPECT_EQ(std::vector<float>(k, k + 4), (std::vector<float>{4.0f, 4.5f, 5.0f, 5.5f}));
  EXPECT_EQ(std::vector<float>(v, v + 4), (std::vector<float>{-4.0f, 4.0f, -5.0f, 5.0f}));
  // The sequence goes on writing into its copy, and publishes it once full.
  compute_distinct(cache, 2, 6, 10);
  cache.publish(2, other);
  EXPECT_EQ(cache.cached_prefix(other, 10), 8);

  // A divergence inside the very first block copies from a block that starts a chain.
  std::vector<int32_t> third = {10, 11, 900, 901, 902};
  EXPECT_EQ(cache.attach_prefix(3, third, 4), 2);
  // Nothing continues a prompt that differs from the first token.
  EXPECT_EQ(cache.attach_prefix(4, std::vector<int32_t>{7, 8, 9}, 2), 0);
  EXPECT_TRUE(cache.block_table(4).empty());
}

TEST(KvCache, ThePartialCopysSourceIsNeverTheBlockEvictedForIt) {
  // Two blocks, both idle cached blocks of one released prefix: the copy would need the source itself.
  KvCache cache(options(2, true));
  auto a = iota_tokens(100, 8);
  cache_and_release(cache, 1, a);
  auto b = iota_tokens(100, 6);
  b.push_back(7);
  EXPECT_EQ(cache.attach_prefix(2, b, 6), 4);  // no free block for a copy: whole blocks only
  EXPECT_EQ(cache.cached_prefix(a, 8), 8);     // and the source is still cached
  cache.remove(2);

  // With a third block free, the copy is made and the source stays cached (idle).
  KvCache roomy(options(3, true));
  cache_and_release(roomy, 1, a);
  EXPECT_EQ(roomy.attach_prefix(2, b, 6), 6);
  EXPECT_EQ(roomy.n_cached_blocks(), 1);  // block 0 is attached (busy); block 1 is idle again
  EXPECT_EQ(roomy.cached_prefix(a, 8), 8);
  EXPECT_EQ(roomy.n_free_blocks(), 1);  // the idle source, evictable
}

TEST(KvCache, ReleasedPublishedBlocksStayCachedUntilEvicted) {
  KvCache cache(options(4, true));
  auto a = iota_tokens(100, 8);
  cache_and_release(cache, 1, a);
  EXPECT_EQ(cache.n_cached_blocks(), 2);
  EXPECT_EQ(cache.n_free_blocks(), 4);  // idle cached blocks are available
  EXPECT_EQ(cache.n_used_blocks(), 0);
  EXPECT_EQ(cache.cached_prefix(a, 8), 8);

  // Two free blocks are used before any cached one is evicted.
  compute(cache, 2, 0, 8);
  EXPECT_EQ(cache.cached_prefix(a, 8), 8);
  // The third block must evict; the tail of the released prefix goes first (LRU order).
  compute(cache, 2, 8, 12);
  EXPECT_EQ(cache.n_cached_blocks(), 1);
  EXPECT_EQ(cache.cached_prefix(a, 8), 4);
  compute(cache, 2, 12, 16);
  EXPECT_EQ(cache.cached_prefix(a, 8), 0);
  EXPECT_EQ(cache.n_free_blocks(), 0);
  EXPECT_THROW(cache.resize(2, 17), UnsupportedError);
}

TEST(KvCache, LeastRecentlyUsedPrefixIsEvictedFirst) {
  KvCache cache(options(4, true));
  auto a = iota_tokens(100, 4), b = iota_tokens(200, 4);
  compute(cache, 1, 0, 4);
  cache.publish(1, a);
  compute(cache, 2, 0, 4);
  cache.publish(2, b);
  cache.remove(1);  // a idle first
  cache.remove(2);  // then b
  // Reusing a makes it the most recently used.
  EXPECT_EQ(cache.attach_prefix(3, a, 4), 4);
  cache.remove(3);
  compute(cache, 4, 0, 12);  // 2 free + 1 eviction: b goes
  EXPECT_EQ(cache.cached_prefix(a, 4), 4);
  EXPECT_EQ(cache.cached_prefix(b, 4), 0);
}

TEST(KvCache, DuplicatePrefixStaysPrivate) {
  KvCache cache(options(8, true));
  auto a = iota_tokens(1, 4);
  compute(cache, 1, 0, 4);
  compute(cache, 2, 0, 4);
  cache.publish(1, a);
  cache.publish(2, a);  // same prefix computed twice: only the first is indexed
  const int32_t second = cache.block_table(2)[0];
  cache.remove(2);
  EXPECT_EQ(cache.n_cached_blocks(), 0);  // the duplicate went back to the free list
  EXPECT_EQ(cache.block_refs(second), 0);
  cache.remove(1);
  EXPECT_EQ(cache.n_cached_blocks(), 1);
}

TEST(KvCache, PublishOnlyFullComputedBlocks) {
  KvCache cache(options(8, true));
  auto t = iota_tokens(1, 12);
  compute(cache, 1, 0, 6);
  cache.publish(1, t);  // length 6: one full block
  EXPECT_EQ(cache.cached_prefix(t, 12), 4);
  compute(cache, 1, 6, 9);
  cache.publish(1, std::span<const int32_t>(t).first(9));
  EXPECT_EQ(cache.cached_prefix(t, 12), 8);
}

TEST(KvCache, SharedAndPublishedBlocksAreNotWritable) {
  KvCache cache(options(8, true));
  auto t = iota_tokens(1, 8);
  compute(cache, 1, 0, 8);
  cache.publish(1, t);
  const float row[2] = {0, 0};
  EXPECT_DEATH(cache.write(0, 1, 3, row, row), "");
  EXPECT_EQ(cache.attach_prefix(2, t, 7), 7);  // block 0 shared, 3 tokens of block 1 copied
  cache.resize(2, 8);
  cache.write(0, 2, 4, row, row);  // the copy is a block of its own
  cache.write(0, 2, 7, row, row);
  EXPECT_DEATH(cache.write(0, 2, 0, row, row), "");
}

TEST(KvCache, TruncatingIntoAPrivatePublishedBlockUnpublishesIt) {
  KvCache cache(options(8, true));
  auto t = iota_tokens(1, 8);
  compute(cache, 1, 0, 8);
  cache.publish(1, t);
  cache.resize(1, 6);  // block 1 reopens
  EXPECT_EQ(cache.cached_prefix(t, 8), 4);
  compute(cache, 1, 6, 8);  // writable again
  cache.publish(1, t);
  EXPECT_EQ(cache.cached_prefix(t, 8), 8);
}

TEST(KvCache, RefcountsBalanceUnderRandomUse) {
  KvCache cache(options(32, true));
  std::vector<int32_t> live;
  uint32_t state = 12345;
  auto rnd = [&](uint32_t n) {
    state = state * 1664525u + 1013904223u;
    return (state >> 8) % n;
  };
  for (int step = 0; step < 400; ++step) {
    const auto seq = static_cast<int32_t>(step);
    // Prompts from a few shared prefixes so blocks are shared.
    std::vector<int32_t> tokens = iota_tokens(static_cast<int32_t>(rnd(3)) * 50, 4 + rnd(16));
    const auto n = static_cast<int64_t>(tokens.size());
    const int64_t attached = cache.attach_prefix(seq, tokens, n - 1);
    try {
      compute(cache, seq, attached, n);
      cache.publish(seq, tokens);
      live.push_back(seq);
    } catch (const UnsupportedError&) {
      cache.remove(seq);
    }
    if (!live.empty() && rnd(2) == 0) {
      const size_t i = rnd(static_cast<uint32_t>(live.size()));
      cache.remove(live[i]);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
    }
    int64_t refs = 0;
    std::set<int32_t> distinct;
    std::map<int32_t, int32_t> holders;  // block -> live sequences whose table holds it
    for (int32_t s : live) {
      for (int32_t b : cache.block_table(s)) {
        distinct.insert(b);
        ++holders[b];
      }
    }
    for (int32_t b = 0; b < 32; ++b) {
      refs += cache.block_refs(b) > 0 ? 1 : 0;
      ASSERT_EQ(cache.block_refs(b), holders.count(b) > 0 ? holders[b] : 0) << "block " << b << " step " << step;
    }
    ASSERT_EQ(refs, static_cast<int64_t>(distinct.size()));
    ASSERT_EQ(cache.n_used_blocks(), refs);
  }
  for (int32_t s : live) cache.remove(s);
  EXPECT_EQ(cache.n_used_blocks(), 0);
  EXPECT_EQ(cache.n_free_blocks(), 32);
}

}  // namespace
}  // namespace hirelm::kv
