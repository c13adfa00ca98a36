#include "engine/model/qwen2_weights.h"

namespace hirelm::model {

bool TensorSpec::is_norm() const {
  return kind == TensorKind::kAttnNorm || kind == TensorKind::kFfnNorm || kind == TensorKind::kOutputNorm;
}

std::vector<uint64_t> TensorSpec::gguf_ne() const {
  if (is_vector) return {static_cast<uint64_t>(cols)};
  return {static_cast<uint64_t>(cols), static_cast<uint64_t>(rows)};
}

std::vector<uint64_t> TensorSpec::hf_shape() const {
  if (is_vector) return {static_cast<uint64_t>(cols)};
  return {static_cast<uint64_t>(rows), static_cast<uint64_t>(cols)};
}

namespace {

TensorSpec matrix(TensorKind kind, int64_t layer, std::string gguf, std::string hf, int64_t rows, int64_t cols) {
  return {kind, layer, std::move(gguf), std::move(hf), rows, cols, false};
}

TensorSpec vector(TensorKind kind, int64_t layer, std::string gguf, std::string hf, int64_t n) {
  return {kind, layer, std::move(gguf), std::move(hf), 1, n, true};
}

}  // namespace

void for_each_tensor(const Qwen2Config& c, Qwen2Weights& w, const TensorVisitor& visit) {
  w.layers.resize(static_cast<size_t>(c.n_layers));
  visit(matrix(TensorKind::kTokenEmbd, -1, "token_embd.weight", "model.embed_tokens.weight", c.n_vocab, c.n_embd),
        w.token_embd);
  for (int64_t i = 0; i < c.n_layers; ++i) {
    LayerWeights& l = w.layers[static_cast<size_t>(i)];
    std::string g = "blk." + std::to_string(i) + ".";
    std::string h = "model.layers." + std::to_string(i) + ".";
    visit(vector(TensorKind::kAttnNorm, i, g + "attn_norm.weight", h + "input_layernorm.weight", c.n_embd), l.attn_norm);
    visit(matrix(TensorKind::kAttnQ, i, g + "attn_q.weight", h + "self_attn.q_proj.weight", c.q_dim(), c.n_embd), l.attn_q);
    visit(vector(TensorKind::kAttnQBias, i, g + "attn_q.bias", h + "self_attn.q_proj.bias", c.q_dim()), l.attn_q_bias);
    visit(matrix(TensorKind::kAttnK, i, g + "attn_k.weight", h + "self_attn.k_proj.weight", c.kv_dim(), c.n_embd), l.attn_k);
    visit(vector(TensorKind::kAttnKBias, i, g + "attn_k.bias", h + "self_attn.k_proj.bias", c.kv_dim()), l.attn_k_bias);
    visit(matrix(TensorKind::kAttnV, i, g + "attn_v.weight", h + "self_attn.v_proj.weight", c.kv_dim(), c.n_embd), l.attn_v);
    visit(vector(TensorKind::kAttnVBias, i, g + "attn_v.bias", h + "self_attn.v_proj.bias", c.kv_dim()), l.attn_v_bias);
    visit(matrix(TensorKind::kAttnOutput, i, g + "attn_output.weight", h + "self_attn.o_proj.weight", c.n_embd, c.q_dim()),
          l.attn_output);
    visit(vector(TensorKind::kFfnNorm, i, g + "ffn_norm.weight", h + "post_attention_layernorm.weight", c.n_embd), l.ffn_norm);
    visit(matrix(TensorKind::kFfnGate, i, g + "ffn_gate.weight", h + "mlp.gate_proj.weight", c.n_ff, c.n_embd), l.ffn_gate);
    visit(matrix(TensorKind::kFfnUp, i, g + "ffn_up.weight", h + "mlp.up_proj.weight", c.n_ff, c.n_embd), l.ffn_up);
    visit(matrix(TensorKind::kFfnDown, i, g + "ffn_down.weight", h + "mlp.down_proj.weight", c.n_embd, c.n_ff), l.ffn_down);
  }
  visit(vector(TensorKind::kOutputNorm, -1, "output_norm.weight", "model.norm.weight", c.n_embd), w.output_norm);
  if (!c.tied_output) {
    visit(matrix(TensorKind::kOutput, -1, "output.weight", "lm_head.weight", c.n_vocab, c.n_embd), w.output);
  }
}

std::vector<TensorSpec> tensor_specs(const Qwen2Config& config) {
  std::vector<TensorSpec> specs;
  Qwen2Weights scratch;
  for_each_tensor(config, scratch, [&](const TensorSpec& spec, kernels::MatrixView&) { specs.push_back(spec); });
  return specs;
}

void tie_output(const Qwen2Config& config, Qwen2Weights& weights) {
  if (config.tied_output) weights.output = weights.token_embd;
}

}  // namespace hirelm::model
