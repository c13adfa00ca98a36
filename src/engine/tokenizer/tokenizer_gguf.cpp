// Loading the tokenizer stored in GGUF metadata (llama.cpp's tokenizer.ggml.* keys) into TokenizerData.
#include "engine/formats/gguf.h"
#include "engine/tokenizer/tokenizer_data.h"
#include "util/error.h"

namespace hirelm::tokenizer {

namespace {
// llama.cpp token types (tokenizer.ggml.token_type).
constexpr int64_t kTypeControl = 3;
constexpr int64_t kTypeUserDefined = 4;

constexpr int64_t kMaxTokens = int64_t{1} << 24;

std::optional<int32_t> optional_id(const formats::GgufFile& gguf, const char* key, size_t n_tokens) {
  auto v = gguf.find_int(key);
  if (!v) return std::nullopt;
  if (*v < 0 || static_cast<uint64_t>(*v) >= n_tokens) {
    throw InvalidInputError(gguf.path() + ": metadata '" + key + "' is " + std::to_string(*v) +
                            ", expected a token id in [0, " + std::to_string(n_tokens) + ")");
  }
  return static_cast<int32_t>(*v);
}
}  // namespace

TokenizerData load_tokenizer_gguf(const formats::GgufFile& gguf) {
  TokenizerData data;
  data.source = gguf.path();
  const std::string& path = gguf.path();

  std::string model = gguf.get_string("tokenizer.ggml.model");
  if (model != "gpt2") {
    throw UnsupportedError(path + ": metadata 'tokenizer.ggml.model' is '" + model + "', expected 'gpt2' (byte-level BPE)");
  }
  // Pre-tokenizer names (llama.cpp's LLAMA_VOCAB_PRE_TYPE_*) that use the Qwen2 split.
  std::string pre = gguf.find_string("tokenizer.ggml.pre").value_or("");
  if (pre != "qwen2" && pre != "deepseek-r1-qwen") {
    throw UnsupportedError(path + ": metadata 'tokenizer.ggml.pre' is '" + pre +
                           "', expected 'qwen2' or 'deepseek-r1-qwen'");
  }

  const auto& tokens = gguf.get_string_array("tokenizer.ggml.tokens");
  if (tokens.empty() || static_cast<int64_t>(tokens.size()) > kMaxTokens) {
    throw InvalidInputError(path + ": metadata 'tokenizer.ggml.tokens' has " + std::to_string(tokens.size()) +
                            " entries, expected 1.." + std::to_string(kMaxTokens));
  }
  const std::vector<int64_t>* types = nullptr;
  if (gguf.has("tokenizer.ggml.token_type")) {
    types = &gguf.get_int_array("tokenizer.ggml.token_type");
    if (types->size() != tokens.size()) {
      throw InvalidInputError(path + ": metadata 'tokenizer.ggml.token_type' has " + std::to_string(types->size()) +
                              " entries, expected " + std::to_string(tokens.size()) + " (one per token)");
    }
  }

  data.tokens = tokens;
  data.token_ids.reserve(tokens.size());
  for (size_t id = 0; id < tokens.size(); ++id) {
    data.token_ids.emplace(tokens[id], static_cast<int32_t>(id));
    int64_t type = types ? (*types)[id] : 1;
    if (type == kTypeControl || type == kTypeUserDefined) {
      AddedToken t;
      t.id = static_cast<int32_t>(id);
      t.content = tokens[id];
      t.special = type == kTypeControl;
      data.added.push_back(std::move(t));
    }
  }
  const auto& merges = gguf.get_string_array("tokenizer.ggml.merges");
  data.merges.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    const std::string& s = merges[i];
    std::string field = "tokenizer.ggml.merges[" + std::to_string(i) + "]";
    size_t sp = s.find(' ');
    if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos) {
      throw InvalidInputError(path + ": metadata '" + field + "' is \"" + s +
                              "\", expected \"left right\" (two tokens separated by one space)");
    }
    data.merges.push_back(resolve_merge(data, s.substr(0, sp), s.substr(sp + 1), field));
  }

  data.nfc = true;  // the Hugging Face tokenizer these files are converted from normalizes with NFC
  data.bos_id = optional_id(gguf, "tokenizer.ggml.bos_token_id", tokens.size());
  data.eos_id = optional_id(gguf, "tokenizer.ggml.eos_token_id", tokens.size());
  data.add_bos = gguf.find_bool("tokenizer.ggml.add_bos_token").value_or(false) && data.bos_id.has_value();
  return data;
}

}  // namespace hirelm::tokenizer
