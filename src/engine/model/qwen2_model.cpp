#include "engine/model/qwen2_model.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "engine/kernels/matmul.h"
#include "engine/kernels/ops.h"
#include "engine/kv/paged_attention.h"
#include "util/check.h"
#include "util/error.h"

namespace hirelm::model {

Batch make_sequence_batch(const std::vector<int32_t>& tokens, int32_t seq_id, int32_t start, bool all_logits) {
  Batch batch;
  for (size_t i = 0; i < tokens.size(); ++i) {
    batch.add(tokens[i], start + static_cast<int32_t>(i), seq_id, all_logits || i + 1 == tokens.size());
  }
  return batch;
}

// Activations of one micro-batch, sized by the micro-batch (never by the prompt or the context) and reused
// across calls: after the first forward of a given size, forward() allocates nothing.
struct Qwen2Model::Scratch {
  std::vector<float> x;       // [n, n_embd] residual stream
  std::vector<float> xn;      // [n, n_embd] normalised input of a block
  std::vector<float> q;       // [n, q_dim]
  std::vector<float> k;       // [n, kv_dim]
  std::vector<float> v;       // [n, kv_dim]
  std::vector<float> attn;    // [n, q_dim] attention output, heads concatenated
  std::vector<float> proj;    // [n, n_embd] output of attn_output / ffn_down
  std::vector<float> gate;    // [n, n_ff]
  std::vector<float> up;      // [n, n_ff]
  std::vector<float> out_x;   // [n_wanted, n_embd] final-normalised rows that want logits
  std::vector<float> partials;  // [n_items, n_splits, group * (head_dim + 2)] split-context attention state
  std::vector<int64_t> rows;    // [n_wanted] micro-batch rows that want logits
};

Qwen2Model::Qwen2Model() : scratch_(std::make_unique<Scratch>()) {}
Qwen2Model::Qwen2Model(Qwen2Model&&) noexcept = default;
Qwen2Model& Qwen2Model::operator=(Qwen2Model&&) noexcept = default;
Qwen2Model::~Qwen2Model() = default;

Qwen2Model Qwen2Model::from_parts(const Qwen2Config& config, const Qwen2Weights& weights,
                                  std::shared_ptr<const void> storage, std::string name) {
  config.validate(name);
  Qwen2Model model;
  model.config_ = config;
  model.weights_ = weights;
  tie_output(model.config_, model.weights_);
  model.storage_.push_back(std::move(storage));
  model.path_ = std::move(name);
  return model;
}

uint64_t Qwen2Model::weight_bytes() const {
  uint64_t total = 0;
  Qwen2Weights copy = weights_;
  for_each_tensor(config_, copy, [&](const TensorSpec&, kernels::MatrixView& view) {
    total += view.row_bytes * static_cast<uint64_t>(view.rows);
  });
  return total;
}

std::string Qwen2Model::weight_type_name() const {
  std::map<DType, uint64_t> bytes;
  Qwen2Weights copy = weights_;
  for_each_tensor(config_, copy, [&](const TensorSpec& spec, kernels::MatrixView& view) {
    if (!spec.is_vector) bytes[view.type] += view.row_bytes * static_cast<uint64_t>(view.rows);
  });
  DType best = DType::kF32;
  uint64_t most = 0;
  for (auto [type, n] : bytes) {
    if (n > most) best = type, most = n;
  }
  return std::string(dtype_name(best));
}

kv::KvCacheOptions Qwen2Model::kv_cache_options(int64_t n_ctx, int64_t n_sequences, kv::KvType type) const {
  kv::KvCacheOptions o;
  o.n_layers = config_.n_layers;
  o.n_heads_kv = config_.n_heads_kv;
  o.head_dim = config_.head_dim;
  o.type = type;
  o.n_blocks = kv::kv_blocks_for(n_ctx, n_sequences, o.block_size);
  return o;
}

namespace {

// Checks the batch against the contract in qwen2_model.h and returns, per sequence, the length its
// cache entry has after the batch. Touches nothing.
std::map<int32_t, int64_t> plan_batch(const Batch& batch, const kv::KvCache& cache, int64_t n_vocab) {
  size_t n = batch.tokens.size();
  if (n == 0) throw InvalidInputError("batch is empty");
  if (batch.positions.size() != n || batch.seq_ids.size() != n ||
      (!batch.want_logits.empty() && batch.want_logits.size() != n)) {
    throw InvalidInputError("batch: tokens, positions, seq_ids and want_logits differ in length");
  }
  std::map<int32_t, int64_t> next;  // seq -> expected next position
  std::map<int32_t, int64_t> blocks_needed;
  for (size_t i = 0; i < n; ++i) {
    int32_t token = batch.tokens[i];
    if (token < 0 || token >= n_vocab) {
      throw InvalidInputError("token id " + std::to_string(token) + " out of range [0, " + std::to_string(n_vocab) + ")");
    }
    int32_t seq = batch.seq_ids[i];
    int64_t pos = batch.positions[i];
    auto it = next.find(seq);
    if (it == next.end()) {
      if (pos < 0 || pos > cache.length(seq)) {
        throw InvalidInputError("sequence " + std::to_string(seq) + " starts at position " + std::to_string(pos) +
                                ", expected 0.." + std::to_string(cache.length(seq)));
      }
    } else if (pos != it->second) {
      throw InvalidInputError("sequence " + std::to_string(seq) + ": position " + std::to_string(pos) +
                              ", expected " + std::to_string(it->second));
    }
    next[seq] = pos + 1;
  }
  int64_t extra = 0;
  int64_t bs = cache.block_size();
  for (auto [seq, length] : next) {
    int64_t have = static_cast<int64_t>(cache.block_table(seq).size());
    extra += std::max<int64_t>(0, (length + bs - 1) / bs - have);
  }
  if (extra > cache.n_free_blocks()) {
    throw UnsupportedError("KV cache full: the batch needs " + std::to_string(extra) + " more blocks, " +
                           std::to_string(cache.n_free_blocks()) + " free");
  }
  return next;
}

// Unmaps the pages spanning [data, data + bytes) of a read-only private file mapping. Nothing is lost: the
// next access faults the page back in from the page cache. Never call this on anonymous memory.
void unmap_read_only_pages(const void* data, size_t bytes) {
  static const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t begin = reinterpret_cast<uintptr_t>(data) & ~(page - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes + page - 1) & ~(page - 1);
  ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);  // advisory: failure only costs memory
}

bool wants_logits(const Batch& batch, int64_t t) {
  return batch.want_logits.empty() ? t + 1 == static_cast<int64_t>(batch.size()) : batch.want_logits[static_cast<size_t>(t)] != 0;
}

}  // namespace

