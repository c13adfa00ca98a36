// Every attention path (generic, and each SIMD path the CPU has) against the scalar double-precision
// reference, through fragmented block tables, for f16 and f32 caches, GQA groups below and above the
// per-call group chunk, head sizes with and without the SIMD width, block sizes that cut tiles short, and
// scores large enough that an unstabilised softmax would overflow. Split ranges merge to the whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "engine/kernels/isa.h"
#include "engine/kv/kv_cache.h"
#include "engine/kv/paged_attention.h"

namespace hirelm::kv {
namespace {

struct Shape {
  int64_t n_heads_kv;
  int64_t group;  // query heads per KV head
  int64_t head_dim;
  int64_t block_size;
  KvType type;
};

std::string shape_name(const Shape& s) {
  return "kv" + std::to_string(s.n_heads_kv) + "_g" + std::to_string(s.group) + "_hd" + std::to_string(s.head_dim) +
         "_bs" + std::to_string(s.block_size) + "_" + std::string(kv_type_name(s.type));
}

// A cache with two sequences grown in alternation (so their block tables interleave in the pool), filled
// with random keys and values; keys scaled by `key_scale` to make large scores.
struct Filled {
  KvCache cache;
  std::vector<float> q;  // [n_heads, head_dim]
};

Filled fill(const Shape& s, int64_t n_tokens, float key_scale, uint32_t seed) {
  KvCacheOptions o;
  o.n_layers = 2;
  o.n_heads_kv = s.n_heads_kv;
  o.head_dim = s.head_dim;
  o.block_size = s.block_size;
  o.type = s.type;
  o.n_blocks = kv_blocks_for(n_tokens, 2, s.block_size);
  Filled f{KvCache(o), {}};
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const int64_t row = s.n_heads_kv * s.head_dim;
  std::vector<float> k(static_cast<size_t>(row)), v(k.size());
  for (int64_t pos = 0; pos < n_tokens; ++pos) {
    for (int32_t seq = 0; seq < 2; ++seq) {
      f.cache.resize(seq, pos + 1);
      for (auto& x : k) x = key_scale * normal(rng);
      for (auto& x : v) x = normal(rng);
      f.cache.write(1, seq, pos, k.data(), v.data());
    }
  }
  f.q.resize(static_cast<size_t>(s.n_heads_kv * s.group * s.head_dim));
  for (auto& x : f.q) x = normal(rng);
  return f;
}

class PagedAttentionPaths : public ::testing::TestWithParam<std::tuple<kernels::Isa, Shape>> {};

TEST_P(PagedAttentionPaths, MatchesScalarReference) {
  const auto [isa, s] = GetParam();
  const int64_t n_tokens = 75;
  const int64_t n_heads = s.n_heads_kv * s.group;
  const float scale = 1.0f / std::sqrt(static_cast<float>(s.head_dim));
  for (float key_scale : {1.0f, 30.0f}) {  // 30: scores of order +-300, exp overflows without the max shift
    Filled f = fill(s, n_tokens, key_scale, 11);
    ASSERT_NE(f.cache.block_table(1)[1], f.cache.block_table(1)[0] + 1);  // fragmented
    std::vector<float> got(f.q.size()), want(f.q.size());
    for (int32_t seq = 0; seq < 2; ++seq) {
      for (int64_t n_ctx : {int64_t{1}, int64_t{5}, int64_t{16}, int64_t{17}, int64_t{33}, n_tokens}) {
        for (int64_t kvh = 0; kvh < s.n_heads_kv; ++kvh) {
          paged_attention_with_isa(isa, f.cache, 1, seq, n_ctx, f.q.data(), n_heads, scale, got.data(), kvh);
          paged_attention_reference(f.cache, 1, seq, n_ctx, f.q.data(), n_heads, scale, want.data(), kvh);
        }
        double worst = 0;
        for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::fabs(static_cast<double>(got[i]) - want[i]));
        // Outputs are convex combinations of N(0,1) values: O(1). The f32 scores carry rounding errors
        // proportional to their magnitude (key_scale), which the exponentials turn into relative errors of
        // the weights: ~1e-6 per unit of key_scale, measured up to 7e-7.
        EXPECT_LT(worst, 2e-5 * key_scale) << kernels::isa_name(isa) << " seq " << seq << " n_ctx " << n_ctx << " key_scale "
                               << key_scale;
      }
    }
  }
}

TEST_P(PagedAttentionPaths, SplitRangesMergeToTheWhole) {
  const auto [isa, s] = GetParam();
  const int64_t n_tokens = 70;
  const int64_t n_heads = s.n_heads_kv * s.group;
  const float scale = 1.0f / std::sqrt(static_cast<float>(s.head_dim));
  Filled f = fill(s, n_tokens, 3.0f, 12);
  const int64_t hd = s.head_dim, group = s.group;
  for (int64_t kvh = 0; kvh < s.n_heads_kv; ++kvh) {
    std::vector<float> whole(f.q.size()), merged(static_cast<size_t>(group * hd));
    paged_attention_with_isa(isa, f.cache, 1, 0, n_tokens, f.q.data(), n_heads, scale, whole.data(), kvh);
    // Uneven ranges, one of them a single position inside a block.
    const int64_t cuts[] = {0, 13, 14, 47, n_tokens};
    std::vector<std::vector<float>> store;
    std::vector<AttentionPartialView> parts;
    for (int p = 0; p + 1 < 5; ++p) store.emplace_back(static_cast<size_t>(group * (hd + 2)));
    for (int p = 0; p + 1 < 5; ++p) {
      float* b = store[static_cast<size_t>(p)].data();
      parts.push_back({b, b + group * hd, b + group * hd + group});
      paged_attention_partial(isa, f.cache, 1, 0, cuts[p], cuts[p + 1], f.q.data(), n_heads, scale, kvh, parts.back());
    }
    merge_attention_partials(parts.data(), static_cast<int64_t>(parts.size()), group, hd, merged.data());
    for (int64_t i = 0; i < group * hd; ++i) {
      ASSERT_NEAR(merged[static_cast<size_t>(i)], whole[static_cast<size_t>(kvh * group * hd + i)], 1e-5)
          << kernels::isa_name(isa) << " kv head " << kvh << " index " << i;
    }
  }
}

const Shape kShapes[] = {
    {2, 6, 128, 16, KvType::kF16},  // DeepSeek-R1-Distill-Qwen-1.5B
    {2, 6, 128, 16, KvType::kF32},
    {2, 7, 64, 16, KvType::kF16},   // Qwen2.5-0.5B
    {1, 12, 64, 16, KvType::kF32},  // a group larger than one path call takes
    {2, 1, 32, 5, KvType::kF16},    // blocks smaller than a tile
    {2, 3, 24, 16, KvType::kF32},   // head_dim not a multiple of 8 (SIMD paths fall back)
    {2, 2, 8, 7, KvType::kF16},
};

std::vector<std::tuple<kernels::Isa, Shape>> cases() {
  std::vector<std::tuple<kernels::Isa, Shape>> out;
  for (kernels::Isa isa : kernels::supported_isas()) {
    for (const Shape& s : kShapes) out.emplace_back(isa, s);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Paths, PagedAttentionPaths, ::testing::ValuesIn(cases()), [](const auto& param_info) {
  return std::string(kernels::isa_name(std::get<0>(param_info.param))) + "_" + shape_name(std::get<1>(param_info.param));
});

}  // namespace
}  // namespace hirelm::kv
