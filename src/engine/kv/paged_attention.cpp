#include "engine/kv/paged_attention.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "engine/kernels/quantize.h"
#include "util/check.h"

namespace hirelm::kv {

namespace {

// Reads one cached row segment ([head_dim] values of one KV head) as f32.
inline void load_row(const void* block, KvType type, int64_t row, int64_t row_elements, int64_t offset,
                     int64_t head_dim, float* dst) {
  int64_t start = row * row_elements + offset;
  if (type == KvType::kF32) {
    const float* src = static_cast<const float*>(block) + start;
    std::copy(src, src + head_dim, dst);
  } else {
    const uint16_t* src = static_cast<const uint16_t*>(block) + start;
    for (int64_t i = 0; i < head_dim; ++i) dst[i] = kernels::f16_to_f32(src[i]);
  }
}

}  // namespace

void paged_attention(const KvCache& cache, int64_t layer, int32_t seq_id, int64_t n_ctx, const float* q,
                     int64_t n_heads, float scale, float* out, int64_t kv_head) {
  const auto& opt = cache.options();
  const int64_t head_dim = opt.head_dim;
  const int64_t n_heads_kv = opt.n_heads_kv;
  const int64_t block_size = opt.block_size;
  const int64_t row_elements = cache.row_elements();
  HIRELM_CHECK(n_heads % n_heads_kv == 0);
  HIRELM_CHECK(n_ctx >= 1 && n_ctx <= cache.length(seq_id));
  const int64_t group = n_heads / n_heads_kv;
  const auto& table = cache.block_table(seq_id);

  // Per query head of the group: running max, running denominator, running weighted sum [head_dim].
  std::vector<float> k_rows(static_cast<size_t>(block_size * head_dim));
  std::vector<float> v_row(static_cast<size_t>(head_dim));
  std::vector<float> scores(static_cast<size_t>(group * block_size));
  std::vector<float> running_max(static_cast<size_t>(group));
  std::vector<float> running_sum(static_cast<size_t>(group));

  HIRELM_CHECK(kv_head >= 0 && kv_head < n_heads_kv);
  {
    const int64_t kvh = kv_head;
    float* acc = out + kvh * group * head_dim;  // [group, head_dim], the output heads of this KV head
    std::fill(acc, acc + group * head_dim, 0.0f);
    std::fill(running_max.begin(), running_max.end(), -std::numeric_limits<float>::infinity());
    std::fill(running_sum.begin(), running_sum.end(), 0.0f);

    for (int64_t start = 0; start < n_ctx; start += block_size) {
      const int32_t block = table[static_cast<size_t>(start / block_size)];
      const int64_t n_rows = std::min(block_size, n_ctx - start);
      const void* k_block = cache.k_block(layer, block);
      const void* v_block = cache.v_block(layer, block);
      for (int64_t r = 0; r < n_rows; ++r) {
        load_row(k_block, opt.type, r, row_elements, kvh * head_dim, head_dim, &k_rows[static_cast<size_t>(r * head_dim)]);
      }
      // scores[g][r] = scale * q_g . k_r; then rescale the running state once for the block's max.
      for (int64_t g = 0; g < group; ++g) {
        const float* qh = q + (kvh * group + g) * head_dim;
        float* sg = &scores[static_cast<size_t>(g * block_size)];
        float block_max = -std::numeric_limits<float>::infinity();
        for (int64_t r = 0; r < n_rows; ++r) {
          const float* kr = &k_rows[static_cast<size_t>(r * head_dim)];
          float dot = 0.0f;
          for (int64_t i = 0; i < head_dim; ++i) dot += qh[i] * kr[i];
          sg[r] = dot * scale;
          block_max = std::max(block_max, sg[r]);
        }
        float new_max = std::max(running_max[static_cast<size_t>(g)], block_max);
        float correction = std::exp(running_max[static_cast<size_t>(g)] - new_max);
        running_sum[static_cast<size_t>(g)] *= correction;
        float* ag = acc + g * head_dim;
        for (int64_t i = 0; i < head_dim; ++i) ag[i] *= correction;
        running_max[static_cast<size_t>(g)] = new_max;
        for (int64_t r = 0; r < n_rows; ++r) {
          sg[r] = std::exp(sg[r] - new_max);
          running_sum[static_cast<size_t>(g)] += sg[r];
        }
      }
      // acc[g] += sum_r p[g][r] * v_r, converting each value row once for the whole group.
      for (int64_t r = 0; r < n_rows; ++r) {
        load_row(v_block, opt.type, r, row_elements, kvh * head_dim, head_dim, v_row.data());
        for (int64_t g = 0; g < group; ++g) {
          float p = scores[static_cast<size_t>(g * block_size + r)];
          float* ag = acc + g * head_dim;
          for (int64_t i = 0; i < head_dim; ++i) ag[i] += p * v_row[static_cast<size_t>(i)];
        }
      }
    }
    for (int64_t g = 0; g < group; ++g) {
      float inv = 1.0f / running_sum[static_cast<size_t>(g)];
      float* ag = acc + g * head_dim;
      for (int64_t i = 0; i < head_dim; ++i) ag[i] *= inv;
    }
  }
}

}  // namespace hirelm::kv
