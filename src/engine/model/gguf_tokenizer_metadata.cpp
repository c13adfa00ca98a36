#include "engine/model/gguf_tokenizer_metadata.h"

#include <sys/stat.h>

#include <map>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/formats/gguf.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace hirelm::model {

namespace {

constexpr int32_t kTokenNormal = 1, kTokenControl = 3, kTokenUserDefined = 4, kTokenUnused = 5;

nlohmann::json parse_json_file(const std::string& path) {
  auto json = nlohmann::json::parse(read_file(path), nullptr, false);
  if (json.is_discarded()) throw InvalidInputError(path + ": not valid JSON");
  return json;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// bos_token / eos_token in tokenizer_config.json: a string or {"content": ...}.
std::string token_content(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v["content"].is_string()) return v["content"].get<std::string>();
  return {};
}

}  // namespace

TokenizerFiles tokenizer_files_in(const std::string& dir, const std::string& pre) {
  TokenizerFiles f;
  f.tokenizer_json = dir + "/tokenizer.json";
  if (exists(dir + "/tokenizer_config.json")) f.tokenizer_config_json = dir + "/tokenizer_config.json";
  if (exists(dir + "/chat_template.jinja")) f.chat_template = dir + "/chat_template.jinja";
  f.pre = pre;
  return f;
}

void add_gguf_tokenizer_metadata(formats::GgufWriter& writer, const TokenizerFiles& files, int64_t n_vocab) {
  const std::string& path = files.tokenizer_json;
  nlohmann::json tok = parse_json_file(path);
  const auto* model = tok.contains("model") ? &tok["model"] : nullptr;
  if (model == nullptr || model->value("type", "") != "BPE" || !model->contains("vocab") || !model->contains("merges")) {
    throw InvalidInputError(path + ": field 'model' is not a BPE model with vocab and merges");
  }
  std::vector<std::string> tokens(static_cast<size_t>(n_vocab));
  std::vector<int32_t> types(static_cast<size_t>(n_vocab), kTokenUnused);
  auto place = [&](int64_t id, const std::string& text, int32_t type) {
    if (id < 0 || id >= n_vocab) {
      throw InvalidInputError(path + ": token '" + text + "' has id " + std::to_string(id) + ", expected < " +
                              std::to_string(n_vocab) + " (the embedding rows)");
    }
    tokens[static_cast<size_t>(id)] = text;
    types[static_cast<size_t>(id)] = type;
  };
  for (const auto& [text, id] : (*model)["vocab"].items()) place(id.get<int64_t>(), text, kTokenNormal);
  std::map<std::string, int64_t> added_ids;
  if (tok.contains("added_tokens")) {
    for (const auto& a : tok["added_tokens"]) {
      std::string content = a.at("content").get<std::string>();
      place(a.at("id").get<int64_t>(), content, a.value("special", false) ? kTokenControl : kTokenUserDefined);
      added_ids[content] = a.at("id").get<int64_t>();
    }
  }
  for (int64_t id = 0; id < n_vocab; ++id) {
    if (types[static_cast<size_t>(id)] == kTokenUnused) tokens[static_cast<size_t>(id)] = "[PAD" + std::to_string(id) + "]";
  }
  std::vector<std::string> merges;
  for (const auto& m : (*model)["merges"]) {
    if (m.is_string()) {
      merges.push_back(m.get<std::string>());
    } else if (m.is_array() && m.size() == 2) {
      merges.push_back(m[0].get<std::string>() + " " + m[1].get<std::string>());
    } else {
      throw InvalidInputError(path + ": field 'model.merges' holds " + m.dump() + ", expected \"a b\" or [a, b]");
    }
  }
  writer.set_string("tokenizer.ggml.model", "gpt2");
  writer.set_string("tokenizer.ggml.pre", files.pre);
  writer.set_string_array("tokenizer.ggml.tokens", tokens);
  writer.set_int32_array("tokenizer.ggml.token_type", types);
  writer.set_string_array("tokenizer.ggml.merges", merges);

  std::string chat_template;
  if (!files.tokenizer_config_json.empty()) {
    nlohmann::json config = parse_json_file(files.tokenizer_config_json);
    auto id_of = [&](const char* key) -> std::optional<int64_t> {
      if (!config.contains(key)) return std::nullopt;
      auto it = added_ids.find(token_content(config[key]));
      if (it == added_ids.end()) return std::nullopt;
      return it->second;
    };
    if (auto bos = id_of("bos_token")) writer.set_uint32("tokenizer.ggml.bos_token_id", static_cast<uint32_t>(*bos));
    if (auto eos = id_of("eos_token")) writer.set_uint32("tokenizer.ggml.eos_token_id", static_cast<uint32_t>(*eos));
    if (auto pad = id_of("pad_token")) writer.set_uint32("tokenizer.ggml.padding_token_id", static_cast<uint32_t>(*pad));
    writer.set_bool("tokenizer.ggml.add_bos_token", config.value("add_bos_token", false));
    writer.set_bool("tokenizer.ggml.add_eos_token", config.value("add_eos_token", false));
    if (config.contains("chat_template") && config["chat_template"].is_string()) {
      chat_template = config["chat_template"].get<std::string>();
    }
  }
  if (!files.chat_template.empty()) chat_template = read_file(files.chat_template);
  if (!chat_template.empty()) writer.set_string("tokenizer.chat_template", chat_template);
}

}  // namespace hirelm::model
