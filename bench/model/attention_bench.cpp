// Paged attention of one token (all query heads of one KV head, the unit a thread takes) over an f16 cache
// with DeepSeek-R1-Distill-Qwen-1.5B's shape (2 KV heads, 6 query heads each, head_dim 128), per path and
// context length. Reports the KV bytes the call reads per second (bytes_per_second): keys and values of
// one KV head, 2 * n_ctx * 128 * 2 bytes, to set against the machine's memory bandwidth for long contexts
// (whose caches do not fit in L2) and against L2 bandwidth for short ones.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "engine/kernels/isa.h"
#include "engine/kv/kv_cache.h"
#include "engine/kv/paged_attention.h"

namespace {

using hirelm::kernels::Isa;
using hirelm::kv::KvCache;
using hirelm::kv::KvCacheOptions;

constexpr int64_t kHeadsKv = 2, kGroup = 6, kHeadDim = 128;

void bm_attention(benchmark::State& state, Isa isa) {
  const int64_t n_ctx = state.range(0);
  KvCacheOptions o;
  o.n_layers = 1;
  o.n_heads_kv = kHeadsKv;
  o.head_dim = kHeadDim;
  o.n_blocks = hirelm::kv::kv_blocks_for(n_ctx, 1, o.block_size);
  KvCache cache(o);
  cache.resize(0, n_ctx);
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> k(static_cast<size_t>(kHeadsKv * kHeadDim)), v(k.size());
  for (int64_t pos = 0; pos < n_ctx; ++pos) {
    for (auto& x : k) x = normal(rng);
    for (auto& x : v) x = normal(rng);
    cache.write(0, 0, pos, k.data(), v.data());
  }
  std::vector<float> q(static_cast<size_t>(kHeadsKv * kGroup * kHeadDim)), out(q.size());
  for (auto& x : q) x = normal(rng);
  const float scale = 1.0f / std::sqrt(static_cast<float>(kHeadDim));
  for (auto _ : state) {
    hirelm::kv::paged_attention_with_isa(isa, cache, 0, 0, n_ctx, q.data(), kHeadsKv * kGroup, scale, out.data(), 0);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * 2 * n_ctx * kHeadDim * 2);
}

void register_all() {
  for (Isa isa : hirelm::kernels::supported_isas()) {
    std::string name = "attention_f16_g6_hd128/" + std::string(hirelm::kernels::isa_name(isa));
    benchmark::RegisterBenchmark(name.c_str(), bm_attention, isa)->RangeMultiplier(4)->Range(64, 16384);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
