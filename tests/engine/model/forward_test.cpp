// The optimized forward pass against the scalar reference, and against itself under different batch
// shapes: batched vs alone, prompt vs token-by-token, f16 vs f32 KV, GGUF vs safetensors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "engine/kernels/isa.h"
#include "engine/kernels/matmul.h"
#include "engine/model/reference_forward.h"
#include "model_test_util.h"
#include "support/tiny_model.h"
#include "util/error.h"

namespace hirelm::test {
namespace {

using model::Qwen2Model;
using model::WeightScheme;

// A shape whose rows are multiples of 256, so every block type (Q4_K, Q6_K) applies.
TinyModelSpec k_quant_shape(bool tied) {
  TinyModelSpec s;
  s.n_vocab = 384;
  s.n_embd = 256;
  s.n_ff = 512;
  s.n_heads = 4;
  s.n_heads_kv = 2;
  s.tied = tied;
  return s;
}

// Optimized vs reference tolerance. Float weights are multiplied with f32 activations (except BF16 on the
// AVX-512 path, which rounds them to bf16: llama.cpp's BF16 logits sit ~3e-2 from exact math, tiny-qwen2/README.md);
// quantized weights meet activations quantized to 8 bits on the SIMD paths (as llama.cpp does), which
// moves logits of std ~1 by up to a few tenths (see tiny-qwen2/README.md), and by ~1e-3 on the generic one.
double tolerance(DType weights) {
  if (weights == DType::kF32) return 2e-4;
  if (weights == DType::kBF16 && kernels::rounds_activations(kernels::active_isa(), weights)) return 0.15;
  if (weights == DType::kF16 || weights == DType::kBF16) return 1e-3;
  return kernels::active_isa() == kernels::Isa::kGeneric ? 2e-3 : 0.2;
}

struct DtypeCase {
  const char* name;
  WeightScheme scheme;
  std::optional<DType> load_as;  // convert at load (covers Q6_K everywhere)
  DType worst;                   // the least precise type in the mix
};

class ForwardVsReference : public ::testing::TestWithParam<std::tuple<DtypeCase, bool>> {};

TEST_P(ForwardVsReference, AllPositionsMatch) {
  auto [c, tied] = GetParam();
  TempDir dir;
  TinyModelSpec spec = k_quant_shape(tied);
  std::string path = write_tiny_gguf(spec, c.scheme, dir.file("m.gguf"));
  model::LoadOptions opts;
  opts.dtype = c.load_as;
  Qwen2Model m = Qwen2Model::load(path, opts);
  EXPECT_EQ(m.config().tied_output, tied);
  auto tokens = test_tokens(19, spec.n_vocab);
  auto expect = model::reference_forward(m.config(), m.weights(), tokens, true);
  auto got = run_prompt(m, tokens);
  double diff = max_abs_diff(got, expect);
  std::printf("forward vs reference %-8s tied=%d types=%s: max abs %.3g\n", c.name, tied, m.weight_type_name().c_str(), diff);
  EXPECT_LT(diff, tolerance(c.worst));
  // Logits of this model are O(1): a broken layer would show up far above the tolerance.
  double scale = 0;
  for (float v : expect) scale = std::max(scale, std::fabs(static_cast<double>(v)));
  EXPECT_GT(scale, 0.3);
}

const DtypeCase kDtypeCases[] = {
    {"F32", WeightScheme::kF32, std::nullopt, DType::kF32},
    {"F16", WeightScheme::kF16, std::nullopt, DType::kF16},
    {"BF16", WeightScheme::kBF16, std::nullopt, DType::kBF16},
    {"Q8_0", WeightScheme::kQ8_0, std::nullopt, DType::kQ8_0},
    {"Q4_0", WeightScheme::kQ4_0, std::nullopt, DType::kQ4_0},      // + Q6_K output
    {"Q4_K_M", WeightScheme::kQ4_K_M, std::nullopt, DType::kQ4_K},  // + Q6_K output, attn_v, ffn_down
    {"Q6_K", WeightScheme::kF32, DType::kQ6_K, DType::kQ6_K},       // converted at load
};

INSTANTIATE_TEST_SUITE_P(Dtypes, ForwardVsReference,
                         ::testing::Combine(::testing::ValuesIn(kDtypeCases), ::testing::Bool()),
                         [](const auto& param_info) {
                           return std::string(std::get<0>(param_info.param).name) + (std::get<1>(param_info.param) ? "_tied" : "_untied");
                         });

TEST(Forward, SchemeTypesFollowLlamaQuantize) {
  TinyModelSpec spec = k_quant_shape(false);
  spec.n_layers = 8;
  auto c = spec.config();
  for (const auto& s : model::tensor_specs(c)) {
    DType t = model::scheme_tensor_type(WeightScheme::kQ4_K_M, c, s);
    if (s.is_vector) {
      EXPECT_EQ(t, DType::kF32);
    } else if (s.kind == model::TensorKind::kOutput) {
      EXPECT_EQ(t, DType::kQ6_K);
    } else if (s.kind == model::TensorKind::kAttnV || s.kind == model::TensorKind::kFfnDown) {
      // use_more_bits for 8 layers: 0 (first eighth), 7 (last eighth), 3 and 6 ((i - 1) % 3 == 2).
      bool more = s.layer == 0 || s.layer == 3 || s.layer == 6 || s.layer == 7;
      EXPECT_EQ(t, more ? DType::kQ6_K : DType::kQ4_K) << s.gguf_name;
    } else {
      EXPECT_EQ(t, DType::kQ4_K) << s.gguf_name;
    }
  }
  spec.tied = true;
  auto tied = spec.config();
  EXPECT_EQ(model::scheme_tensor_type(WeightScheme::kQ4_0, tied, model::tensor_specs(tied)[0]), DType::kQ6_K);
}

class ForwardConsistency : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_.n_vocab = 300;
    path_ = write_tiny_gguf(spec_, WeightScheme::kF32, dir_.file("f32.gguf"));
  }
  TempDir dir_;
  TinyModelSpec spec_;
  std::string path_;
};