int64_t Qwen2Model::attention_splits(int64_t n_items, int64_t max_ctx, int n_threads) {
  if (n_items >= n_threads) return 1;
  const int64_t wanted = std::min<int64_t>(kMaxAttentionSplits, (n_threads + n_items - 1) / n_items);
  return std::clamp<int64_t>(max_ctx / kMinAttentionSplit, 1, wanted);
}

void Qwen2Model::forward(const Batch& batch, kv::KvCache& cache, kernels::ThreadPool& pool, std::vector<float>* logits) {
  const Qwen2Config& c = config_;
  const auto& ko = cache.options();
  HIRELM_CHECK(ko.n_layers == c.n_layers && ko.n_heads_kv == c.n_heads_kv && ko.head_dim == c.head_dim);
  for (auto [seq, length] : plan_batch(batch, cache, c.n_vocab)) cache.resize(seq, length);

  const int64_t n = static_cast<int64_t>(batch.size());
  int64_t n_wanted = 0;
  for (int64_t t = 0; t < n; ++t) n_wanted += wants_logits(batch, t) ? 1 : 0;
  if (logits != nullptr) logits->resize(static_cast<size_t>(n_wanted * c.n_vocab));
  // Micro-batches in batch order: a token's attention reads only positions of its own sequence at or
  // before its own, which earlier micro-batches (all layers) or this one (before attention) have written.
  float* logits_out = logits != nullptr ? logits->data() : nullptr;
  for (int64_t begin = 0; begin < n; begin += kMicroBatch) {
    const int64_t end = std::min(n, begin + kMicroBatch);
    const int64_t rows = forward_micro_batch(batch, begin, end, cache, pool, logits_out);
    if (logits_out != nullptr) logits_out += rows * c.n_vocab;
  }
}

