// ChatTemplate::from_model_path: where a model keeps its chat template and special tokens.
#include <filesystem>

#include "engine/formats/gguf.h"
#include "engine/template/chat_template.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace hirelm::templating {
namespace {

namespace fs = std::filesystem;

// bos_token/eos_token in tokenizer_config.json are strings, {"content": ...} objects (AddedToken) or
// null/absent (then the template sees them undefined, as in HF).
std::optional<std::string> special_token(const Json& config, const std::string& field, const std::string& path) {
  auto it = config.find(field);
  if (it == config.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object()) {
    auto content = it->find("content");
    if (content != it->end() && content->is_string()) return content->get<std::string>();
  }
  throw InvalidInputError(path + ": field '" + field + "': expected a string or an object with a string 'content', got " +
                          std::string(it->type_name()));
}

// chat_template is a string or a list of {"name", "template"}; the list form picks "default".
std::optional<std::string> template_field(const Json& config, const std::string& path) {
  auto it = config.find("chat_template");
  if (it == config.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array()) {
    for (const auto& entry : *it) {
      if (entry.is_object() && entry.value("name", "") == "default" && entry.contains("template") &&
          entry["template"].is_string()) {
        return entry["template"].get<std::string>();
      }
    }
    throw UnsupportedError(path + ": field 'chat_template': a list of named templates without a 'default' one");
  }
  throw InvalidInputError(path + ": field 'chat_template': expected a string, got " + std::string(it->type_name()));
}

// `prefer_jinja`: a chat_template.jinja beside the config wins over the config's field, as in
// transformers when loading a model directory.
ChatTemplate from_tokenizer_config(const std::string& path, bool prefer_jinja) {
  std::string text = read_file(path);
  Json config;
  try {
    config = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw InvalidInputError(path + ": invalid JSON: " + e.what());
  }
  if (!config.is_object()) throw InvalidInputError(path + ": expected a JSON object");
  // Newer transformers save the template beside the config as chat_template.jinja.
  fs::path beside = fs::path(path).parent_path() / "chat_template.jinja";
  std::optional<std::string> source;
  if (prefer_jinja && fs::exists(beside)) {
    source = read_file(beside.string());
  } else {
    source = template_field(config, path);
  }
  if (!source) {
    if (!fs::exists(beside)) {
      throw InvalidInputError(path + ": field 'chat_template' missing (and no chat_template.jinja beside it)");
    }
    source = read_file(beside.string());
  }
  return ChatTemplate(*source, special_token(config, "bos_token", path), special_token(config, "eos_token", path));
}

std::optional<std::string> gguf_token(const formats::GgufFile& gguf, const std::string& id_key) {
  std::optional<int64_t> id = gguf.find_int(id_key);
  if (!id) return std::nullopt;
  const auto& tokens = gguf.get_string_array("tokenizer.ggml.tokens");
  if (*id < 0 || static_cast<uint64_t>(*id) >= tokens.size()) {
    throw InvalidInputError(gguf.path() + ": metadata '" + id_key + "' is " + std::to_string(*id) +
                            ", expected an id below the vocabulary size " + std::to_string(tokens.size()));
  }
  return tokens[static_cast<size_t>(*id)];
}

ChatTemplate from_gguf(const std::string& path) {
  formats::GgufFile gguf = formats::GgufFile::open(path);
  std::optional<std::string> source = gguf.find_string("tokenizer.chat_template");
  if (!source) throw InvalidInputError(path + ": metadata 'tokenizer.chat_template' missing");
  return ChatTemplate(*source, gguf_token(gguf, "tokenizer.ggml.bos_token_id"),
                      gguf_token(gguf, "tokenizer.ggml.eos_token_id"));
}

}  // namespace

ChatTemplate ChatTemplate::from_model_path(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw NotFoundError(path + ": no such file or directory");
  if (fs::is_directory(path, ec)) {
    fs::path config = fs::path(path) / "tokenizer_config.json";
    if (fs::exists(config)) return from_tokenizer_config(config.string(), true);
    for (const auto& entry : fs::directory_iterator(path)) {
      if (entry.path().extension() == ".gguf") return from_gguf(entry.path().string());
    }
    throw NotFoundError(path + ": directory has no tokenizer_config.json or .gguf file");
  }
  if (fs::path(path).extension() == ".gguf") return from_gguf(path);
  return from_tokenizer_config(path, false);
}

}  // namespace hirelm::templating
