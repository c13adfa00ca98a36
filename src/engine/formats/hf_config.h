// Hugging Face model-directory JSON files: config.json as a typed, validated key view, and
// generation_config.json as the sampling defaults it carries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hirelm::formats {

// Reads and parses a JSON file. Throws NotFoundError if it does not exist and InvalidInputError
// "PATH: invalid JSON: ..." (with the byte position) if it does not parse.
nlohmann::json load_json_file(const std::string& path);

// config.json: a JSON object with typed getters whose errors name the file and the key, e.g.
// "DIR/config.json: field 'hidden_size' missing" or "... field 'hidden_size' is a string, expected an integer".
class HfConfig {
 public:
  // `path` is the config.json file or the directory holding it.
  static HfConfig load(const std::string& path);
  // Wraps an already parsed object; `path` is used in error messages only.
  static HfConfig from_json(const std::string& path, nlohmann::json json);

  const std::string& path() const { return path_; }
  const nlohmann::json& json() const { return json_; }
  bool has(const std::string& key) const { return json_.contains(key) && !json_.at(key).is_null(); }

  int64_t get_int(const std::string& key) const;
  double get_float(const std::string& key) const;  // integers widen
  std::string get_string(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  // nullopt when the key is absent or null; throws on a wrong type.
  std::optional<int64_t> find_int(const std::string& key) const;
  std::optional<double> find_float(const std::string& key) const;
  std::optional<std::string> find_string(const std::string& key) const;
  std::optional<bool> find_bool(const std::string& key) const;
  // Like find_int, but also throws unless min <= value <= max.
  std::optional<int64_t> find_int_in(const std::string& key, int64_t min, int64_t max) const;
  int64_t get_int_in(const std::string& key, int64_t min, int64_t max) const;

 private:
  std::string path_;
  nlohmann::json json_;
};

// generation_config.json. Every field is optional; eos_token_id may be one id or a list in the file
// and is always a list here.
struct GenerationConfig {
  std::optional<float> temperature;
  std::optional<float> top_p;
  std::optional<int> top_k;
  std::optional<float> min_p;
  std::optional<float> repetition_penalty;
  std::optional<bool> do_sample;
  std::optional<int> max_new_tokens;
  std::optional<int> max_length;
  std::vector<int32_t> eos_token_ids;
  std::optional<int32_t> bos_token_id;
  std::optional<int32_t> pad_token_id;

  // Parses `path` (the file or the directory holding it). Throws NotFoundError if absent,
  // InvalidInputError on bad JSON or a field of the wrong type or range.
  static GenerationConfig load(const std::string& path);
  static GenerationConfig from_json(const std::string& path, const nlohmann::json& json);
};

}  // namespace hirelm::formats
