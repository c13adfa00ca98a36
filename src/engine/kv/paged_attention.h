// Causal attention of one token's query heads over a sequence's cached keys and values, read through
// the sequence's block table with an online (streaming) softmax: one pass over the blocks, no
// [n_ctx] score buffer and no heap allocation, so the cost of a token is independent of how the pool is
// fragmented. The query heads of one KV head (a GQA group) are processed together, so each cached row is
// read and converted once per group. The path (generic C++ or AVX2/FMA/F16C) is chosen once from
// kernels::active_isa(); paged_attention_reference() is the plain scalar form tests compare against.
#pragma once

#include <cstdint>

#include "engine/kernels/isa.h"
#include "engine/kv/kv_cache.h"

namespace hirelm::kv {

// Largest head_dim the streaming paths accept (they keep a scaled copy of the group's queries on the
// stack). Qwen2 models use 64 or 128.
inline constexpr int64_t kAttentionMaxHeadDim = 256;

// q:   [n_heads, head_dim] f32, already rotated (RoPE) - the query heads of one token.
// out: [n_heads, head_dim] f32 = sum_j softmax_j(scale * q_h . k_j) v_j over positions j in [0, n_ctx)
//      of `seq_id` in `layer`, where query head h reads KV head h / (n_heads / n_heads_kv) (GQA).
// Only the query heads of KV head `kv_head` (heads [kv_head * group, (kv_head + 1) * group)) are
// computed and written, so callers can spread one token's heads over threads.
// n_ctx must be in [1, cache.length(seq_id)]; n_heads must be a multiple of the cache's n_heads_kv;
// head_dim at most kAttentionMaxHeadDim.
void paged_attention(const KvCache& cache, int64_t layer, int32_t seq_id, int64_t n_ctx, const float* q,
                     int64_t n_heads, float scale, float* out, int64_t kv_head);

// The same on a chosen path (tests run every path in kernels::supported_isas()).
void paged_attention_with_isa(kernels::Isa isa, const KvCache& cache, int64_t layer, int32_t seq_id, int64_t n_ctx,
                              const float* q, int64_t n_heads, float scale, float* out, int64_t kv_head);

// The unnormalised state of attention over a range of positions, per query head g of one group:
// max_g = max_j s_gj, sum_g = sum_j exp(s_gj - max_g), acc_g = sum_j exp(s_gj - max_g) v_j, where
// s_gj = scale * q_g . k_j. Two ranges' states combine exactly (merge_attention_partials), which is how a
// long context is split across threads.
struct AttentionPartialView {
  float* acc = nullptr;  // [group, head_dim]
  float* max = nullptr;  // [group]
  float* sum = nullptr;  // [group]
};

// Computes the partial state of KV head `kv_head`'s query heads over positions [begin, end) of the
// sequence (0 <= begin < end <= cache.length(seq_id)). q and n_heads as for paged_attention.
void paged_attention_partial(kernels::Isa isa, const KvCache& cache, int64_t layer, int32_t seq_id, int64_t begin,
                             int64_t end, const float* q, int64_t n_heads, float scale, int64_t kv_head,
                             const AttentionPartialView& partial);

// out[g] = (sum over parts p of exp(max_pg - M) acc_pg) / (sum over p of exp(max_pg - M) sum_pg), M the
// largest max_pg: the attention output of the union of the parts' ranges. out: [group, head_dim].
void merge_attention_partials(const AttentionPartialView* parts, int64_t n_parts, int64_t group, int64_t head_dim,
                              float* out);

// The plain scalar definition: every score into a buffer, softmax and weighted sum in double.
// Same contract as paged_attention (writes only kv_head's query heads). Allocates; for tests.
void paged_attention_reference(const KvCache& cache, int64_t layer, int32_t seq_id, int64_t n_ctx, const float* q,
                               int64_t n_heads, float scale, float* out, int64_t kv_head);

}  // namespace hirelm::kv
