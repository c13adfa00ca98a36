// Loading a Hugging Face tokenizer.json (and tokenizer_config.json) into TokenizerData.
#include <array>
#include <limits>
#include <nlohmann/json.hpp>

#include "engine/tokenizer/byte_level.h"
#include "engine/tokenizer/tokenizer_data.h"
#include "util/error.h"

namespace hirelm::tokenizer {

namespace {

using nlohmann::json;

// The only pre-tokenizer split hirelm implements (see pre_tokenizer.h).
constexpr std::string_view kQwen2Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// Token ids above this are rejected so that a corrupt file cannot make us allocate absurd tables.
constexpr int64_t kMaxTokenId = (int64_t{1} << 24) - 1;

class Fields {
 public:
  explicit Fields(const std::string& name) : name_(name) {}

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw InvalidInputError(name_ + ": field '" + field + "' " + what);
  }
  [[noreturn]] void unsupported(const std::string& field, const std::string& what) const {
    throw UnsupportedError(name_ + ": field '" + field + "' " + what);
  }

  const json& require(const json& parent, const char* key, const std::string& field) const {
    if (!parent.is_object()) fail(field, "missing (parent is not an object)");
    auto it = parent.find(key);
    if (it == parent.end()) fail(field, "missing");
    return *it;
  }
  const json* optional(const json& parent, const char* key) const {
    if (!parent.is_object()) return nullptr;
    auto it = parent.find(key);
    return it == parent.end() || it->is_null() ? nullptr : &*it;
  }
  std::string string(const json& v, const std::string& field) const {
    if (!v.is_string()) fail(field, std::string("expected a string, got ") + v.type_name());
    return v.get<std::string>();
  }
  bool boolean(const json& parent, const char* key, const std::string& field, bool fallback) const {
    const json* v = optional(parent, key);
    if (v == nullptr) return fallback;
    if (!v->is_boolean()) fail(field, std::string("expected a boolean, got ") + v->type_name());
    return v->get<bool>();
  }
  int32_t token_id(const json& v, const std::string& field) const {
    if (!v.is_number_integer()) fail(field, std::string("expected an integer token id, got ") + v.type_name());
    int64_t id = v.is_number_unsigned() ? static_cast<int64_t>(std::min<uint64_t>(v.get<uint64_t>(), uint64_t(kMaxTokenId) + 1))
                                        : v.get<int64_t>();
    if (id < 0 || id > kMaxTokenId) {
      fail(field, "expected a token id in [0, " + std::to_string(kMaxTokenId) + "], got " + v.dump());
    }
    return static_cast<int32_t>(id);
  }