TEST_F(ForwardConsistency, PromptAtOnceEqualsTokenByToken) {
  Qwen2Model m = Qwen2Model::load(path_);
  auto tokens = test_tokens(37, spec_.n_vocab);  // crosses block boundaries (16)
  double diff = max_abs_diff(run_prompt(m, tokens), run_incremental(m, tokens));
  std::printf("prompt vs token-by-token F32: max abs %.3g\n", diff);
  EXPECT_LT(diff, 1e-4);
}

// A prompt longer than one internal micro-batch (Qwen2Model::kMicroBatch tokens) gives every position the
// logits it gets token by token; so does one whose wanted rows are sparse across micro-batches.
TEST_F(ForwardConsistency, PromptLongerThanAMicroBatchEqualsTokenByToken) {
  Qwen2Model m = Qwen2Model::load(path_);
  const size_t mb = static_cast<size_t>(Qwen2Model::kMicroBatch), n_tokens = mb + 44;
  auto tokens = test_tokens(n_tokens, spec_.n_vocab, 9);
  auto incremental = run_incremental(m, tokens);
  double diff = max_abs_diff(run_prompt(m, tokens), incremental);
  std::printf("%zu-token prompt vs token-by-token F32: max abs %.3g\n", n_tokens, diff);
  EXPECT_LT(diff, 1e-4);

  kv::KvCache cache(m.kv_cache_options(static_cast<int64_t>(n_tokens), 1, kv::KvType::kF32));
  kernels::ThreadPool pool(2);
  model::Batch batch;
  const size_t wanted[] = {0, mb - 1, mb, n_tokens - 1};  // both sides of the micro-batch boundary
  for (size_t i = 0; i < tokens.size(); ++i) {
    batch.add(tokens[i], static_cast<int32_t>(i), 3, std::find(std::begin(wanted), std::end(wanted), i) != std::end(wanted));
  }
  std::vector<float> logits;
  m.forward(batch, cache, pool, &logits);
  const size_t V = static_cast<size_t>(spec_.n_vocab);
  ASSERT_EQ(logits.size(), 4 * V);
  for (size_t r = 0; r < 4; ++r) {
    std::vector<float> got(logits.begin() + static_cast<long>(r * V), logits.begin() + static_cast<long>((r + 1) * V));
    std::vector<float> want(incremental.begin() + static_cast<long>(wanted[r] * V),
                            incremental.begin() + static_cast<long>((wanted[r] + 1) * V));
    EXPECT_LT(max_abs_diff(got, want), 1e-4) << "position " << wanted[r];
  }
}

