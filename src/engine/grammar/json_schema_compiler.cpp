// JSON schema (the subset real extraction schemas use) to grammar. See docs/grammar.md for the subset;
// everything else is refused with UnsupportedError naming the keyword and its JSON pointer.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "engine/grammar/grammar.h"
#include "engine/grammar/json_rules.h"
#include "util/error.h"

namespace hirelm::grammar {
namespace {

using json = nlohmann::ordered_json;

const std::set<std::string>& annotation_keywords() {
  static const std::set<std::string> k = {"title",    "description", "examples",  "example",    "$schema",
                                          "$id",      "$comment",    "default",   "deprecated", "readOnly",
                                          "writeOnly", "$defs",      "definitions"};
  return k;
}

const std::set<std::string>& supported_keywords() {
  static const std::set<std::string> k = {
      "type",      "enum",      "const",    "properties", "required",         "additionalProperties",
      "items",     "minItems",  "maxItems", "minLength",  "maxLength",        "format",
      "minimum",   "maximum",   "exclusiveMinimum",       "exclusiveMaximum", "anyOf",
      "oneOf",     "allOf",     "$ref"};
  return k;
}

const std::set<std::string> kTypes = {"null", "boolean", "object", "array", "number", "string", "integer"};

std::string escape_pointer_token(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

bool value_has_type(const json& v, const std::string& type) {
  if (type == "null") return v.is_null();
  if (type == "boolean") return v.is_boolean();
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "number") return v.is_number();
  if (type == "integer") {
    return v.is_number_integer() || (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
  }
  return false;
}

class SchemaCompiler {
 public:
  SchemaCompiler(const json& root, GrammarBuilder& b) : root_(root), b_(b), j_(b) {}

  Symbol compile(const json& schema, const std::string& path);

 private:
  [[noreturn]] void unsupported(const std::string& what, const std::string& path) const {
    throw UnsupportedError("json schema: " + what + " at " + (path.empty() ? "/" : path));
  }
  [[noreturn]] void invalid(const std::string& what, const std::string& path) const {
    throw InvalidInputError("json schema: " + what + " at " + (path.empty() ? "/" : path));
  }
  int64_t count(const json& schema, const char* key, const std::string& path) const;
  Symbol ref(const std::string& target, const std::string& path);
  Symbol literal_values(const json& schema, const std::string& path);
  Symbol typed(const json& schema, const std::string& type, const std::string& path);
  Symbol string(const json& schema, const std::string& path);
  Symbol number(const json& schema, bool integer, const std::string& path);
  Symbol object(const json& schema, const std::string& path);
  Symbol array(const json& schema, const std::string& path);

  const json& root_;
  GrammarBuilder& b_;
  JsonRules j_;
  std::map<std::string, uint32_t> refs_;
  int depth_ = 0;
  static constexpr int kMaxDepth = 64;
};

int64_t SchemaCompiler::count(const json& schema, const char* key, const std::string& path) const {
  const json& v = schema.at(key);
  if (!v.is_number_integer() || v.get<int64_t>() < 0) {
    invalid(std::string("'") + key + "' must be a non-negative integer, got " + v.dump(), path);
  }
  return v.get<int64_t>();
}

Symbol SchemaCompiler::compile(const json& schema, const std::string& path) {
  if (++depth_ > kMaxDepth) unsupported("schema nested deeper than " + std::to_string(kMaxDepth) + " levels", path);
  struct Leave {
    int& d;
    ~Leave() { --d; }
  } leave{depth_};
  if (schema.is_boolean()) {
    if (!schema.get<bool>()) invalid("schema 'false' matches nothing", path);
    return j_.any_value();
  }
  if (!schema.is_object()) invalid("expected a schema object, got " + schema.dump(), path);
  size_t constraints = 0;
  for (const auto& [key, value] : schema.items()) {
    if (annotation_keywords().count(key)) continue;
    if (!supported_keywords().count(key)) unsupported("unsupported keyword '" + key + "'", path);
    ++constraints;
  }
  auto only = [&](const char* keyword) {
    for (const auto& [key, value] : schema.items()) {
      if (key != keyword && !annotation_keywords().count(key)) {
        unsupported(std::string("keyword '") + key + "' next to '" + keyword + "'", path);
      }
    }
  };
  if (schema.contains("$ref")) {
    only("$ref");
    if (!schema["$ref"].is_string()) invalid("'$ref' must be a string", path);
    return ref(schema["$ref"].get<std::string>(), path);
  }
  for (const char* combinator : {"anyOf", "oneOf", "allOf"}) {
    if (!schema.contains(combinator)) continue;
    only(combinator);
    const json& list = schema[combinator];
    if (!list.is_array() || list.empty()) invalid(std::string("'") + combinator + "' must be a non-empty array", path);
    if (std::string(combinator) == "allOf") {
      if (list.size() != 1) unsupported("'allOf' with more than one schema", path);
      return compile(list[0], path + "/allOf/0");
    }
    // oneOf is generated like anyOf: branches are expected to be disjoint (docs/grammar.md).
    std::vector<Sequence> alts;
    for (size_t i = 0; i < list.size(); ++i) {
      alts.push_back({compile(list[i], path + "/" + combinator + "/" + std::to_string(i))});
    }
    return b_.choice(std::move(alts), path + "/" + combinator);
  }
  if (schema.contains("enum") || schema.contains("const")) return literal_values(schema, path);

  std::vector<std::string> types;
  if (schema.contains("type")) {
    const json& t = schema["type"];
    if (t.is_string()) {
      types.push_back(t.get<std::string>());
    } else if (t.is_array() && !t.empty()) {
      for (const auto& x : t) {
        if (!x.is_string()) invalid("'type' entries must be strings, got " + x.dump(), path);
        types.push_back(x.get<std::string>());
      }
    } else {
      invalid("'type' must be a string or a non-empty array, got " + t.dump(), path);
    }
    for (const auto& t2 : types) {
      if (!kTypes.count(t2)) invalid("unknown type '" + t2 + "'", path);
    }
  } else {
    // No type: generate the types the keywords constrain (a subset of what the schema allows).
    auto has = [&](std::initializer_list<const char*> keys) {
      return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return schema.contains(k); });
    };
    if (has({"properties", "required", "additionalProperties"})) types.push_back("object");
    if (has({"items", "minItems", "maxItems"})) types.push_back("array");
    if (has({"minLength", "maxLength", "format"})) types.push_back("string");
    if (has({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})) types.push_back("number");
    if (types.empty()) {
      if (constraints != 0) unsupported("schema without 'type'", path);
      return j_.any_value();
    }
  }
  std::vector<Sequence> alts;
  for (const auto& t : types) alts.push_back({typed(schema, t, path)});
  if (alts.size() == 1) return alts[0][0];
  return b_.choice(std::move(alts), path + "/type");
}

Symbol SchemaCompiler::ref(const std::string& target, const std::string& path) {
  auto it = refs_.find(target);
  if (it != refs_.end()) return GrammarBuilder::ref(it->second);
  if (target.empty() || target[0] != '#') unsupported("'$ref' to '" + target + "' outside this document", path);
  const json* node = nullptr;
  try {
    node = &root_.at(json::json_pointer(target.substr(1)));
  } catch (const json::exception&) {
    invalid("'$ref' target '" + target + "' does not exist", path);
  }
  // The rule exists before its body is compiled, so recursive references resolve to it.
  uint32_t rule = b_.new_rule(target);
  refs_.emplace(target, rule);
  b_.add_alternative(rule, {compile(*node, target.substr(1))});
  return GrammarBuilder::ref(rule);
}

Symbol SchemaCompiler::literal_values(const json& schema, const std::string& path) {
  std::vector<json> values;
  if (schema.contains("enum")) {
    if (!schema["enum"].is_array()) invalid("'enum' must be an array", path);
    values.assign(schema["enum"].begin(), schema["enum"].end());
  }
  if (schema.contains("const")) {
    if (schema.contains("enum")) {
      std::erase_if(values, [&](const json& v) { return v != schema["const"]; });
    } else {
      values.push_back(schema["const"]);
    }
  }
  for (const auto& [key, value] : schema.items()) {
    if (key != "enum" && key != "const" && key != "type" && !annotation_keywords().count(key)) {
      unsupported("keyword '" + key + "' next to 'enum'/'const'", path);
    }
  }
  if (schema.contains("type")) {
    std::vector<std::string> types;
    if (schema["type"].is_string()) types.push_back(schema["type"]);
    else if (schema["type"].is_array()) {
      for (const auto& t : schema["type"]) types.push_back(t.is_string() ? t.get<std::string>() : "");
    }
    std::erase_if(values, [&](const json& v) {
      return std::none_of(types.begin(), types.end(), [&](const std::string& t) { return value_has_type(v, t); });
    });
  }
  if (values.empty()) invalid("'enum'/'const' allows no value (empty, or none of its values has the 'type')", path);
  std::vector<Sequence> alts;
  for (const auto& v : values) alts.push_back(j_.literal_value(v.dump()));
  return b_.choice(std::move(alts), path + "/enum");
}

Symbol SchemaCompiler::typed(const json& schema, const std::string& type, const std::string& path) {
  if (type == "null") return b_.choice({b_.literal("null")}, "null");
  if (type == "boolean") return b_.choice({b_.literal("true"), b_.literal("false")}, "boolean");
  if (type == "string") return string(schema, path);
  if (type == "integer") return number(schema, true, path);
  if (type == "number") return number(schema, false, path);
  if (type == "object") return object(schema, path);
  return array(schema, path);
}

Symbol SchemaCompiler::string(const json& schema, const std::string& path) {
  int64_t min = schema.contains("minLength") ? count(schema, "minLength", path) : 0;
  int64_t max = schema.contains("maxLength") ? count(schema, "maxLength", path) : -1;
  if (max >= 0 && min > max) {
    invalid("minLength " + std::to_string(min) + " > maxLength " + std::to_string(max) + " can never be satisfied",
            path);
  }
  if (!schema.contains("format")) return j_.string(min, max);
  if (!schema["format"].is_string()) invalid("'format' must be a string", path);
  std::string format = schema["format"];
  if (format == "date") {
    if (min > 10 || (max >= 0 && max < 10)) invalid("a 'date' has 10 characters, outside minLength/maxLength", path);
    return j_.date();
  }
  if (format == "email") {
    if (schema.contains("minLength") || schema.contains("maxLength")) {
      unsupported("minLength/maxLength together with format 'email'", path);
    }
    return j_.email();
  }
  unsupported("unsupported format '" + format + "' (supported: date, email)", path);
}

Symbol SchemaCompiler::number(const json& schema, bool integer, const std::string& path) {
  NumberBounds bounds;
  auto read = [&](const char* key) -> std::optional<double> {
    if (!schema.contains(key)) return std::nullopt;
    const json& v = schema[key];
    if (v.is_boolean()) unsupported(std::string("boolean '") + key + "' (draft-4 style)", path);
    if (!v.is_number()) invalid(std::string("'") + key + "' must be a number, got " + v.dump(), path);
    return v.get<double>();
  };
  bounds.minimum = read("minimum");
  bounds.maximum = read("maximum");
  if (auto x = read("exclusiveMinimum"); x && (!bounds.minimum || *x >= *bounds.minimum)) {
    bounds.minimum = x;
    bounds.exclusive_minimum = true;
  }
  if (auto x = read("exclusiveMaximum"); x && (!bounds.maximum || *x <= *bounds.maximum)) {
    bounds.maximum = x;
    bounds.exclusive_maximum = true;
  }
  if (bounds.minimum && bounds.maximum &&
      (*bounds.minimum > *bounds.maximum ||
       (*bounds.minimum == *bounds.maximum && (bounds.exclusive_minimum || bounds.exclusive_maximum)))) {
    invalid("the range minimum..maximum is empty", path);
  }
  if (!integer) return j_.number(bounds, path);
  std::optional<int64_t> lo, hi;
  constexpr double kLimit = 1e15;
  if (bounds.minimum) {
    double m = std::clamp(*bounds.minimum, -kLimit, kLimit);
    lo = static_cast<int64_t>(bounds.exclusive_minimum ? std::floor(m) + 1 : std::ceil(m));
  }
  if (bounds.maximum) {
    double m = std::clamp(*bounds.maximum, -kLimit, kLimit);
    hi = static_cast<int64_t>(bounds.exclusive_maximum ? std::ceil(m) - 1 : std::floor(m));
  }
  if (lo && hi && *lo > *hi) invalid("no integer lies within minimum..maximum", path);
  return j_.integer(lo, hi);
}

Symbol SchemaCompiler::object(const json& schema, const std::string& path) {
  bool closed = false;
  if (schema.contains("additionalProperties")) {
    const json& ap = schema["additionalProperties"];
    if (ap.is_boolean()) {
      closed = !ap.get<bool>();
    } else if (!(ap.is_object() && ap.empty())) {
      unsupported("'additionalProperties' with a schema (only true/false)", path);
    }
  }
  const json empty = json::object();
  const json& props = schema.contains("properties") ? schema["properties"] : empty;
  if (!props.is_object()) invalid("'properties' must be an object", path);
  std::set<std::string> required;
  if (schema.contains("required")) {
    if (!schema["required"].is_array()) invalid("'required' must be an array", path);
    for (const auto& r : schema["required"]) {
      if (!r.is_string()) invalid("'required' entries must be strings", path);
      if (!props.contains(r.get<std::string>())) {
        if (closed) invalid("required property '" + r.get<std::string>() + "' is not in 'properties'", path);
        unsupported("required property '" + r.get<std::string>() + "' without a schema in 'properties'", path);
      }
      required.insert(r.get<std::string>());
    }
  }
  if (props.empty() && !closed) return j_.any_object();

  // Properties in schema order (nlohmann's ordered_json keeps it when the caller parsed with it; plain json
  // orders keys alphabetically). Optional ones may be skipped, so commas are tracked by two rule chains:
  // first_i (nothing written yet) and rest_i (something written, so a comma comes first).
  std::vector<std::pair<std::string, Symbol>> members;
  for (const auto& [name, sub] : props.items()) {
    Sequence kv = b_.literal(json(name).dump());
    kv.push_back(j_.ws());
    append(kv, b_.literal(":"));
    kv.push_back(j_.ws());
    kv.push_back(compile(sub, path + "/properties/" + escape_pointer_token(name)));
    members.emplace_back(name, b_.choice({kv}, path + "/properties/" + name));
  }
  Sequence first_next, rest_next;  // first_{i+1} and rest_{i+1}, starting from the end (empty)
  for (size_t k = members.size(); k-- > 0;) {
    const auto& [name, kv] = members[k];
    bool req = required.count(name) != 0;
    Sequence take_first{kv};
    append(take_first, rest_next);
    Sequence take_rest = j_.comma();
    take_rest.push_back(kv);
    append(take_rest, rest_next);
    std::vector<Sequence> first_alts{take_first}, rest_alts{take_rest};
    if (!req) {
      first_alts.push_back(first_next);
      rest_alts.push_back(rest_next);
    }
    first_next = {b_.choice(std::move(first_alts), path + "/members")};
    rest_next = {b_.choice(std::move(rest_alts), path + "/more-members")};
  }
  Sequence obj = b_.literal("{");
  obj.push_back(j_.ws());
  append(obj, first_next);
  obj.push_back(j_.ws());
  append(obj, b_.literal("}"));
  return b_.choice({obj}, path.empty() ? "/" : path);
}

Symbol SchemaCompiler::array(const json& schema, const std::string& path) {
  int64_t min = schema.contains("minItems") ? count(schema, "minItems", path) : 0;
  int64_t max = schema.contains("maxItems") ? count(schema, "maxItems", path) : -1;
  if (max >= 0 && min > max) {
    invalid("minItems " + std::to_string(min) + " > maxItems " + std::to_string(max) + " can never be satisfied",
            path);
  }
  Symbol item = j_.any_value();
  if (schema.contains("items")) {
    if (schema["items"].is_array()) unsupported("tuple 'items' (an array of schemas)", path);
    item = compile(schema["items"], path + "/items");
  }
  Sequence arr = b_.literal("[");
  arr.push_back(j_.ws());
  if (max != 0) {
    Sequence more = j_.comma();
    more.push_back(item);
    Sequence items{item};
    append(items, b_.repeat(more, std::max<int64_t>(min - 1, 0), max < 0 ? -1 : max - 1, path + "/items"));
    items.push_back(j_.ws());
    if (min == 0) {
      arr.push_back(b_.optional(items, path + "/items?"));
    } else {
      append(arr, items);
    }
  }
  append(arr, b_.literal("]"));
  return b_.choice({arr}, path.empty() ? "/" : path);
}

}  // namespace

FlatGrammar compile_json_schema(const json& schema) {
  GrammarBuilder b("json schema");
  try {
    SchemaCompiler compiler(schema, b);
    uint32_t root = b.new_rule("root");
    b.add_alternative(root, {compiler.compile(schema, "")});
    return b.finish(root);
  } catch (const json::exception& e) {
    throw InvalidInputError(std::string("json schema: ") + e.what());
  }
}

FlatGrammar compile_json_object() {
  GrammarBuilder b("json object");
  JsonRules j(b);
  uint32_t root = b.new_rule("root");
  b.add_alternative(root, {j.any_object()});
  return b.finish(root);
}

}  // namespace hirelm::grammar
