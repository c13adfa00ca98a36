// Writes Qwen2 models - random ones (`model synth`, test models) or converted ones - as GGUF files or
// Hugging Face directories. The tensor list comes from for_each_tensor; each tensor is generated one
// row at a time by a RowSource, converted to its stored type and handed to the real writers, so only
// the writer's copy of the weights is ever held (plus one tensor in flight).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "engine/kernels/dtype.h"
#include "engine/model/qwen2_config.h"
#include "engine/model/qwen2_weights.h"

namespace hirelm::formats {
class GgufWriter;
}

namespace hirelm::model {

// How a whole model is stored, as llama-quantize names its file types.
enum class WeightScheme { kF32, kF16, kBF16, kQ8_0, kQ4_0, kQ4_K_M };

// "f32", "f16", "bf16", "q8_0", "q4_0", "q4_k_m" (any case); InvalidInputError otherwise.
WeightScheme parse_weight_scheme(const std::string& name);
std::string weight_scheme_name(WeightScheme scheme);  // "F16", "Q4_K_M", ...

// The stored type of one tensor under a scheme, following llama-quantize: vectors F32; q4_0: the output
// matrix (token_embd when tied) Q6_K; q4_k_m: Q4_K, with Q6_K for the output matrix and for attn_v and
// ffn_down of the layers llama.cpp's use_more_bits() picks. Where a row length is not a multiple of
// 256, Q4_K falls back to Q4_0 and Q6_K to Q8_0 (llama.cpp would pick Q5_0 for the former, which we
// do not implement).
DType scheme_tensor_type(WeightScheme scheme, const Qwen2Config& config, const TensorSpec& spec);

// Produces row `row` ([spec.cols] f32) of the tensor `spec`; called concurrently from several threads.
using RowSource = std::function<void(const TensorSpec& spec, int64_t row, float* out)>;

// Random weights: matrices and biases ~ N(0, stddev), norm weights ~ 1 + N(0, norm_stddev), from a
// counter-based generator (seed, tensor name, row), so every row is independent of thread scheduling.
struct RandomInit {
  uint64_t seed = 1;
  float stddev = 0.02f;
  float norm_stddev = 0.1f;
};
RowSource random_rows(const RandomInit& init);

// The rows of a loaded model's tensors, dequantized (for re-quantizing / converting).
RowSource weight_rows(const Qwen2Config& config, const Qwen2Weights& weights);

// Writes a GGUF v3 file: general.architecture = qwen2, the qwen2.* hyper-parameters, whatever
// `add_metadata` adds (tokenizer, chat template), then every tensor in `scheme`'s types.
void write_gguf_model(const std::string& path, const Qwen2Config& config, WeightScheme scheme, const RowSource& rows,
                      const std::function<void(formats::GgufWriter&)>& add_metadata = {});

// Writes a Hugging Face directory: config.json and model.safetensors, every tensor in `type`
// (F32, F16 or BF16; norms and biases included, as transformers saves them). Creates the directory.
void write_hf_model(const std::string& dir, const Qwen2Config& config, DType type, const RowSource& rows);

}  // namespace hirelm::model
