// Paged attention: argument checks, dispatch to a path, the generic streaming path, the merge of partial
// states and the scalar reference.
#include "engine/kv/paged_attention.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "engine/kernels/quantize.h"
#include "engine/kv/attention_paths.h"
#include "util/check.h"

namespace hirelm::kv {

namespace detail {
namespace {

// Copies `n_rows` cached rows of one KV head ([head_dim] values each, `stride` elements apart) as f32.
void load_rows(const void* base, KvType type, int64_t first_row, int64_t n_rows, int64_t stride, int64_t offset,
               int64_t head_dim, float* dst) {
  for (int64_t r = 0; r < n_rows; ++r) {
    const int64_t start = (first_row + r) * stride + offset;
    float* d = dst + r * head_dim;
    if (type == KvType::kF32) {
      const float* src = static_cast<const float*>(base) + start;
      std::copy(src, src + head_dim, d);
    } else {
      const uint16_t* src = static_cast<const uint16_t*>(base) + start;
      for (int64_t i = 0; i < head_dim; ++i) d[i] = kernels::f16_to_f32(src[i]);
    }
  }
}

}  // namespace

void attend_range_generic(const AttentionRangeArgs& a) {
  const KvCache& cache = *a.cache;
  const int64_t hd = a.head_dim, group = a.group, bs = cache.block_size(), stride = cache.row_elements();
  const KvType type = cache.options().type;
  float rows[kAttentionTile * kAttentionMaxHeadDim];  // one tile of K (then V) rows as f32
  float p[kAttentionMaxGroup * kAttentionTile];       // scores, then probabilities, [group][tile]
  float* acc = a.partial.acc;
  std::fill(acc, acc + group * hd, 0.0f);
  std::fill(a.partial.max, a.partial.max + group, -std::numeric_limits<float>::infinity());
  std::fill(a.partial.sum, a.partial.sum + group, 0.0f);

  for (int64_t pos = a.begin; pos < a.end;) {
    const int32_t block = a.block_table[pos / bs];
    const int64_t first = pos % bs;
    const int64_t n = std::min({kAttentionTile, bs - first, a.end - pos});
    load_rows(cache.k_block(a.layer, block), type, first, n, stride, a.kv_head * hd, hd, rows);
    for (int64_t g = 0; g < group; ++g) {
      const float* qg = a.q_scaled + g * hd;
      float* pg = p + g * kAttentionTile;
      float tile_max = -std::numeric_limits<float>::infinity();
      for (int64_t r = 0; r < n; ++r) {
        const float* kr = rows + r * hd;
        float dot = 0.0f;
        for (int64_t i = 0; i < hd; ++i) dot += qg[i] * kr[i];
        pg[r] = dot;
        tile_max = std::max(tile_max, dot);
      }
      // Online softmax: rescale the running state to the new maximum, then add this tile.
      const float new_max = std::max(a.partial.max[g], tile_max);
      const float correction = std::exp(a.partial.max[g] - new_max);
      a.partial.max[g] = new_max;
      float tile_sum = 0.0f;
      for (int64_t r = 0; r < n; ++r) {
        pg[r] = std::exp(pg[r] - new_max);
        tile_sum += pg[r];
      }
      a.partial.sum[g] = a.partial.sum[g] * correction + tile_sum;
      float* ag = acc + g * hd;
      if (correction != 1.0f) {
        for (int64_t i = 0; i < hd; ++i) ag[i] *= correction;
      }
    }
    load_rows(cache.v_block(a.layer, block), type, first, n, stride, a.kv_head * hd, hd, rows);
    for (int64_t g = 0; g < group; ++g) {
      float* ag = acc + g * hd;
      for (int64_t r = 0; r < n; ++r) {
        const float pr = p[g * kAttentionTile + r];
        const float* vr = rows + r * hd;
        for (int64_t i = 0; i < hd; ++i) ag[i] += pr * vr[i];
      }
    }
    pos += n;
  }
}

}  // namespace detail

namespace {

void check_args(const KvCache& cache, int32_t seq_id, int64_t n_heads, int64_t kv_head) {
  const auto& o = cache.options();
  HIRELM_CHECK(n_heads > 0 && n_heads % o.n_heads_kv == 0);
  HIRELM_CHECK(kv_head >= 0 && kv_head < o.n_heads_kv);
  HIRELM_CHECK_MSG(o.head_dim <= kAttentionMaxHeadDim, "paged_attention: head_dim above kAttentionMaxHeadDim");
  HIRELM_CHECK(cache.has_sequence(seq_id));
}

// Runs the path for query heads [g0, g0 + group) of kv_head's group over [begin, end).
void attend_chunk(kernels::Isa isa, const KvCache& cache, int64_t layer, const int32_t* table, int64_t begin,
                  int64_t end, const float* q_heads, int64_t group, float scale, int64_t kv_head,
                  const AttentionPartialView& partial) {
  const int64_t hd = cache.options().head_dim;
  float q_scaled[detail::kAttentionMaxGroup * kAttentionMaxHeadDim];
  for (int64_t i = 0; i < group * hd; ++i) q_scaled[i] = q_heads[i] * scale;
  detail::AttentionRangeArgs a;
  a.cache = &cache;
  a.layer = layer;
  a.block_table = table;
  a.begin = begin;
  a.end = end;
  a.kv_head = kv_head;
  a.q_scaled = q_scaled;
  a.group = group;
  a.head_dim = hd;
  a.partial = partial;
#if defined(HIRELM_HAVE_AVX2_KERNELS)
  if (kernels::isa_includes(isa, kernels::Isa::kAvx2) && hd % 8 == 0) {
    detail::attend_range_avx2(a);
    return;
  }
#endif
  (void)isa;
  detail::attend_range_generic(a);
}

}  // namespace

void paged_attention_partial(kernels::Isa isa, const KvCache& cache, int64_t layer, int32_t seq_id, int64_t begin,
                             int64_t end, const float* q, int64_t n_heads, float scale, int64_t kv_head,
                             const AttentionPartialView& partial) {
  check_args(cache, seq_id, n_heads, kv_head);
  HIRELM_CHECK(begin >= 0 && begin < end && end <= cache.length(seq_id));
  const int64_t hd = cache.options().head_dim;
  const int64_t group = n_heads / cache.options().n_heads_kv;
  const int32_t* table = cache.block_table(seq_id).data();
  for (int64_t g0 = 0; g0 < group; g0 += detail::kAttentionMaxGroup) {
    const int64_t chunk = std::min(detail::kAttentionMaxGroup, group - g0);
    AttentionPartialView part{partial.acc + g0 * hd, partial.max + g0, partial.sum + g0};
    attend_chunk(isa, cache, layer, table, begin, end, q + (kv_head * group + g0) * hd, chunk, scale, kv_head, part);
  }
}

void paged_attention_with_isa(kernels::Isa isa, const KvCache& cache, int64_t layer, int32_t seq_id, int64_t n_ctx,
                              const float* q, int64_t n_heads, float scale, float* out, int64_t kv_head) {
  check_args(cache, seq_id, n_heads, kv_head);
  HIRELM_CHECK(n_ctx >= 1 && n_ctx <= cache.length(seq_id));
  const int64_t hd = cache.options().head_dim;
  const int64_t group = n_heads / cache.options().n_heads_kv;
  const int32_t* table = cache.block_table(seq_id).data();
  float max[detail::kAttentionMaxGroup];
  float sum[detail::kAttentionMaxGroup];
  for (int64_t g0 = 0; g0 < group; g0 += detail::kAttentionMaxGroup) {
    const int64_t chunk = std::min(detail::kAttentionMaxGroup, group - g0);
    float* acc = out + (kv_head * group + g0) * hd;  // the output heads double as the accumulator
    attend_chunk(isa, cache, layer, table, 0, n_ctx, q + (kv_head * group + g0) * hd, chunk, scale, kv_head,
                 AttentionPartialView{acc, max, sum});
    for (int64_t g = 0; g < chunk; ++g) {
      const float inv = 1.0f / sum[g];
      for (int64_t i = 0; i < hd; ++i) acc[g * hd + i] *= inv;
    }
  }
}

void paged_attention(const KvCache& cache, int64_t layer, int32_t seq_id, int64_t n_ctx, const float* q,
                     int64_t n_heads, float scale, float* out, int64_t kv_head) {
  paged_attention_with_isa(kernels::active_isa(), cache, layer, seq_id, n_ctx, q, n_heads, scale, out, kv_head);
}

void merge_attention_partials(const AttentionPartialView* parts, int64_t n_parts, int64_t group, int64_t head_dim,
                              float* out) {
  HIRELM_CHECK(n_parts >= 1);
  for (int64_t g = 0; g < group; ++g) {
    float m = -std::numeric_limits<float>::infinity();
    for (int64_t p = 0; p < n_parts; ++p) m = std::max(m, parts[p].max[g]);
    float* o = out + g * head_dim;
    std::fill(o, o + head_dim, 0.0f);
    float denom = 0.0f;
    for (int64_t p = 0; p < n_parts; ++p) {
      const float w = std::exp(parts[p].max[g] - m);
      denom += w * parts[p].sum[g];
      const float* acc = parts[p].acc + g * head_dim;
      for (int64_t i = 0; i < head_dim; ++i) o[i] += w * acc[i];
    }
    const float inv = 1.0f / denom;
    for (int64_t i = 0; i < head_dim; ++i) o[i] *= inv;
  }
}

void paged_attention_reference(const KvCache& cache, int64_t layer, int32_t seq_id, int64_t n_ctx, const float* q,
                               int64_t n_heads, float scale, float* out, int64_t kv_head) {
  check_args(cache, seq_id, n_heads, kv_head);
  HIRELM_CHECK(n_ctx >= 1 && n_ctx <= cache.length(seq_id));
  const auto& o = cache.options();
  const int64_t hd = o.head_dim, group = n_heads / o.n_heads_kv, bs = o.block_size;
  const auto& table = cache.block_table(seq_id);
  std::vector<float> k(static_cast<size_t>(n_ctx * hd)), v(k.size());
  for (int64_t j = 0; j < n_ctx; ++j) {
    const int32_t block = table[static_cast<size_t>(j / bs)];
    detail::load_rows(cache.k_block(layer, block), o.type, j % bs, 1, cache.row_elements(), kv_head * hd, hd,
                      &k[static_cast<size_t>(j * hd)]);
    detail::load_rows(cache.v_block(layer, block), o.type, j % bs, 1, cache.row_elements(), kv_head * hd, hd,
                      &v[static_cast<size_t>(j * hd)]);
  }
  std::vector<double> s(static_cast<size_t>(n_ctx));
  for (int64_t g = 0; g < group; ++g) {
    const float* qh = q + (kv_head * group + g) * hd;
    double m = -std::numeric_limits<double>::infinity();
    for (int64_t j = 0; j < n_ctx; ++j) {
      double dot = 0;
      for (int64_t i = 0; i < hd; ++i) dot += static_cast<double>(qh[i]) * k[static_cast<size_t>(j * hd + i)];
      s[static_cast<size_t>(j)] = dot * scale;
      m = std::max(m, s[static_cast<size_t>(j)]);
    }
    double denom = 0;
    for (auto& x : s) denom += (x = std::exp(x - m));
    for (int64_t i = 0; i < hd; ++i) {
      double acc = 0;
      for (int64_t j = 0; j < n_ctx; ++j) acc += s[static_cast<size_t>(j)] * v[static_cast<size_t>(j * hd + i)];
      out[(kv_head * group + g) * hd + i] = static_cast<float>(acc / denom);
    }
  }
}

}  // namespace hirelm::kv