int64_t Qwen2Model::forward_micro_batch(const Batch& batch, int64_t begin, int64_t end, kv::KvCache& cache,
                                        kernels::ThreadPool& pool, float* logits) {
  const Qwen2Config& c = config_;
  const int64_t n = end - begin;
  const int64_t d = c.n_embd, dq = c.q_dim(), dkv = c.kv_dim(), dff = c.n_ff, hd = c.head_dim;
  const int64_t n_kv = c.n_heads_kv, group = c.n_heads / c.n_heads_kv;
  const float eps = static_cast<float>(c.rms_eps);
  const float theta = static_cast<float>(c.rope_theta);
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  const int32_t* tokens = batch.tokens.data() + begin;
  const int32_t* positions = batch.positions.data() + begin;
  const int32_t* seq_ids = batch.seq_ids.data() + begin;
  Scratch& s = *scratch_;
  auto size = [](std::vector<float>& buf, int64_t count) {
    if (buf.size() < static_cast<size_t>(count)) buf.resize(static_cast<size_t>(count));
  };
  size(s.x, n * d), size(s.xn, n * d), size(s.q, n * dq), size(s.k, n * dkv), size(s.v, n * dkv);
  size(s.attn, n * dq), size(s.proj, n * d), size(s.gate, n * dff), size(s.up, n * dff);

  // Attention work items: (token, KV head), each split into n_splits ranges of its context when there are
  // fewer items than threads and the contexts are long (decoding few sequences on many cores).
  int64_t max_ctx = 0;
  for (int64_t t = 0; t < n; ++t) max_ctx = std::max<int64_t>(max_ctx, positions[t] + 1);
  const int64_t n_items = n * n_kv;
  const int64_t n_splits = attention_splits(n_items, max_ctx, pool.size());
  const int64_t partial_floats = group * (hd + 2);
  if (n_splits > 1) size(s.partials, n_items * n_splits * partial_floats);
  // The partial state of attention job (item, split) = item * n_splits + split: acc, then max, then sum.
  auto partial_view = [&](int64_t job) {
    float* part = &s.partials[static_cast<size_t>(job * partial_floats)];
    return kv::AttentionPartialView{part, part + group * hd, part + group * hd + group};
  };

  // Runs fn(t) for every token of the micro-batch, spread over the pool (inline for a single token).
  auto per_token = [&](auto&& fn) {
    if (n == 1) return fn(0);
    pool.run([&](int index, int count) {
      for (int64_t t = index; t < n; t += count) fn(t);
    });
  };

  // x: [n, n_embd] = token_embd rows
  for (int64_t t = 0; t < n; ++t) kernels::get_row(weights_.token_embd, tokens[t], &s.x[t * d]);
  // An untied, file-mapped embedding table is only ever read a few rows at a time: drop its mapping so the
  // table does not become resident (a tied one is read in full by the output head anyway).
  if (token_embd_mapped_ && weights_.output.data != weights_.token_embd.data) {
    unmap_read_only_pages(weights_.token_embd.data, weights_.token_embd.row_bytes * static_cast<size_t>(weights_.token_embd.rows));
  }

  for (int64_t il = 0; il < c.n_layers; ++il) {
    const LayerWeights& w = weights_.layers[static_cast<size_t>(il)];

    // Attention block.
    per_token([&](int64_t t) { kernels::rmsnorm(&s.x[t * d], static_cast<const float*>(w.attn_norm.data), &s.xn[t * d], d, eps); });
    // q: [n, n_heads * head_dim], k and v: [n, n_heads_kv * head_dim], in one fused matmul.
    const kernels::MatmulOutput qkv[3] = {{&w.attn_q, s.q.data()}, {&w.attn_k, s.k.data()}, {&w.attn_v, s.v.data()}};
    kernels::matmul_fused(qkv, s.xn.data(), n, pool);
    per_token([&](int64_t t) {
      kernels::add(&s.q[t * dq], static_cast<const float*>(w.attn_q_bias.data), dq);
      kernels::add(&s.k[t * dkv], static_cast<const float*>(w.attn_k_bias.data), dkv);
      kernels::add(&s.v[t * dkv], static_cast<const float*>(w.attn_v_bias.data), dkv);
      kernels::rope_neox(&s.q[t * dq], c.n_heads, hd, positions[t], theta);
      kernels::rope_neox(&s.k[t * dkv], n_kv, hd, positions[t], theta);
      cache.write(il, seq_ids[t], positions[t], &s.k[t * dkv], &s.v[t * dkv]);
    });
    // attn: [n, n_heads * head_dim]. Threads take items from a shared counter: with a causal prompt the
    // items' costs grow with the position, and a descheduled thread must not hold a fixed share.
    std::atomic<int64_t> next_item{0};
    pool.run([&](int, int) {
      const kernels::Isa isa = kernels::active_isa();
      for (int64_t job = next_item.fetch_add(1); job < n_items * n_splits; job = next_item.fetch_add(1)) {
        const int64_t item = job / n_splits, split = job % n_splits;
        const int64_t t = item / n_kv, kvh = item % n_kv;
        const int64_t n_ctx = positions[t] + 1;
        if (n_splits == 1) {
          kv::paged_attention_with_isa(isa, cache, il, seq_ids[t], n_ctx, &s.q[t * dq], c.n_heads, scale, &s.attn[t * dq], kvh);
          continue;
        }
        const kv::AttentionPartialView view = partial_view(job);
        const int64_t lo = n_ctx * split / n_splits, hi = n_ctx * (split + 1) / n_splits;
        if (lo < hi) {
          kv::paged_attention_partial(isa, cache, il, seq_ids[t], lo, hi, &s.q[t * dq], c.n_heads, scale, kvh, view);
        } else {  // an empty range: weight zero in the merge
          std::fill(view.acc, view.acc + partial_floats, 0.0f);
          std::fill(view.max, view.max + group, -std::numeric_limits<float>::infinity());
        }
      }
    });
    if (n_splits > 1) {
      per_token([&](int64_t t) {
        for (int64_t kvh = 0; kvh < n_kv; ++kvh) {
          kv::AttentionPartialView parts[kMaxAttentionSplits];
          for (int64_t sp = 0; sp < n_splits; ++sp) parts[sp] = partial_view((t * n_kv + kvh) * n_splits + sp);
          kv::merge_attention_partials(parts, n_splits, group, hd, &s.attn[t * dq + kvh * group * hd]);
        }
      });
    }
    kernels::matmul(w.attn_output, s.attn.data(), s.proj.data(), n, pool);  // proj: [n, n_embd]
    kernels::add(s.x.data(), s.proj.data(), n * d);

    // Feed-forward block.
    per_token([&](int64_t t) { kernels::rmsnorm(&s.x[t * d], static_cast<const float*>(w.ffn_norm.data), &s.xn[t * d], d, eps); });
    // gate: [n, n_ff] = silu(xn W_gate^T) * (xn W_up^T), fused (up: scratch).
    kernels::matmul_silu_gate(w.ffn_gate, w.ffn_up, s.xn.data(), s.gate.data(), s.up.data(), n, pool);
    kernels::matmul(w.ffn_down, s.gate.data(), s.proj.data(), n, pool);  // proj: [n, n_embd]
    kernels::add(s.x.data(), s.proj.data(), n * d);
  }

  // out_x: [n_wanted, n_embd] = RMSNorm of the rows that want logits; logits: [n_wanted, n_vocab].
  s.rows.clear();
  for (int64_t t = 0; t < n; ++t) {
    if (wants_logits(batch, begin + t)) s.rows.push_back(t);
  }
  const int64_t n_out = static_cast<int64_t>(s.rows.size());
  if (logits == nullptr || n_out == 0) return n_out;
  size(s.out_x, n_out * d);
  for (int64_t r = 0; r < n_out; ++r) {
    kernels::rmsnorm(&s.x[s.rows[static_cast<size_t>(r)] * d], static_cast<const float*>(weights_.output_norm.data),
                     &s.out_x[r * d], d, eps);
  }
  kernels::matmul(weights_.output, s.out_x.data(), logits, n_out, pool);
  return n_out;
}

}  // namespace hirelm::model