 private:
  const std::string& name_;
};

void set_token(TokenizerData& data, int32_t id, const std::string& text) {
  if (static_cast<size_t>(id) >= data.tokens.size()) data.tokens.resize(static_cast<size_t>(id) + 1);
  data.tokens[static_cast<size_t>(id)] = text;
  data.token_ids[text] = id;
}

bool parse_normalizer(const Fields& f, const json& root) {
  const json* n = f.optional(root, "normalizer");
  if (n == nullptr) return false;
  std::string type = f.string(f.require(*n, "type", "normalizer.type"), "normalizer.type");
  if (type == "NFC") return true;
  if (type == "Sequence") {
    const json& list = f.require(*n, "normalizers", "normalizer.normalizers");
    if (!list.is_array()) f.fail("normalizer.normalizers", "expected an array");
    bool nfc = false;
    for (const auto& item : list) {
      std::string t = f.string(f.require(item, "type", "normalizer.normalizers[].type"), "normalizer.normalizers[].type");
      if (t != "NFC") f.unsupported("normalizer.normalizers[].type", "is '" + t + "'; only NFC is supported");
      nfc = true;
    }
    return nfc;
  }
  f.unsupported("normalizer.type", "is '" + type + "'; only NFC is supported");
}

void check_byte_level(const Fields& f, const json& node, const std::string& field, bool regex_allowed) {
  if (f.boolean(node, "use_regex", field + ".use_regex", true) && !regex_allowed) {
    f.unsupported(field + ".use_regex", "is true; only the Qwen2 Split followed by ByteLevel(use_regex=false) is supported");
  }
}

void parse_pre_tokenizer(const Fields& f, const json& root) {
  const json& pre = f.require(root, "pre_tokenizer", "pre_tokenizer");
  if (pre.is_null()) f.unsupported("pre_tokenizer", "is null; a byte-level pre-tokenizer is required");
  std::string type = f.string(f.require(pre, "type", "pre_tokenizer.type"), "pre_tokenizer.type");
  if (type != "Sequence") f.unsupported("pre_tokenizer.type", "is '" + type + "'; expected the Qwen2 Sequence");
  const json& list = f.require(pre, "pretokenizers", "pre_tokenizer.pretokenizers");
  if (!list.is_array() || list.size() != 2) {
    f.unsupported("pre_tokenizer.pretokenizers", "expected [Split, ByteLevel] (the Qwen2 pre-tokenizer)");
  }
  const json& split = list[0];
  std::string t0 = f.string(f.require(split, "type", "pre_tokenizer.pretokenizers[0].type"), "pre_tokenizer.pretokenizers[0].type");
  if (t0 != "Split") f.unsupported("pre_tokenizer.pretokenizers[0].type", "is '" + t0 + "', expected 'Split'");
  const json& pattern = f.require(split, "pattern", "pre_tokenizer.pretokenizers[0].pattern");
  const json& regex = f.require(pattern, "Regex", "pre_tokenizer.pretokenizers[0].pattern.Regex");
  if (f.string(regex, "pre_tokenizer.pretokenizers[0].pattern.Regex") != kQwen2Pattern) {
    f.unsupported("pre_tokenizer.pretokenizers[0].pattern.Regex", "is not the Qwen2 split pattern");
  }
  if (const json* b = f.optional(split, "behavior"); b && f.string(*b, "pre_tokenizer.pretokenizers[0].behavior") != "Isolated") {
    f.unsupported("pre_tokenizer.pretokenizers[0].behavior", "is not 'Isolated'");
  }
  if (f.boolean(split, "invert", "pre_tokenizer.pretokenizers[0].invert", false)) {
    f.unsupported("pre_tokenizer.pretokenizers[0].invert", "is true");
  }
  const json& bl = list[1];
  std::string t1 = f.string(f.require(bl, "type", "pre_tokenizer.pretokenizers[1].type"), "pre_tokenizer.pretokenizers[1].type");
  if (t1 != "ByteLevel") f.unsupported("pre_tokenizer.pretokenizers[1].type", "is '" + t1 + "', expected 'ByteLevel'");
  check_byte_level(f, bl, "pre_tokenizer.pretokenizers[1]", false);
  if (f.boolean(bl, "add_prefix_space", "pre_tokenizer.pretokenizers[1].add_prefix_space", false)) {
    f.unsupported("pre_tokenizer.pretokenizers[1].add_prefix_space", "is true");
  }
}

void parse_model(const Fields& f, const json& root, TokenizerData& data) {
  const json& model = f.require(root, "model", "model");
  if (!model.is_object()) f.fail("model", std::string("expected an object, got ") + model.type_name());
  if (const json* type = f.optional(model, "type")) {
    std::string t = f.string(*type, "model.type");
    if (t != "BPE") f.unsupported("model.type", "is '" + t + "'; only BPE is supported");
  }
  if (f.boolean(model, "byte_fallback", "model.byte_fallback", false)) f.unsupported("model.byte_fallback", "is true");
  if (f.boolean(model, "ignore_merges", "model.ignore_merges", false)) f.unsupported("model.ignore_merges", "is true");
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    if (const json* v = f.optional(model, key); v && !f.string(*v, std::string("model.") + key).empty()) {
      f.unsupported(std::string("model.") + key, "is not empty");
    }
  }

  const json& vocab = f.require(model, "vocab", "model.vocab");
  if (!vocab.is_object()) f.fail("model.vocab", std::string("expected an object, got ") + vocab.type_name());
  data.token_ids.reserve(vocab.size() + 64);
  for (const auto& [text, id] : vocab.items()) set_token(data, f.token_id(id, "model.vocab[\"" + text + "\"]"), text);

  const json& merges = f.require(model, "merges", "model.merges");
  if (!merges.is_array()) f.fail("model.merges", std::string("expected an array, got ") + merges.type_name());
  data.merges.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    const json& m = merges[i];
    std::string field = "model.merges[" + std::to_string(i) + "]";
    std::string left, right;
    if (m.is_string()) {
      const std::string& s = m.get_ref<const std::string&>();
      size_t sp = s.find(' ');
      if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos) {
        f.fail(field, "expected \"left right\" (two tokens separated by one space), got \"" + s + "\"");
      }
      left = s.substr(0, sp);
      right = s.substr(sp + 1);
    } else if (m.is_array() && m.size() == 2) {
      left = f.string(m[0], field + "[0]");
      right = f.string(m[1], field + "[1]");
    } else {
      f.fail(field, std::string("expected a string or a [left, right] pair, got ") + m.dump());
    }
    data.merges.push_back(resolve_merge(data, left, right, field));
  }
}

void parse_added_tokens(const Fields& f, const json& root, TokenizerData& data) {
  const json* list = f.optional(root, "added_tokens");
  if (list == nullptr) return;
  if (!list->is_array()) f.fail("added_tokens", std::string("expected an array, got ") + list->type_name());
  for (size_t i = 0; i < list->size(); ++i) {
    const json& t = (*list)[i];
    std::string field = "added_tokens[" + std::to_string(i) + "]";
    AddedToken token;
    token.id = f.token_id(f.require(t, "id", field + ".id"), field + ".id");
    token.content = f.string(f.require(t, "content", field + ".content"), field + ".content");
    token.special = f.boolean(t, "special", field + ".special", false);
    token.lstrip = f.boolean(t, "lstrip", field + ".lstrip", false);
    token.rstrip = f.boolean(t, "rstrip", field + ".rstrip", false);
    token.normalized = f.boolean(t, "normalized", field + ".normalized", !token.special);
    token.single_word = f.boolean(t, "single_word", field + ".single_word", false);
    set_token(data, token.id, token.content);
    data.added.push_back(std::move(token));
  }
}

