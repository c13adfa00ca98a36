// config.json / generation_config.json parsing with errors that name the file and the field.
#include "engine/formats/hf_config.h"

#include <sys/stat.h>

#include <cmath>
#include <limits>

#include "util/error.h"
#include "util/mapped_file.h"

namespace hirelm::formats {

namespace {

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string resolve(const std::string& path, const char* file_name) {
  return is_dir(path) ? path + "/" + file_name : path;
}

[[noreturn]] void wrong_type(const std::string& path, const std::string& key, const nlohmann::json& v,
                             const char* expected) {
  throw InvalidInputError(path + ": field '" + key + "' is a " + std::string(v.type_name()) + " (" + v.dump() +
                          "), expected " + expected);
}

[[noreturn]] void missing(const std::string& path, const std::string& key) {
  throw InvalidInputError(path + ": field '" + key + "' missing");
}

const nlohmann::json* lookup(const nlohmann::json& j, const std::string& key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<int64_t> int_field(const std::string& path, const nlohmann::json& j, const std::string& key) {
  const nlohmann::json* v = lookup(j, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_unsigned()) {
    if (v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) wrong_type(path, key, *v, "an integer that fits in int64");
    return static_cast<int64_t>(v->get<uint64_t>());
  }
  if (v->is_number_integer()) return v->get<int64_t>();
  // 1.0 written by some tools for integer fields is accepted; 1.5 is not.
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e15) return static_cast<int64_t>(d);
  }
  wrong_type(path, key, *v, "an integer");
}

std::optional<double> float_field(const std::string& path, const nlohmann::json& j, const std::string& key) {
  const nlohmann::json* v = lookup(j, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) wrong_type(path, key, *v, "a number");
  return v->get<double>();
}

std::optional<int64_t> int_in(const std::string& path, const nlohmann::json& j, const std::string& key, int64_t min,
                              int64_t max) {
  auto v = int_field(path, j, key);
  if (v && (*v < min || *v > max)) {
    throw InvalidInputError(path + ": field '" + key + "' is " + std::to_string(*v) + ", expected " +
                            std::to_string(min) + ".." + std::to_string(max));
  }
  return v;
}

std::optional<float> float_in(const std::string& path, const nlohmann::json& j, const std::string& key, double min,
                              double max) {
  auto v = float_field(path, j, key);
  if (v && !(*v >= min && *v <= max)) {
    throw InvalidInputError(path + ": field '" + key + "' is " + std::to_string(*v) + ", expected " +
                            std::to_string(min) + ".." + std::to_string(max));
  }
  if (!v) return std::nullopt;
  return static_cast<float>(*v);
}

}  // namespace

nlohmann::json load_json_file(const std::string& path) {
  const std::string text = read_file(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InvalidInputError(path + ": invalid JSON at byte " + std::to_string(e.byte) + ": " + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInputError(path + ": invalid JSON: " + e.what());
  }
}

HfConfig HfConfig::load(const std::string& path) {
  const std::string file = resolve(path, "config.json");
  return from_json(file, load_json_file(file));
}

HfConfig HfConfig::from_json(const std::string& path, nlohmann::json json) {
  if (!json.is_object()) {
    throw InvalidInputError(path + ": top level is a JSON " + std::string(json.type_name()) + ", expected an object");
  }
  HfConfig c;
  c.path_ = path;
  c.json_ = std::move(json);
  return c;
}

std::optional<int64_t> HfConfig::find_int(const std::string& key) const { return int_field(path_, json_, key); }
std::optional<double> HfConfig::find_float(const std::string& key) const { return float_field(path_, json_, key); }

std::optional<std::string> HfConfig::find_string(const std::string& key) const {
  const nlohmann::json* v = lookup(json_, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) wrong_type(path_, key, *v, "a string");
  return v->get<std::string>();
}

std::optional<bool> HfConfig::find_bool(const std::string& key) const {
  const nlohmann::json* v = lookup(json_, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) wrong_type(path_, key, *v, "a boolean");
  return v->get<bool>();
}

std::optional<int64_t> HfConfig::find_int_in(const std::string& key, int64_t min, int64_t max) const {
  return int_in(path_, json_, key, min, max);
}

int64_t HfConfig::get_int(const std::string& key) const {
  auto v = find_int(key);
  if (!v) missing(path_, key);
  return *v;
}

int64_t HfConfig::get_int_in(const std::string& key, int64_t min, int64_t max) const {
  auto v = find_int_in(key, min, max);
  if (!v) missing(path_, key);
  return *v;
}

double HfConfig::get_float(const std::string& key) const {
  auto v = find_float(key);
  if (!v) missing(path_, key);
  return *v;
}

std::string HfConfig::get_string(const std::string& key) const {
  auto v = find_string(key);
  if (!v) missing(path_, key);
  return *v;
}

bool HfConfig::get_bool(const std::string& key) const {
  auto v = find_bool(key);
  if (!v) missing(path_, key);
  return *v;
}

GenerationConfig GenerationConfig::load(const std::string& path) {
  const std::string file = resolve(path, "generation_config.json");
  return from_json(file, load_json_file(file));
}

GenerationConfig GenerationConfig::from_json(const std::string& path, const nlohmann::json& j) {
  if (!j.is_object()) {
    throw InvalidInputError(path + ": top level is a JSON " + std::string(j.type_name()) + ", expected an object");
  }
  constexpr int64_t kMaxId = std::numeric_limits<int32_t>::max();
  constexpr int64_t kMaxInt = std::numeric_limits<int>::max();
  GenerationConfig g;
  g.temperature = float_in(path, j, "temperature", 0.0, 1e6);
  g.top_p = float_in(path, j, "top_p", 0.0, 1.0);
  g.min_p = float_in(path, j, "min_p", 0.0, 1.0);
  g.repetition_penalty = float_in(path, j, "repetition_penalty", 0.0, 1e6);
  if (auto v = int_in(path, j, "top_k", 0, kMaxInt)) g.top_k = static_cast<int>(*v);
  if (auto v = int_in(path, j, "max_new_tokens", 0, kMaxInt)) g.max_new_tokens = static_cast<int>(*v);
  if (auto v = int_in(path, j, "max_length", 0, kMaxInt)) g.max_length = static_cast<int>(*v);
  if (auto v = int_in(path, j, "bos_token_id", 0, kMaxId)) g.bos_token_id = static_cast<int32_t>(*v);
  if (auto v = int_in(path, j, "pad_token_id", 0, kMaxId)) g.pad_token_id = static_cast<int32_t>(*v);
  if (const nlohmann::json* v = lookup(j, "do_sample")) {
    if (!v->is_boolean()) wrong_type(path, "do_sample", *v, "a boolean");
    g.do_sample = v->get<bool>();
  }
  if (const nlohmann::json* v = lookup(j, "eos_token_id")) {
    if (v->is_array()) {
      for (size_t k = 0; k < v->size(); ++k) {
        nlohmann::json one = {{"eos_token_id", (*v)[k]}};
        auto id = int_in(path, one, "eos_token_id", 0, kMaxId);
        if (!id) wrong_type(path, "eos_token_id[" + std::to_string(k) + "]", (*v)[k], "a token id");
        g.eos_token_ids.push_back(static_cast<int32_t>(*id));
      }
    } else {
      g.eos_token_ids.push_back(static_cast<int32_t>(*int_in(path, j, "eos_token_id", 0, kMaxId)));
    }
  }
  return g;
}

}  // namespace hirelm::formats
