#include "screening/profile/profile_parser.h"

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace hirelm::profile {

namespace {

using nlohmann::json;

[[noreturn]] void type_error(const std::string& field, const char* expected, const json& got) {
  throw InvalidInputError("profile json: field '" + field + "': expected " + expected + ", got " +
                          got.type_name());
}

// A present, non-null value of `key` in `obj`, or nullptr.
const json* member(const json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> opt_string(const json& obj, const char* key, const std::string& path) {
  const json* v = member(obj, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) type_error(path + key, "string or null", *v);
  return v->get<std::string>();
}

std::string string_or_empty(const json& obj, const char* key, const std::string& path) {
  return opt_string(obj, key, path).value_or("");
}

std::vector<std::string> string_list(const json& obj, const char* key, const std::string& path) {
  std::vector<std::string> out;
  const json* v = member(obj, key);
  if (v == nullptr) return out;
  if (!v->is_array()) type_error(path + key, "array of strings", *v);
  for (size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    if (!item.is_string()) type_error(path + key + "[" + std::to_string(i) + "]", "string", item);
    out.push_back(item.get<std::string>());
  }
  return out;
}

// The array `key` of objects, each handed to `fn(object, "key[i].")`.
template <typename Fn>
void for_each_object(const json& obj, const char* key, Fn fn) {
  const json* v = member(obj, key);
  if (v == nullptr) return;
  if (!v->is_array()) type_error(key, "array", *v);
  for (size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    const std::string path = std::string(key) + "[" + std::to_string(i) + "].";
    if (!item.is_object()) type_error(path.substr(0, path.size() - 1), "object", item);
    fn(item, path);
  }
}

}  // namespace

Profile parse_profile_json(std::string_view json_text) {
  json root;
  try {
    root = json::parse(json_text.begin(), json_text.end());
  } catch (const json::parse_error& e) {
    throw InvalidInputError("profile json: not valid JSON at byte " + std::to_string(e.byte) + ": " + e.what());
  } catch (const json::out_of_range& e) {  // a number too large for a double, e.g. 15e800
    throw InvalidInputError(std::string("profile json: ") + e.what());
  }
  if (!root.is_object()) type_error("(root)", "object", root);

  Profile p;
  p.name = opt_string(root, "name", "");
  p.email = opt_string(root, "email", "");
  p.phone = opt_string(root, "phone", "");
  if (const json* v = member(root, "years_of_experience")) {
    if (!v->is_number()) type_error("years_of_experience", "number or null", *v);
    const double years = v->get<double>();
    if (years < 0 || years > 80) {
      throw InvalidInputError("profile json: field 'years_of_experience': expected 0..80, got " +
                              std::to_string(years));
    }
    p.years_of_experience = years;
    p.years_stated = years;
  }
  p.highest_degree = opt_string(root, "highest_degree", "");
  p.degree_raw = string_or_empty(root, "degree_raw", "");

  if (const json* v = member(root, "tech_stack")) {
    if (v->is_object()) {
      p.tech_stack.languages = string_list(*v, "languages", "tech_stack.");
      p.tech_stack.frameworks = string_list(*v, "frameworks", "tech_stack.");
    } else if (v->is_array()) {
      p.tech_stack.frameworks = string_list(root, "tech_stack", "");
    } else {
      type_error("tech_stack", "object {languages, frameworks}", *v);
    }
  }
  for_each_object(root, "projects", [&](const json& o, const std::string& path) {
    if (p.projects.size() < kMaxProjects) {
      p.projects.push_back({string_or_empty(o, "name", path), string_or_empty(o, "summary", path)});
    }
  });
  for_each_object(root, "education", [&](const json& o, const std::string& path) {
    p.education.push_back({string_or_empty(o, "school", path), string_or_empty(o, "degree", path),
                           string_or_empty(o, "major", path), string_or_empty(o, "start", path),
                           string_or_empty(o, "end", path)});
  });
  for_each_object(root, "work_history", [&](const json& o, const std::string& path) {
    p.work_history.push_back({string_or_empty(o, "company", path), string_or_empty(o, "title", path),
                              string_or_empty(o, "start", path), string_or_empty(o, "end", path),
                              string_or_empty(o, "summary", path)});
  });
  return p;
}

std::string_view extract_json_object(std::string_view answer) {
  const size_t open = answer.find('{');
  if (open == std::string_view::npos) return answer;
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (size_t i = open; i < answer.size(); ++i) {
    const char c = answer[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{') ++depth;
    else if (c == '}' && --depth == 0) return answer.substr(open, i - open + 1);
  }
  return answer;
}

}  // namespace hirelm::profile
