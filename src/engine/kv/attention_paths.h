// The per-ISA halves of paged attention (internal to the kv library). paged_attention.cpp owns argument
// checks, query scaling and dispatch; each path streams one range of positions of one sequence for at most
// kAttentionMaxGroup query heads that share a KV head, producing the unnormalised partial state
// (AttentionPartialView). Paths allocate nothing: scratch lives on the stack, bounded by the constants here.
#pragma once

#include <cstdint>

#include "engine/kv/kv_cache.h"
#include "engine/kv/paged_attention.h"

namespace hirelm::kv::detail {

// Query heads one path call handles; paged_attention.cpp splits larger GQA groups into chunks of this size.
inline constexpr int64_t kAttentionMaxGroup = 8;
// Cached rows scored together: one online-softmax update (one max, one rescale) per tile.
inline constexpr int64_t kAttentionTile = 16;

struct AttentionRangeArgs {
  const KvCache* cache = nullptr;
  int64_t layer = 0;
  const int32_t* block_table = nullptr;  // the sequence's block table
  int64_t begin = 0;                     // first position, inclusive
  int64_t end = 0;                       // last position, exclusive; begin < end
  int64_t kv_head = 0;
  const float* q_scaled = nullptr;  // [group, head_dim] query heads already multiplied by the softmax scale
  int64_t group = 0;                // 1..kAttentionMaxGroup
  int64_t head_dim = 0;             // 1..kAttentionMaxHeadDim
  AttentionPartialView partial;     // written: [group, head_dim] acc, [group] max and sum
};

// Portable C++; exp from <cmath>.
void attend_range_generic(const AttentionRangeArgs& args);

#if defined(HIRELM_HAVE_AVX2_KERNELS)
// AVX2/FMA/F16C; head_dim must be a multiple of 8. exp by a degree-6 polynomial (about 2 ulp).
void attend_range_avx2(const AttentionRangeArgs& args);
#endif

}  // namespace hirelm::kv::detail
