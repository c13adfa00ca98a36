// The weight tensors of a Qwen2 model and the ONE list of them: for_each_tensor() visits every tensor
// with its canonical (GGUF) name, its Hugging Face name, its expected shape and its role. Loading (GGUF
// and safetensors), random initialisation, quantization and saving are all driven by that visitor, so
// a tensor added here is loaded, initialised and saved everywhere.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/kernels/matmul.h"
#include "engine/model/qwen2_config.h"

namespace hirelm::model {

// What a tensor is, independent of its layer.
enum class TensorKind {
  kTokenEmbd, kAttnNorm, kAttnQ, kAttnQBias, kAttnK, kAttnKBias, kAttnV, kAttnVBias, kAttnOutput,
  kFfnNorm, kFfnGate, kFfnUp, kFfnDown, kOutputNorm, kOutput,
};

struct TensorSpec {
  TensorKind kind = TensorKind::kTokenEmbd;
  int64_t layer = -1;     // block index; -1 for token_embd, output_norm, output
  std::string gguf_name;  // "blk.3.attn_q.weight"
  std::string hf_name;    // "model.layers.3.self_attn.q_proj.weight"
  // Matrices are [rows, cols] = [out, in] row-major (GGUF ne = [cols, rows]); vectors have rows == 1 and
  // is_vector set (GGUF ne = [cols], safetensors shape [cols]).
  int64_t rows = 0;
  int64_t cols = 0;
  bool is_vector = false;

  // Norm weights (initialised around 1) and biases: always held as f32.
  bool is_norm() const;
  std::vector<uint64_t> gguf_ne() const;       // GGML order
  std::vector<uint64_t> hf_shape() const;      // PyTorch order
  int64_t n_elements() const { return rows * cols; }
};

// Every matrix is a view ([rows, cols] in its stored DType); every vector is a 1 x n F32 view.
// Views point into a mapped file or into buffers owned by the Qwen2Model.
struct LayerWeights {
  kernels::MatrixView attn_norm;    // [n_embd] f32
  kernels::MatrixView attn_q;       // [q_dim, n_embd]
  kernels::MatrixView attn_q_bias;  // [q_dim] f32
  kernels::MatrixView attn_k;       // [kv_dim, n_embd]
  kernels::MatrixView attn_k_bias;  // [kv_dim] f32
  kernels::MatrixView attn_v;       // [kv_dim, n_embd]
  kernels::MatrixView attn_v_bias;  // [kv_dim] f32
  kernels::MatrixView attn_output;  // [n_embd, q_dim]
  kernels::MatrixView ffn_norm;     // [n_embd] f32
  kernels::MatrixView ffn_gate;     // [n_ff, n_embd]
  kernels::MatrixView ffn_up;       // [n_ff, n_embd]
  kernels::MatrixView ffn_down;     // [n_embd, n_ff]
};

struct Qwen2Weights {
  kernels::MatrixView token_embd;  // [n_vocab, n_embd]
  std::vector<LayerWeights> layers;
  kernels::MatrixView output_norm;  // [n_embd] f32
  kernels::MatrixView output;       // [n_vocab, n_embd]; the same view as token_embd when tied
};

// Visits every stored tensor in llama.cpp's file order: token_embd, blk.0.* ... blk.N-1.*, output_norm,
// output (skipped when config.tied_output). `slot` is the view the tensor fills in `weights`, whose
// layers are sized first. After a visit that filled the slots, call tie_output() for tied models.
using TensorVisitor = std::function<void(const TensorSpec& spec, kernels::MatrixView& slot)>;
void for_each_tensor(const Qwen2Config& config, Qwen2Weights& weights, const TensorVisitor& visit);
// The specs alone, same order.
std::vector<TensorSpec> tensor_specs(const Qwen2Config& config);
// output = token_embd when the config says the head is tied; no-op otherwise.
void tie_output(const Qwen2Config& config, Qwen2Weights& weights);

}  // namespace hirelm::model