// Decoding on more threads than (token, KV head) items splits long contexts across threads; the merged
// result equals the one-thread result.
TEST_F(ForwardConsistency, SplitContextDecodeEqualsOneThread) {
  Qwen2Model m = Qwen2Model::load(path_);
  auto tokens = test_tokens(526, spec_.n_vocab, 10);
  // Prefill 520 tokens at once, then decode 6 one at a time (2 items per step: split in 2 on 3 threads).
  ASSERT_GT(Qwen2Model::attention_splits(spec_.n_heads_kv, 521, 3), 1) << "this test no longer splits the context";
  ASSERT_EQ(Qwen2Model::attention_splits(spec_.n_heads_kv, 526, 1), 1);
  auto decode_logits = [&](int threads) {
    kv::KvCache cache(m.kv_cache_options(526, 1, kv::KvType::kF16));
    kernels::ThreadPool pool(threads);
    std::vector<int32_t> prompt(tokens.begin(), tokens.begin() + 520);
    std::vector<float> all, step;
    m.forward(model::make_sequence_batch(prompt, 0, 0, false), cache, pool, nullptr);
    for (size_t i = 520; i < tokens.size(); ++i) {
      m.forward(model::make_sequence_batch({tokens[i]}, 0, static_cast<int32_t>(i), true), cache, pool, &step);
      all.insert(all.end(), step.begin(), step.end());
    }
    return all;
  };
  double diff = max_abs_diff(decode_logits(1), decode_logits(3));
  std::printf("520-token context decode, 3 threads (split attention) vs 1: max abs %.3g\n", diff);
  EXPECT_LT(diff, 1e-4);
}

TEST_F(ForwardConsistency, QuantizedPromptAtOnceEqualsTokenByToken) {
  std::string q = write_tiny_gguf(k_quant_shape(false), WeightScheme::kQ4_K_M, dir_.file("q.gguf"));
  Qwen2Model m = Qwen2Model::load(q);
  auto tokens = test_tokens(20, 384);
  double diff = max_abs_diff(run_prompt(m, tokens), run_incremental(m, tokens));
  std::printf("prompt vs token-by-token Q4_K_M: max abs %.3g\n", diff);
  EXPECT_LT(diff, 1e-3);
}

TEST_F(ForwardConsistency, F16CacheStaysCloseToF32Cache) {
  Qwen2Model m = Qwen2Model::load(path_);
  auto tokens = test_tokens(40, spec_.n_vocab);
  double diff = max_abs_diff(run_prompt(m, tokens, kv::KvType::kF16), run_prompt(m, tokens, kv::KvType::kF32));
  std::printf("KV f16 vs f32: max abs %.3g\n", diff);
  EXPECT_LT(diff, 1e-2);
  double inc = max_abs_diff(run_incremental(m, tokens, kv::KvType::kF16), run_prompt(m, tokens, kv::KvType::kF16));
  EXPECT_LT(inc, 1e-4);
}

// Three sequences of different lengths, interleaved token by token in one batch, then decoded together,
// give each sequence the logits it gets alone.
TEST_F(ForwardConsistency, InterleavedSequencesMatchOneAtATime) {
  Qwen2Model m = Qwen2Model::load(path_);
  std::vector<std::vector<int32_t>> seqs = {test_tokens(9, spec_.n_vocab, 1), test_tokens(23, spec_.n_vocab, 2),
                                            test_tokens(4, spec_.n_vocab, 3)};
  const int32_t ids[] = {5, 42, 7};
  kv::KvCache cache(m.kv_cache_options(40, 3, kv::KvType::kF32));
  kernels::ThreadPool pool(2);
  // Prefill: round-robin interleaving, all logits.
  model::Batch batch;
  std::vector<std::pair<size_t, size_t>> order;  // (sequence, position) of each batch row
  for (size_t pos = 0; pos < 23; ++pos) {
    for (size_t s = 0; s < 3; ++s) {
      if (pos + 2 < seqs[s].size()) {  // keep the last two tokens for the decode steps
        batch.add(seqs[s][pos], static_cast<int32_t>(pos), ids[s], true);
        order.emplace_back(s, pos);
      }
    }
  }
  std::vector<float> logits;
  m.forward(batch, cache, pool, &logits);
  const size_t V = static_cast<size_t>(spec_.n_vocab);
  std::vector<std::vector<float>> got(3);
  for (auto& g : got) g.resize(0);
  std::vector<std::vector<std::vector<float>>> rows(3);
  for (size_t i = 0; i < order.size(); ++i) {
    rows[order[i].first].emplace_back(logits.begin() + static_cast<long>(i * V), logits.begin() + static_cast<long>((i + 1) * V));
  }
  // Decode: two steps, one token of each sequence per batch, sequences in reverse order.
  for (int step = 0; step < 2; ++step) {
    model::Batch decode;
    for (size_t s = 3; s-- > 0;) {
      size_t pos = seqs[s].size() - 2 + static_cast<size_t>(step);
      decode.add(seqs[s][pos], static_cast<int32_t>(pos), ids[s], true);
    }
    m.forward(decode, cache, pool, &logits);
    for (size_t s = 3, i = 0; s-- > 0; ++i) {
      rows[s].emplace_back(logits.begin() + static_cast<long>(i * V), logits.begin() + static_cast<long>((i + 1) * V));
    }
  }
  for (size_t s = 0; s < 3; ++s) {
    EXPECT_EQ(cache.length(ids[s]), static_cast<int64_t>(seqs[s].size()));
    std::vector<float> flat;
    for (const auto& r : rows[s]) flat.insert(flat.end(), r.begin(), r.end());
    double diff = max_abs_diff(flat, run_prompt(m, seqs[s]));
    std::printf("interleaved batch vs alone, sequence %zu: max abs %.3g\n", s, diff);
    EXPECT_LT(diff, 1e-4) << "sequence " << s;
  }
}

