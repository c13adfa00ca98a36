// Causal attention of one token's query heads over a sequence's cached keys and values, read through
// the sequence's block table with an online (streaming) softmax: one pass over the blocks, no
// [n_ctx] score buffer, so the cost of a token is independent of how the pool is fragmented.
#pragma once

#include <cstdint>

#include "engine/kv/kv_cache.h"

namespace hirelm::kv {

// q:   [n_heads, head_dim] f32, already rotated (RoPE) - the query heads of one token.
// out: [n_heads, head_dim] f32 = sum_j softmax_j(scale * q_h . k_j) v_j over positions j in [0, n_ctx)
//      of `seq_id` in `layer`, where query head h reads KV head h / (n_heads / n_heads_kv) (GQA).
// Only the query heads of KV head `kv_head` (heads [kv_head * group, (kv_head + 1) * group)) are
// computed and written, so callers can spread one token's heads over threads.
// n_ctx must be in [1, cache.length(seq_id)]; n_heads must be a multiple of the cache's n_heads_kv.
void paged_attention(const KvCache& cache, int64_t layer, int32_t seq_id, int64_t n_ctx, const float* q,
                     int64_t n_heads, float scale, float* out, int64_t kv_head);

}  // namespace hirelm::kv
