// The paged KV cache: block accounting through block tables, and attention read through fragmented
// block tables against a plain softmax.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "engine/kernels/quantize.h"
#include "engine/kv/kv_cache.h"
#include "engine/kv/paged_attention.h"
#include "util/error.h"

namespace hirelm::kv {
namespace {

KvCacheOptions small_options(KvType type, int64_t n_blocks = 8) {
  KvCacheOptions o;
  o.n_layers = 2;
  o.n_heads_kv = 2;
  o.head_dim = 8;
  o.block_size = 4;
  o.n_blocks = n_blocks;
  o.type = type;
  return o;
}

TEST(KvCache, AllocatesBlocksOnDemandAndFreesThem) {
  KvCache cache(small_options(KvType::kF16));
  EXPECT_EQ(cache.n_free_blocks(), 8);
  cache.resize(3, 5);  // 5 tokens -> 2 blocks of 4
  EXPECT_EQ(cache.length(3), 5);
  EXPECT_EQ(cache.block_table(3).size(), 2u);
  EXPECT_EQ(cache.n_free_blocks(), 6);
  cache.resize(7, 4);
  EXPECT_EQ(cache.block_table(7).size(), 1u);
  EXPECT_NE(cache.block_table(7)[0], cache.block_table(3)[0]);
  cache.resize(3, 2);  // truncation frees the now unused block
  EXPECT_EQ(cache.block_table(3).size(), 1u);
  EXPECT_EQ(cache.n_free_blocks(), 6);
  cache.remove(3);
  EXPECT_FALSE(cache.has_sequence(3));
  EXPECT_EQ(cache.n_free_blocks(), 7);
  cache.clear();
  EXPECT_EQ(cache.n_free_blocks(), 8);
}

TEST(KvCache, FullPoolIsAnErrorAndChangesNothing) {
  KvCache cache(small_options(KvType::kF32, 3));
  cache.resize(1, 8);
  EXPECT_THROW(cache.resize(2, 8), UnsupportedError);
  EXPECT_FALSE(cache.has_sequence(2));
  EXPECT_EQ(cache.n_free_blocks(), 1);
  EXPECT_THROW(cache.resize(1, 13), UnsupportedError);
  EXPECT_EQ(cache.length(1), 8);
}

TEST(KvCache, ParsesTypeNames) {
  EXPECT_EQ(parse_kv_type("f16"), KvType::kF16);
  EXPECT_EQ(parse_kv_type("f32"), KvType::kF32);
  EXPECT_THROW(parse_kv_type("q8_0"), InvalidInputError);
  EXPECT_EQ(kv_type_name(KvType::kF16), "f16");
}

// Plain softmax attention of one query head over rows k[j], v[j] (j < n), in double.
std::vector<double> naive_attention(const float* q, const std::vector<std::vector<float>>& k,
                                    const std::vector<std::vector<float>>& v, int64_t kv_offset, int64_t head_dim,
                                    size_t n, double scale) {
  std::vector<double> s(n);
  double mx = -INFINITY;
  for (size_t j = 0; j < n; ++j) {
    double dot = 0;
    for (int64_t i = 0; i < head_dim; ++i) dot += q[i] * static_cast<double>(k[j][static_cast<size_t>(kv_offset + i)]);
    s[j] = dot * scale;
    mx = std::max(mx, s[j]);
  }
  double sum = 0;
  for (auto& x : s) sum += (x = std::exp(x - mx));
  std::vector<double> out(static_cast<size_t>(head_dim));
  for (size_t j = 0; j < n; ++j) {
    for (int64_t i = 0; i < head_dim; ++i) out[static_cast<size_t>(i)] += s[j] / sum * v[j][static_cast<size_t>(kv_offset + i)];
  }
  return out;
}

void check_attention(KvType type, double tolerance) {
  KvCacheOptions o = small_options(type, 16);
  KvCache cache(o);
  const int64_t n_heads = 4, row = o.n_heads_kv * o.head_dim;
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  // Two sequences grown in alternation so their blocks interleave in the pool.
  std::vector<std::vector<float>> k[2], v[2];
  for (int64_t pos = 0; pos < 11; ++pos) {
    for (int32_t seq = 0; seq < 2; ++seq) {
      cache.resize(seq, pos + 1);
      std::vector<float> kr(static_cast<size_t>(row)), vr(static_cast<size_t>(row));
      for (auto& x : kr) x = normal(rng);
      for (auto& x : vr) x = normal(rng);
      cache.write(1, seq, pos, kr.data(), vr.data());
      k[seq].push_back(kr);
      v[seq].push_back(vr);
    }
  }
  EXPECT_NE(cache.block_table(0)[1], cache.block_table(0)[0] + 1);  // fragmented: not contiguous
  std::vector<float> q(static_cast<size_t>(n_heads * o.head_dim)), out(q.size());
  for (auto& x : q) x = normal(rng);
  const double scale = 1.0 / std::sqrt(static_cast<double>(o.head_dim));
  for (int32_t seq = 0; seq < 2; ++seq) {
    for (int64_t n_ctx : {1, 4, 5, 11}) {
      for (int64_t kvh = 0; kvh < o.n_heads_kv; ++kvh) {
        paged_attention(cache, 1, seq, n_ctx, q.data(), n_heads, static_cast<float>(scale), out.data(), kvh);
      }
      for (int64_t h = 0; h < n_heads; ++h) {
        int64_t kvh = h / (n_heads / o.n_heads_kv);
        auto expect = naive_attention(&q[static_cast<size_t>(h * o.head_dim)], k[seq], v[seq], kvh * o.head_dim,
                                      o.head_dim, static_cast<size_t>(n_ctx), scale);
        for (int64_t i = 0; i < o.head_dim; ++i) {
          EXPECT_NEAR(out[static_cast<size_t>(h * o.head_dim + i)], expect[static_cast<size_t>(i)], tolerance)
              << "seq " << seq << " n_ctx " << n_ctx << " head " << h;
        }
      }
    }
  }
}

TEST(PagedAttention, MatchesPlainSoftmaxThroughFragmentedBlocksF32) { check_attention(KvType::kF32, 1e-5); }
TEST(PagedAttention, MatchesPlainSoftmaxThroughFragmentedBlocksF16) { check_attention(KvType::kF16, 5e-3); }

}  // namespace
}  // namespace hirelm::kv
