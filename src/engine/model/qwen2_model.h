// A loaded Qwen2 model and its forward pass over a batch of tokens from many sequences.
//
// The forward pass reads like the math - per layer:
//   x += Wo . Attention(RoPE(Wq . RMSNorm(x) + bq), RoPE(Wk . RMSNorm(x) + bk), Wv . RMSNorm(x) + bv)
//   x += Wdown . (SiLU(Wgate . RMSNorm(x)) * (Wup . RMSNorm(x)))
// then logits = Wout . RMSNorm(x), all as named kernel calls on [n_tokens, width] f32 activations.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/kernels/dtype.h"
#include "engine/kernels/thread_pool.h"
#include "engine/kv/kv_cache.h"
#include "engine/model/batch.h"
#include "engine/model/qwen2_config.h"
#include "engine/model/qwen2_weights.h"

namespace hirelm::model {

struct LoadOptions {
  // Compute type of the weight matrices. Unset: a GGUF file's own types are used in place (zero copy);
  // a Hugging Face directory defaults to Q8_0. Set: every matrix is converted at load (norms and biases
  // stay f32). A matrix already stored in this type is used in place.
  std::optional<DType> dtype;
};

// "f32", "f16", "bf16", "q8_0", "q4_0", "q4_k", "q6_k" (any case) -> DType; InvalidInputError otherwise.
DType parse_dtype(const std::string& name);

class Qwen2Model {
 public:
  // A .gguf file or a Hugging Face directory (config.json + model.safetensors[.index.json]).
  // Throws NotFoundError, InvalidInputError (wrong architecture, missing tensor, wrong shape or dtype,
  // with expected-vs-actual) or UnsupportedError.
  static Qwen2Model load(const std::string& path, const LoadOptions& options = {});
  // Takes weights whose views point into `storage` (kept alive by the model), e.g. random ones.
  static Qwen2Model from_parts(const Qwen2Config& config, const Qwen2Weights& weights,
                               std::shared_ptr<const void> storage, std::string name);

  Qwen2Model(Qwen2Model&&) noexcept;
  Qwen2Model& operator=(Qwen2Model&&) noexcept;
  ~Qwen2Model();

  const Qwen2Config& config() const { return config_; }
  const Qwen2Weights& weights() const { return weights_; }
  const std::string& path() const { return path_; }
  // Bytes of all weight tensors as used for compute (tied head counted once).
  uint64_t weight_bytes() const;
  // The type most weight bytes are stored in ("Q8_0", "F16", ...; llama.cpp's "Q4_K - Medium" is
  // reported as Q4_K), for reports.
  std::string weight_type_name() const;

  // KV cache geometry for this model: room for n_sequences sequences of n_ctx tokens each.
  kv::KvCacheOptions kv_cache_options(int64_t n_ctx, int64_t n_sequences, kv::KvType type) const;

  // Runs the batch. Contract:
  // - tokens, positions, seq_ids have the same length n >= 1; want_logits is empty or length n.
  // - Each sequence's tokens in the batch have consecutive increasing positions p0, p0+1, ..., in batch
  //   order, with p0 <= cache.length(seq) (p0 < length re-evaluates: the cache is cut back to p0 first).
  // - Afterwards cache.length(seq) = last position + 1 for every sequence in the batch.
  // - logits (if not null) is resized to [n_wanted, n_vocab] f32: the rows of the tokens with want_logits
  //   set (the last token if want_logits is empty), in batch order.
  // Throws InvalidInputError for a token id out of range or a broken position contract, and
  // UnsupportedError when the cache has too few free blocks; the cache is unchanged in both cases.
  // Internally the batch runs as micro-batches of at most kMicroBatch tokens, so activation scratch is bounded
  // by the micro-batch, not the prompt; it is reused across calls (no allocation once warm).
  // Not thread-safe: one forward at a time per model.
  void forward(const Batch& batch, kv::KvCache& cache, kernels::ThreadPool& pool, std::vector<float>* logits);

  // Tokens per micro-batch: large enough that prompt matmuls reuse each weight row across many tokens,
  // small enough that the [n, n_ff] activations stay ~9 MiB each.
  static constexpr int64_t kMicroBatch = 256;

  // Ranges forward() splits the context of each of a micro-batch's n_items (token, KV head) attention items
  // into, when the longest context is max_ctx positions and the pool has n_threads threads: 1 unless there
  // are fewer items than threads; the partial states of the ranges are merged exactly.
  static int64_t attention_splits(int64_t n_items, int64_t max_ctx, int n_threads);

 private:
  // Decoding on more threads than (token, KV head) items splits each context into ranges of at least this
  // many positions (at most kMaxAttentionSplits), merged exactly afterwards.
  static constexpr int64_t kMinAttentionSplit = 256;
  static constexpr int64_t kMaxAttentionSplits = 64;

  Qwen2Model();
  struct Scratch;
  // Runs tokens [begin, end) of the batch (cache already sized) and writes the logits of its rows that want
  // them to `logits` (when not null), in order; returns how many rows want logits.
  int64_t forward_micro_batch(const Batch& batch, int64_t begin, int64_t end, kv::KvCache& cache,
                              kernels::ThreadPool& pool, float* logits);

  Qwen2Config config_;
  Qwen2Weights weights_;
  std::string path_;
  std::vector<std::shared_ptr<const void>> storage_;  // mapped files and converted buffers the views use
  std::unique_ptr<Scratch> scratch_;
  // token_embd is used in place from a file mapping (a GGUF loaded without conversion). Looking up rows at
  // random then maps large folios of the table around each row; forward() unmaps the table after each
  // lookup (the pages stay in the page cache) so it is not counted in the resident set.
  bool token_embd_mapped_ = false;
};

}  // namespace hirelm::model