// BOS from a TemplateProcessing post-processor whose single-sequence template starts with a special token.
void parse_post_processor(const Fields& f, const json& root, TokenizerData& data) {
  const json* pp = f.optional(root, "post_processor");
  if (pp == nullptr || !pp->is_object()) return;
  const json* type = f.optional(*pp, "type");
  if (type == nullptr || !type->is_string() || *type != "TemplateProcessing") return;
  const json* single = f.optional(*pp, "single");
  if (single == nullptr || !single->is_array() || single->empty()) return;
  const json* special = f.optional((*single)[0], "SpecialToken");
  if (special == nullptr) return;
  const json* name = f.optional(*special, "id");
  if (name == nullptr || !name->is_string()) return;
  auto it = data.token_ids.find(name->get<std::string>());
  if (it == data.token_ids.end()) return;
  data.bos_id = it->second;
  data.add_bos = true;
}

void check_byte_tokens(const Fields& f, const TokenizerData& data) {
  for (int b = 0; b < 256; ++b) {
    std::string spelled = bytes_to_byte_level(std::string(1, static_cast<char>(b)));
    if (!data.token_ids.count(spelled)) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", b);
      f.fail("model.vocab", std::string("has no token for byte ") + hex + " ('" + spelled + "')");
    }
  }
}

// Content of a tokenizer_config.json token entry: a string or {"content": ...}.
std::optional<std::string> config_token(const json& config, const char* key) {
  auto it = config.find(key);
  if (it == config.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object()) {
    auto c = it->find("content");
    if (c != it->end() && c->is_string()) return c->get<std::string>();
  }
  return std::nullopt;
}

json parse_json(std::string_view text, const std::string& name) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw InvalidInputError(name + ": invalid JSON at byte " + std::to_string(e.byte) + ": " + e.what());
  } catch (const json::exception& e) {  // e.g. out_of_range: a number too large for a double
    throw InvalidInputError(name + ": invalid JSON: " + e.what());
  }
}

}  // namespace

BpeMerge resolve_merge(const TokenizerData& data, const std::string& left, const std::string& right,
                       const std::string& where) {
  auto find = [&](const std::string& token) {
    auto it = data.token_ids.find(token);
    if (it == data.token_ids.end()) {
      throw InvalidInputError(data.source + ": field '" + where + "': token '" + token + "' is not in the vocabulary");
    }
    return it->second;
  };
  return BpeMerge{find(left), find(right), find(left + right)};
}

TokenizerData load_tokenizer_json(std::string_view text, const std::string& name) {
  json root = parse_json(text, name);
  Fields f(name);
  if (!root.is_object()) throw InvalidInputError(name + ": expected a JSON object at the top level");
  TokenizerData data;
  data.source = name;
  // Vocabulary first (merges resolve against it), then added tokens, which may override ids.
  parse_model(f, root, data);
  check_byte_tokens(f, data);
  parse_added_tokens(f, root, data);
  data.nfc = parse_normalizer(f, root);
  parse_pre_tokenizer(f, root);
  parse_post_processor(f, root, data);
  // Without a tokenizer_config.json, recognise the common end-of-text tokens by name.
  for (const char* eos : {"<｜end▁of▁sentence｜>", "<|endoftext|>", "<|im_end|>", "</s>"}) {
    auto it = data.token_ids.find(eos);
    if (it != data.token_ids.end()) {
      data.eos_id = it->second;
      break;
    }
  }
  return data;
}

void apply_tokenizer_config(std::string_view text, const std::string& name, TokenizerData& data) {
  json config = parse_json(text, name);
  if (!config.is_object()) throw InvalidInputError(name + ": expected a JSON object at the top level");
  auto resolve = [&](const char* key) -> std::optional<int32_t> {
    auto content = config_token(config, key);
    if (!content) return std::nullopt;
    auto it = data.token_ids.find(*content);
    if (it == data.token_ids.end()) {
      throw InvalidInputError(name + ": field '" + key + "': token '" + *content + "' is not in the vocabulary");
    }
    return it->second;
  };
  if (auto bos = resolve("bos_token")) data.bos_id = bos;
  if (auto eos = resolve("eos_token")) data.eos_id = eos;
  auto add = config.find("add_bos_token");
  if (add != config.end()) {
    if (!add->is_boolean()) throw InvalidInputError(name + ": field 'add_bos_token': expected a boolean");
    data.add_bos = add->get<bool>() && data.bos_id.has_value();
  }
}

}  // namespace hirelm::tokenizer
