#include "engine/model/qwen2_config.h"

#include <cmath>
#include <optional>
#include <sstream>
#include <variant>

#include <nlohmann/json.hpp>

#include "engine/formats/gguf.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace hirelm::model {

namespace {

// Where a field comes from in each source. An empty key means the field is derived (n_vocab from the
// token_embd shape, tied_output from whether output.weight exists) or defaulted.
struct ConfigField {
  const char* name;
  const char* gguf_key;  // without the "qwen2." prefix
  const char* hf_key;
  std::variant<int64_t Qwen2Config::*, double Qwen2Config::*, bool Qwen2Config::*> member;
  bool required;  // must be present in both sources when it has a key there
};

const ConfigField kQwen2ConfigFields[] = {
    {"n_vocab", "", "vocab_size", &Qwen2Config::n_vocab, true},
    {"n_embd", "embedding_length", "hidden_size", &Qwen2Config::n_embd, true},
    {"n_ff", "feed_forward_length", "intermediate_size", &Qwen2Config::n_ff, true},
    {"n_layers", "block_count", "num_hidden_layers", &Qwen2Config::n_layers, true},
    {"n_heads", "attention.head_count", "num_attention_heads", &Qwen2Config::n_heads, true},
    {"n_heads_kv", "attention.head_count_kv", "num_key_value_heads", &Qwen2Config::n_heads_kv, false},
    {"head_dim", "attention.key_length", "head_dim", &Qwen2Config::head_dim, false},
    {"n_ctx_train", "context_length", "max_position_embeddings", &Qwen2Config::n_ctx_train, true},
    {"rms_eps", "attention.layer_norm_rms_epsilon", "rms_norm_eps", &Qwen2Config::rms_eps, true},
    {"rope_theta", "rope.freq_base", "rope_theta", &Qwen2Config::rope_theta, false},
    {"tied_output", "", "tie_word_embeddings", &Qwen2Config::tied_output, false},
};

// Fills fields nobody gave from the others (llama.cpp's and transformers' defaults).
void fill_defaults(Qwen2Config& c) {
  if (c.n_heads_kv == 0) c.n_heads_kv = c.n_heads;
  if (c.head_dim == 0 && c.n_heads > 0) c.head_dim = c.n_embd / c.n_heads;
}

std::string value_string(const Qwen2Config& c, const ConfigField& f) {
  std::ostringstream os;
  std::visit(
      [&](auto member) {
        using T = std::remove_cvref_t<decltype(c.*member)>;
        if constexpr (std::is_same_v<T, bool>) {
          os << (c.*member ? "true" : "false");
        } else {
          os << c.*member;
        }
      },
      f.member);
  return os.str();
}

}  // namespace

Qwen2Config Qwen2Config::from_gguf(const formats::GgufFile& file) {
  const std::string& path = file.path();
  std::string arch = file.get_string("general.architecture");
  if (arch != "qwen2") {
    throw InvalidInputError(path + ": general.architecture is '" + arch + "', expected 'qwen2'");
  }
  Qwen2Config c;
  for (const auto& f : kQwen2ConfigFields) {
    if (*f.gguf_key == '\0') continue;
    std::string key = "qwen2." + std::string(f.gguf_key);
    if (!file.has(key)) {
      if (f.required) throw InvalidInputError(path + ": metadata '" + key + "' missing");
      continue;
    }
    std::visit(
        [&](auto member) {
          using T = std::remove_cvref_t<decltype(c.*member)>;
          if constexpr (std::is_same_v<T, double>) {
            c.*member = file.get_float(key);
          } else if constexpr (std::is_same_v<T, int64_t>) {
            c.*member = file.get_int(key);
          } else {
            c.*member = file.get_bool(key);
          }
        },
        f.member);
  }
  const auto* embd = file.find_tensor("token_embd.weight");
  if (embd == nullptr) throw InvalidInputError(path + ": tensor 'token_embd.weight' missing");
  if (embd->ne.size() != 2) {
    throw InvalidInputError(path + ": tensor 'token_embd.weight' has " + std::to_string(embd->ne.size()) +
                            " dims, expected 2");
  }
  c.n_vocab = static_cast<int64_t>(embd->ne[1]);
  c.tied_output = file.find_tensor("output.weight") == nullptr;
  fill_defaults(c);
  c.validate(path);
  return c;
}

