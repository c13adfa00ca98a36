// The hyper-parameters of a Qwen2 model (DeepSeek-R1-Distill-Qwen, Qwen2.5-*-Instruct), read from GGUF
// metadata or a Hugging Face config.json. One field list (kQwen2ConfigFields in qwen2_config.cpp) drives
// parsing from both sources, printing and validation.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace hirelm::formats {
class GgufFile;
}

namespace hirelm::model {

struct Qwen2Config {
  int64_t n_vocab = 0;      // rows of token_embd (151936 for the real model: 151665 tokens + padding)
  int64_t n_embd = 0;       // hidden size
  int64_t n_ff = 0;         // MLP intermediate size
  int64_t n_layers = 0;
  int64_t n_heads = 0;      // query heads
  int64_t n_heads_kv = 0;   // key/value heads (GQA: n_heads is a multiple of it)
  int64_t head_dim = 0;     // n_embd / n_heads unless the source says otherwise
  int64_t n_ctx_train = 0;  // context length the model was trained for
  double rms_eps = 1e-6;
  double rope_theta = 10000.0;
  bool tied_output = false;  // true: the LM head is token_embd itself

  // Reads GGUF metadata (general.architecture must be "qwen2", else InvalidInputError) plus the shape
  // of token_embd.weight (n_vocab) and the presence of output.weight (tied_output). Validates.
  static Qwen2Config from_gguf(const formats::GgufFile& file);
  // Reads a parsed config.json (architectures must name Qwen2ForCausalLM or model_type be "qwen2").
  // `source` names the file in error messages. Validates.
  static Qwen2Config from_hf_json(const nlohmann::json& json, const std::string& source);
  static Qwen2Config from_hf_file(const std::string& config_json_path);

  // Throws InvalidInputError "SOURCE: FIELD = V, expected ..." for inconsistent or out-of-range values.
  void validate(const std::string& source) const;
  // One "name = value" per line, in field-list order.
  std::string describe() const;
  // The config.json a Hugging Face loader accepts for these hyper-parameters.
  nlohmann::json to_hf_json() const;

  int64_t q_dim() const { return n_heads * head_dim; }    // width of the Q projection
  int64_t kv_dim() const { return n_heads_kv * head_dim; }  // width of the K and V projections
  // Parameters in all weight tensors (the tied head counted once).
  int64_t n_params() const;
};

bool operator==(const Qwen2Config& a, const Qwen2Config& b);

}  // namespace hirelm::model
