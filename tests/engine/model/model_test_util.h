// Helpers shared by the model tests: run a sequence through the optimized forward pass, compare logits.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/kernels/thread_pool.h"
#include "engine/kv/kv_cache.h"
#include "engine/model/qwen2_model.h"

namespace hirelm::test {

inline double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return INFINITY;
  double m = 0.0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(static_cast<double>(a[i]) - b[i]));
  return m;
}

// Logits of every position ([n, n_vocab]) of `tokens` evaluated as one batch from position 0.
inline std::vector<float> run_prompt(model::Qwen2Model& m, const std::vector<int32_t>& tokens,
                                     kv::KvType kv_type = kv::KvType::kF32, int threads = 2) {
  kv::KvCache cache(m.kv_cache_options(static_cast<int64_t>(tokens.size()), 1, kv_type));
  kernels::ThreadPool pool(threads);
  std::vector<float> logits;
  m.forward(model::make_sequence_batch(tokens, 0, 0, true), cache, pool, &logits);
  return logits;
}

// The same, one token per forward call, reusing the cache.
inline std::vector<float> run_incremental(model::Qwen2Model& m, const std::vector<int32_t>& tokens,
                                          kv::KvType kv_type = kv::KvType::kF32, int threads = 2) {
  kv::KvCache cache(m.kv_cache_options(static_cast<int64_t>(tokens.size()), 1, kv_type));
  kernels::ThreadPool pool(threads);
  std::vector<float> all, step;
  for (size_t i = 0; i < tokens.size(); ++i) {
    m.forward(model::make_sequence_batch({tokens[i]}, 0, static_cast<int32_t>(i), true), cache, pool, &step);
    all.insert(all.end(), step.begin(), step.end());
  }
  return all;
}

inline std::vector<int32_t> test_tokens(size_t n, int64_t n_vocab, uint32_t salt = 0) {
  std::vector<int32_t> t(n);
  for (size_t i = 0; i < n; ++i) t[i] = static_cast<int32_t>((i * 7919 + 13 + salt * 104729) % static_cast<uint64_t>(n_vocab));
  return t;
}

}  // namespace hirelm::test

#include <fstream>
#include <sstream>
#include <string>

namespace hirelm::test {
inline std::string read_file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace hirelm::test
