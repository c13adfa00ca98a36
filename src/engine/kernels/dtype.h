// Tensor element types. The numeric ids are GGUF's (ggml_type), so a GGUF header's type field maps
// onto this enum unchanged. Quantized types store fixed-size blocks of `block_elements` values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace hirelm {

enum class DType : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ8_0 = 8,
  kQ4_K = 12,
  kQ6_K = 14,
  kBF16 = 30,
};

struct DTypeTraits {
  std::string_view name;  // as llama.cpp prints it: "F32", "Q8_0", "Q4_K", ...
  uint32_t block_elements;  // values per block (1 for plain floats)
  uint32_t block_bytes;     // bytes per block
};

constexpr DTypeTraits dtype_traits(DType t) {
  switch (t) {
    case DType::kF32: return {"F32", 1, 4};
    case DType::kF16: return {"F16", 1, 2};
    case DType::kBF16: return {"BF16", 1, 2};
    case DType::kQ8_0: return {"Q8_0", 32, 34};    // f16 scale + 32 x int8
    case DType::kQ4_0: return {"Q4_0", 32, 18};    // f16 scale + 16 bytes of nibbles
    case DType::kQ4_K: return {"Q4_K", 256, 144};  // f16 d, f16 dmin, 12 bytes scales, 128 bytes nibbles
    case DType::kQ6_K: return {"Q6_K", 256, 210};  // 128 ql + 64 qh + 16 int8 scales + f16 d
  }
  return {"?", 0, 0};
}

inline std::string_view dtype_name(DType t) { return dtype_traits(t).name; }

// Maps a GGUF type id onto a supported DType; nullopt for ids we do not support.
inline std::optional<DType> dtype_from_ggml_id(uint32_t id) {
  switch (id) {
    case 0: return DType::kF32;
    case 1: return DType::kF16;
    case 2: return DType::kQ4_0;
    case 8: return DType::kQ8_0;
    case 12: return DType::kQ4_K;
    case 14: return DType::kQ6_K;
    case 30: return DType::kBF16;
    default: return std::nullopt;
  }
}

// Bytes of one row of `n` values; n must be a multiple of the block size (checked by callers that
// read files, asserted by kernels).
constexpr size_t dtype_row_bytes(DType t, uint64_t n) {
  auto tr = dtype_traits(t);
  return static_cast<size_t>(n / tr.block_elements * tr.block_bytes);
}

}  // namespace hirelm