TEST_F(ForwardConsistency, ReEvaluatingFromAnEarlierPositionCutsTheCache) {
  Qwen2Model m = Qwen2Model::load(path_);
  auto a = test_tokens(20, spec_.n_vocab, 4);
  auto b = a;
  for (size_t i = 12; i < b.size(); ++i) b[i] = (b[i] + 17) % static_cast<int32_t>(spec_.n_vocab);
  kv::KvCache cache(m.kv_cache_options(20, 1, kv::KvType::kF32));
  kernels::ThreadPool pool(1);
  std::vector<float> logits;
  m.forward(model::make_sequence_batch(a, 0, 0, false), cache, pool, &logits);
  std::vector<int32_t> tail(b.begin() + 12, b.end());
  m.forward(model::make_sequence_batch(tail, 0, 12, false), cache, pool, &logits);
  EXPECT_EQ(cache.length(0), 20);
  auto fresh = run_prompt(m, b);
  std::vector<float> last(fresh.end() - spec_.n_vocab, fresh.end());
  EXPECT_LT(max_abs_diff(logits, last), 1e-4);
}

TEST_F(ForwardConsistency, BrokenBatchesAreRejectedWithoutTouchingTheCache) {
  Qwen2Model m = Qwen2Model::load(path_);
  kv::KvCache cache(m.kv_cache_options(32, 1, kv::KvType::kF32));
  kernels::ThreadPool pool(1);
  std::vector<float> logits;
  m.forward(model::make_sequence_batch({1, 2, 3}, 0, 0, false), cache, pool, &logits);
  EXPECT_THROW(m.forward(model::make_sequence_batch({1, 300}, 0, 3, false), cache, pool, &logits), InvalidInputError);
  EXPECT_THROW(m.forward(model::make_sequence_batch({1}, 0, 5, false), cache, pool, &logits), InvalidInputError);
  model::Batch gap;
  gap.add(1, 3, 0, true);
  gap.add(2, 5, 0, true);
  EXPECT_THROW(m.forward(gap, cache, pool, &logits), InvalidInputError);
  EXPECT_THROW(m.forward(model::Batch{}, cache, pool, &logits), InvalidInputError);
  EXPECT_THROW(m.forward(model::make_sequence_batch(test_tokens(40, 300), 1, 0, false), cache, pool, &logits),
               UnsupportedError);
  EXPECT_EQ(cache.length(0), 3);
  EXPECT_FALSE(cache.has_sequence(1));
}

TEST_F(ForwardConsistency, GgufAndSafetensorsOfTheSameWeightsGiveTheSameLogits) {
  std::string hf = write_tiny_hf(spec_, DType::kF32, dir_.file("hf"));
  model::LoadOptions f32;
  f32.dtype = DType::kF32;
  Qwen2Model from_gguf = Qwen2Model::load(path_);
  Qwen2Model from_hf = Qwen2Model::load(hf, f32);
  EXPECT_TRUE(from_gguf.config() == from_hf.config());
  auto tokens = test_tokens(11, spec_.n_vocab);
  EXPECT_EQ(max_abs_diff(run_prompt(from_gguf, tokens), run_prompt(from_hf, tokens)), 0.0);
  // The HF default compute type is Q8_0, converted at load: close to, not equal to, the F32 logits.
  Qwen2Model q8 = Qwen2Model::load(hf);
  EXPECT_EQ(q8.weight_type_name(), "Q8_0");
  double diff = max_abs_diff(run_prompt(q8, tokens), run_prompt(from_gguf, tokens));
  EXPECT_GT(diff, 0.0);
  EXPECT_LT(diff, 0.3);
}

TEST_F(ForwardConsistency, TiedHeadUsesTheEmbedding) {
  TinyModelSpec tied = spec_;
  tied.tied = true;
  Qwen2Model m = Qwen2Model::load(write_tiny_gguf(tied, WeightScheme::kF32, dir_.file("tied.gguf")));
  EXPECT_EQ(m.weights().output.data, m.weights().token_embd.data);
  EXPECT_TRUE(m.config().tied_output);
  EXPECT_LT(m.weight_bytes(), Qwen2Model::load(path_).weight_bytes());
}

}  // namespace
}  // namespace hirelm::test
