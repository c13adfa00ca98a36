// Byte layouts of GGML's quantized blocks (internal to the kernels). Each struct is exactly the bytes one
// block occupies in a GGUF file, so a row of blocks can be read in place from an mmap.
#pragma once

#include <cstdint>

#include "engine/kernels/dtype.h"

namespace hirelm::kernels {

inline constexpr int kQK8_0 = 32;   // values per Q8_0 / Q4_0 block
inline constexpr int kQK_K = 256;   // values per K-quant super-block

// Q8_0: value[i] = d * qs[i].
struct BlockQ8_0 {
  uint16_t d;  // f16 scale
  int8_t qs[kQK8_0];
};

// Q4_0: value[i] = d * (nibble[i] - 8); qs[j] holds value j in its low nibble and value j + 16 in its high one.
struct BlockQ4_0 {
  uint16_t d;  // f16 scale
  uint8_t qs[kQK8_0 / 2];
};

// Q4_K: 8 sub-blocks of 32 values; value = d * sc[j] * q - dmin * m[j] with 6-bit sc/m packed into `scales`
// (see unpack_scale_min_k4) and 4-bit q. For chunk c in 0..3, qs[32c + l] holds value 64c + l (sub-block 2c)
// in its low nibble and value 64c + 32 + l (sub-block 2c + 1) in its high nibble.
struct BlockQ4_K {
  uint16_t d;     // f16 super-block scale of the sub-block scales
  uint16_t dmin;  // f16 super-block scale of the sub-block mins
  uint8_t scales[12];
  uint8_t qs[kQK_K / 2];
};

// Q6_K: 16 sub-blocks of 16 values; value = d * scales[e / 16] * (q - 32) with 6-bit q split into 4 low bits
// (ql) and 2 high bits (qh). For half h in 0..1, group g in 0..3 and l in 0..31 the element e = 128h + 32g + l
// has low bits in ql[64h + 32(g & 1) + l] (low nibble for g < 2, high nibble otherwise) and high bits at
// bit 2g of qh[32h + l].
struct BlockQ6_K {
  uint8_t ql[kQK_K / 2];
  uint8_t qh[kQK_K / 4];
  int8_t scales[kQK_K / 16];
  uint16_t d;  // f16 super-block scale
};

static_assert(sizeof(BlockQ8_0) == 34 && sizeof(BlockQ8_0) == dtype_traits(DType::kQ8_0).block_bytes);
static_assert(sizeof(BlockQ4_0) == 18 && sizeof(BlockQ4_0) == dtype_traits(DType::kQ4_0).block_bytes);
static_assert(sizeof(BlockQ4_K) == 144 && sizeof(BlockQ4_K) == dtype_traits(DType::kQ4_K).block_bytes);
static_assert(sizeof(BlockQ6_K) == 210 && sizeof(BlockQ6_K) == dtype_traits(DType::kQ6_K).block_bytes);
static_assert(alignof(BlockQ6_K) == 2 && alignof(BlockQ4_K) == 2);

// The 6-bit scale and min of Q4_K sub-block j (0..7) from the 12 packed bytes: j < 4 keeps them in the low
// 6 bits of bytes j and j + 4; j >= 4 splits them into a nibble of byte j + 4 and the top 2 bits of bytes
// j - 4 (scale) and j (min).
inline void unpack_scale_min_k4(int j, const uint8_t* q, uint8_t* scale, uint8_t* min) {
  if (j < 4) {
    *scale = q[j] & 63;
    *min = q[j + 4] & 63;
  } else {
    *scale = static_cast<uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
    *min = static_cast<uint8_t>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
  }
}

}  // namespace hirelm::kernels