Qwen2Config Qwen2Config::from_hf_json(const nlohmann::json& json, const std::string& source) {
  if (!json.is_object()) throw InvalidInputError(source + ": expected a JSON object");
  bool is_qwen2 = json.value("model_type", std::string()) == "qwen2";
  if (auto it = json.find("architectures"); it != json.end() && it->is_array()) {
    for (const auto& a : *it) is_qwen2 = is_qwen2 || (a.is_string() && a.get<std::string>() == "Qwen2ForCausalLM");
  }
  if (!is_qwen2) {
    std::string got = json.contains("architectures") ? json["architectures"].dump() : json.value("model_type", "?");
    throw InvalidInputError(source + ": architectures is " + got + ", expected [\"Qwen2ForCausalLM\"]");
  }
  Qwen2Config c;
  for (const auto& f : kQwen2ConfigFields) {
    auto it = json.find(f.hf_key);
    if (it == json.end() || it->is_null()) {
      if (f.required) throw InvalidInputError(source + ": field '" + f.hf_key + "' missing");
      continue;
    }
    std::visit(
        [&](auto member) {
          using T = std::remove_cvref_t<decltype(c.*member)>;
          bool ok = std::is_same_v<T, bool> ? it->is_boolean()
                    : std::is_same_v<T, double> ? it->is_number()
                                                : it->is_number_integer();
          if (!ok) {
            throw InvalidInputError(source + ": field '" + f.hf_key + "' is " + it->dump() + ", expected a " +
                                    (std::is_same_v<T, bool> ? "boolean" : std::is_same_v<T, double> ? "number" : "integer"));
          }
          c.*member = it->template get<T>();
        },
        f.member);
  }
  fill_defaults(c);
  c.validate(source);
  return c;
}

Qwen2Config Qwen2Config::from_hf_file(const std::string& config_json_path) {
  std::string text = read_file(config_json_path);
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) throw InvalidInputError(config_json_path + ": not valid JSON");
  return from_hf_json(json, config_json_path);
}

void Qwen2Config::validate(const std::string& source) const {
  auto fail = [&](const std::string& what) { throw InvalidInputError(source + ": " + what); };
  for (const auto& f : kQwen2ConfigFields) {
    bool positive = std::visit(
        [&](auto member) {
          using T = std::remove_cvref_t<decltype(this->*member)>;
          if constexpr (std::is_same_v<T, bool>) {
            return true;
          } else {
            return std::isfinite(static_cast<double>(this->*member)) && this->*member > 0;
          }
        },
        f.member);
    if (!positive) fail(std::string(f.name) + " = " + value_string(*this, f) + ", expected > 0");
  }
  if (n_heads % n_heads_kv != 0) {
    fail("n_heads = " + std::to_string(n_heads) + " is not a multiple of n_heads_kv = " + std::to_string(n_heads_kv));
  }
  if (head_dim % 2 != 0) fail("head_dim = " + std::to_string(head_dim) + ", expected an even number (RoPE pairs)");
  constexpr int64_t kMaxDim = int64_t{1} << 24;
  if (n_vocab > kMaxDim || n_embd > kMaxDim || n_ff > kMaxDim || n_layers > 4096 || q_dim() > kMaxDim) {
    fail("dimensions out of range: " + describe());
  }
}

std::string Qwen2Config::describe() const {
  std::string out;
  for (const auto& f : kQwen2ConfigFields) out += std::string(f.name) + " = " + value_string(*this, f) + "\n";
  return out;
}

nlohmann::json Qwen2Config::to_hf_json() const {
  nlohmann::json j;
  j["architectures"] = {"Qwen2ForCausalLM"};
  j["model_type"] = "qwen2";
  j["hidden_act"] = "silu";
  for (const auto& f : kQwen2ConfigFields) {
    std::visit([&](auto member) { j[f.hf_key] = this->*member; }, f.member);
  }
  j["use_sliding_window"] = false;
  return j;
}

int64_t Qwen2Config::n_params() const {
  int64_t per_layer = 2 * n_embd                           // attn_norm, ffn_norm
                      + n_embd * (q_dim() + 2 * kv_dim())  // q, k, v
                      + q_dim() + 2 * kv_dim()             // biases
                      + q_dim() * n_embd                   // o
                      + 3 * n_embd * n_ff;                 // gate, up, down
  return n_vocab * n_embd * (tied_output ? 1 : 2) + n_embd + n_layers * per_layer;
}

bool operator==(const Qwen2Config& a, const Qwen2Config& b) {
  for (const auto& f : kQwen2ConfigFields) {
    // Floats compare at f32 precision: GGUF stores them as float32, config.json as decimal text.
    bool same = std::visit(
        [&](auto member) {
          using T = std::remove_cvref_t<decltype(a.*member)>;
          if constexpr (std::is_same_v<T, double>) {
            return static_cast<float>(a.*member) == static_cast<float>(b.*member);
          } else {
            return a.*member == b.*member;
          }
        },
        f.member);
    if (!same) return false;
  }
  return true;
}

}  // namespace hirelm::model
