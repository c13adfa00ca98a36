// Tests, Python methods and global functions; filters live in filters.cpp.
#include "engine/template/builtins.h"

#include <ctime>
#include <set>

#include <utf8proc.h>

#include "engine/template/template_error.h"

namespace hirelm::templating {
namespace {

uint32_t decode(const std::string& cp) {
  utf8proc_int32_t c = -1;
  utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(cp.data()), static_cast<utf8proc_ssize_t>(cp.size()), &c);
  return c < 0 ? 0xfffd : static_cast<uint32_t>(c);
}

std::string encode(uint32_t c) {
  utf8proc_uint8_t buf[4];
  utf8proc_ssize_t n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
  return std::string(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
}

// Python's str.isspace() set.
bool is_py_space(uint32_t c) {
  return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

bool is_cased_letter(uint32_t c) {
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LT;
}

std::string map_case(const std::string& s, bool upper) {
  std::string out;
  for (const auto& cp : utf8_code_points(s)) {
    uint32_t c = decode(cp);
    if (c == 0xfffd && cp != "\xef\xbf\xbd") {
      out += cp;  // invalid byte: keep as is
      continue;
    }
    out += encode(static_cast<uint32_t>(upper ? utf8proc_toupper(static_cast<utf8proc_int32_t>(c))
                                              : utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
  }
  return out;
}

const Json& arg_json(const CallArgs& args, size_t i, const std::string& fn) {
  const Value& v = args.positional[i];
  if (v.is_json()) return v.json();
  if (v.is_undefined()) throw_template_error(args.line, v.undefined_hint());
  throw_template_error(args.line, fn + ": argument " + std::to_string(i + 1) + " must be a value, got " + v.type_name());
}

std::string arg_string(const CallArgs& args, size_t i, const std::string& fn) {
  const Json& j = arg_json(args, i, fn);
  if (!j.is_string()) throw_template_error(args.line, fn + ": expected a string argument, got " + Value(j).type_name());
  return j.get<std::string>();
}

// Folds keyword arguments into positions given the parameter names, like a Python call.
void bind_keywords(CallArgs& args, const std::vector<std::string>& names, const std::string& fn) {
  for (auto& [key, value] : args.keyword) {
    size_t pos = names.size();
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == key) pos = i;
    }
    if (pos == names.size()) throw_template_error(args.line, fn + "() got an unexpected keyword argument '" + key + "'");
    while (args.positional.size() <= pos) args.positional.push_back(Value::undefined(fn + ": missing argument"));
    args.positional[pos] = value;
  }
  args.keyword.clear();
  if (args.positional.size() > names.size()) {
    throw_template_error(args.line, fn + "() takes at most " + std::to_string(names.size()) + " arguments");
  }
}

bool has_arg(const CallArgs& args, size_t i) {
  return i < args.positional.size() && !args.positional[i].is_undefined() &&
         !(args.positional[i].is_json() && args.positional[i].json().is_null());
}

std::vector<std::string> py_split(const std::string& s, const std::optional<std::string>& sep, int64_t maxsplit,
                                  int line) {
  std::vector<std::string> parts;
  if (sep) {
    if (sep->empty()) throw_template_error(line, "split: empty separator");
    size_t start = 0;
    while (maxsplit != 0) {
      size_t at = s.find(*sep, start);
      if (at == std::string::npos) break;
      parts.push_back(s.substr(start, at - start));
      start = at + sep->size();
      if (maxsplit > 0) --maxsplit;
    }
    parts.push_back(s.substr(start));
    return parts;
  }
  auto cps = utf8_code_points(s);
  size_t i = 0;
  while (i < cps.size()) {
    while (i < cps.size() && is_py_space(decode(cps[i]))) ++i;
    if (i == cps.size()) break;
    if (maxsplit == 0) {  // the rest as it is, trailing whitespace included, as Python does
      std::string rest;
      for (size_t k = i; k < cps.size(); ++k) rest += cps[k];
      parts.push_back(rest);
      break;
    }
    std::string word;
    while (i < cps.size() && !is_py_space(decode(cps[i]))) word += cps[i++];
    parts.push_back(word);
    if (maxsplit > 0) --maxsplit;
  }
  return parts;
}

std::vector<std::string> py_rsplit(const std::string& s, const std::string& sep, int64_t maxsplit, int line) {
  if (sep.empty()) throw_template_error(line, "rsplit: empty separator");
  std::vector<std::string> parts;
  size_t end = s.size();
  while (maxsplit != 0) {
    if (end < sep.size()) break;
    size_t at = s.rfind(sep, end - sep.size());
    if (at == std::string::npos) break;
    parts.insert(parts.begin(), s.substr(at + sep.size(), end - at - sep.size()));
    end = at;
    if (maxsplit > 0) --maxsplit;
  }
  parts.insert(parts.begin(), s.substr(0, end));
  return parts;
}

Json to_list(const std::vector<std::string>& parts) {
  Json out = Json::array();
  for (const auto& p : parts) out.push_back(p);
  return out;
}

const std::set<std::string> kStrMethods = {
    "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find", "format",
    "format_map", "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower",
    "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "maketrans",
    "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit",
    "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill"};
const std::set<std::string> kDictMethods = {"clear", "copy", "fromkeys", "get", "items", "keys", "pop",
                                            "popitem", "setdefault", "update", "values"};
const std::set<std::string> kListMethods = {"append", "clear", "copy", "count", "extend", "index",
                                            "insert", "pop", "remove", "reverse", "sort"};
const std::set<std::string> kMutators = {"append", "clear", "extend", "insert", "pop", "popitem", "remove",
                                         "reverse", "setdefault", "sort", "update"};

using MethodFn = std::function<Value(const Json& self, CallArgs& args)>;

Value bind_method(const Json& self, const std::string& name, MethodFn fn) {
  return Value::callable("method '" + name + "'", [self, fn](Interpreter& in, CallArgs& args) {
    if (self.is_string()) in.charge(static_cast<int64_t>(self.get_ref<const std::string&>().size() / kBytesPerStep), args.line);
    if (self.is_object()) in.charge(static_cast<int64_t>(self.size()), args.line);
    return fn(self, args);
  });
}

std::optional<Value> string_method(const Json& self, const std::string& name) {
  auto strip_like = [name](bool left, bool right) {
    return [name, left, right](const Json& s, CallArgs& a) -> Value {
      bind_keywords(a, {"chars"}, name);
      std::optional<std::string> chars;
      if (has_arg(a, 0)) chars = arg_string(a, 0, name);
      return Value(Json(py_strip(s.get<std::string>(), chars, left, right)));
    };
  };
  if (name == "strip") return bind_method(self, name, strip_like(true, true));
  if (name == "lstrip") return bind_method(self, name, strip_like(true, false));
  if (name == "rstrip") return bind_method(self, name, strip_like(false, true));
  if (name == "upper" || name == "lower" || name == "title" || name == "capitalize") {
    return bind_method(self, name, [name](const Json& s, CallArgs& a) -> Value {
      bind_keywords(a, {}, name);
      const std::string& t = s.get_ref<const std::string&>();
      if (name == "upper") return Value(Json(py_upper(t)));
      if (name == "lower") return Value(Json(py_lower(t)));
      if (name == "title") return Value(Json(py_title(t)));
      return Value(Json(py_capitalize(t)));
    });
  }
  if (name == "split" || name == "rsplit") {
    return bind_method(self, name, [name](const Json& s, CallArgs& a) -> Value {
      bind_keywords(a, {"sep", "maxsplit"}, name);
      std::optional<std::string> sep;
      if (has_arg(a, 0)) sep = arg_string(a, 0, name);
      int64_t maxsplit = -1;
      if (has_arg(a, 1)) {
        const Json& m = arg_json(a, 1, name);
        if (!is_integer(m)) throw_template_error(a.line, name + ": maxsplit must be an integer");
        maxsplit = as_int(m);
      }
      const std::string& t = s.get_ref<const std::string&>();
      if (name == "rsplit" && sep) return Value(to_list(py_rsplit(t, *sep, maxsplit, a.line)));
      if (name == "rsplit" && maxsplit >= 0) throw_unsupported(a.line, "rsplit() with maxsplit and no separator");
      return Value(to_list(py_split(t, sep, maxsplit, a.line)));
    });
  }
  if (name == "splitlines") {
    return bind_method(self, name, [](const Json& s, CallArgs& a) -> Value {
      bind_keywords(a, {}, "splitlines");
      Json out = Json::array();
      const std::string& t = s.get_ref<const std::string&>();
      std::string line;
      for (size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '\n' || t[i] == '\r') {
          out.push_back(line);
          line.clear();
          if (t[i] == '\r' && i + 1 < t.size() && t[i + 1] == '\n') ++i;
        } else {
          line += t[i];
        }
      }
      if (!line.empty()) out.push_back(line);
      return Value(std::move(out));
    });
  }
  if (name == "startswith" || name == "endswith") {
    return bind_method(self, name, [name](const Json& s, CallArgs& a) -> Value {
      bind_keywords(a, {"prefix"}, name);
      if (a.positional.empty()) throw_template_error(a.line, name + "() takes exactly one argument");
      const Json& p = arg_json(a, 0, name);
      std::vector<std::string> options;
      if (p.is_string()) {
        options.push_back(p.get<std::string>());
      } else if (p.is_array()) {
        for (const auto& x : p) {
          if (!x.is_string()) throw_template_error(a.line, name + ": tuple items must be strings");
          options.push_back(x.get<std::string>());
        }
      } else {
        throw_template_error(a.line, name + ": argument must be a string or a tuple of strings");
      }
      const std::string& t = s.get_ref<const std::string&>();
      for (const auto& o : options) {
        if (o.size() <= t.size() &&
            (name == "startswith" ? t.compare(0, o.size(), o) == 0 : t.compare(t.size() - o.size(), o.size(), o) == 0)) {
          return Value(Json(true));
        }
      }
      return Value(Json(false));
    });
  }
  if (name == "replace") {
    return bind_method(self, name, [](const Json& s, CallArgs& a) -> Value {
      bind_keywords(a, {"old", "new", "count"}, "replace");
      if (a.positional.size() < 2) throw_template_error(a.line, "replace() takes at least 2 arguments");
      std::string from = arg_string(a, 0, "replace"), to = arg_string(a, 1, "replace");
      int64_t count = -1;
      if (has_arg(a, 2)) count = as_int(arg_json(a, 2, "replace"));
      const std::string& t = s.get_ref<const std::string&>();
      std::string out;
      if (from.empty()) {
        auto cps = utf8_code_points(t);
        for (size_t i = 0; i < cps.size(); ++i) {
          if (count < 0 || static_cast<int64_t>(i) < count) out += to;
          out += cps[i];
        }
        if (count < 0 || static_cast<int64_t>(cps.size()) < count) out += to;
        return Value(Json(out));
      }
      size_t start = 0;
      while (count != 0) {
        size_t at = t.find(from, start);
        if (at == std::string::npos) break;
        out += t.substr(start, at - start) + to;
        start = at + from.size();
        if (count > 0) --count;
      }
      out += t.substr(start);
      return Value(Json(out));
    });
  }
  if (name == "find" || name == "count") {
    return bind_method(self, name, [name](const Json& s, CallArgs& a) -> Value {
      bind_keywords(a, {"sub"}, name);
      if (a.positional.empty()) throw_template_error(a.line, name + "() takes exactly one argument");
      std::string sub = arg_string(a, 0, name);
      const std::string& t = s.get_ref<const std::string&>();
      if (name == "find") {
        size_t at = t.find(sub);
        if (at == std::string::npos) return Value(Json(-1));
        return Value(Json(static_cast<int64_t>(utf8_code_points(t.substr(0, at)).size())));
      }
      if (sub.empty()) return Value(Json(static_cast<int64_t>(utf8_code_points(t).size() + 1)));
      int64_t n = 0;
      for (size_t at = t.find(sub); at != std::string::npos; at = t.find(sub, at + sub.size())) ++n;
      return Value(Json(n));
    });
  }
  if (name == "join") {
    return bind_method(self, name, [](const Json& s, CallArgs& a) -> Value {
      bind_keywords(a, {"iterable"}, "join");
      if (a.positional.empty()) throw_template_error(a.line, "join() takes exactly one argument");
      const Json& items = arg_json(a, 0, "join");
      if (!items.is_array()) throw_template_error(a.line, "join() argument must be a list of strings");
      std::string out;
      bool first = true;
      for (const auto& x : items) {
        if (!x.is_string()) throw_template_error(a.line, "join(): sequence item is not a string");
        if (!first) out += s.get_ref<const std::string&>();
        first = false;
        out += x.get<std::string>();
      }
      return Value(Json(out));
    });
  }
  return std::nullopt;
}

std::optional<Value> dict_method(const Json& self, const std::string& name) {
  if (name == "items" || name == "keys" || name == "values") {
    return bind_method(self, name, [name](const Json& d, CallArgs& a) -> Value {
      bind_keywords(a, {}, name);
      Json out = Json::array();
      for (auto it = d.begin(); it != d.end(); ++it) {
        if (name == "items") {
          out.push_back(Json::array({it.key(), it.value()}));
        } else if (name == "keys") {
          out.push_back(it.key());
        } else {
          out.push_back(it.value());
        }
      }
      return Value(std::move(out));
    });
  }
  if (name == "get") {
    return bind_method(self, name, [](const Json& d, CallArgs& a) -> Value {
      bind_keywords(a, {"key", "default"}, "get");
      if (a.positional.empty()) throw_template_error(a.line, "get() takes at least 1 argument");
      const Json& key = arg_json(a, 0, "get");
      if (key.is_string()) {
        auto it = d.find(key.get<std::string>());
        if (it != d.end()) return Value(*it);
      }
      if (a.positional.size() > 1) return a.positional[1];
      return Value(Json(nullptr));
    });
  }
  if (name == "copy") {
    return bind_method(self, name, [](const Json& d, CallArgs&) -> Value { return Value(d); });
  }
  return std::nullopt;
}

}  // namespace

std::string py_strip(const std::string& s, const std::optional<std::string>& chars, bool left, bool right) {
  auto cps = utf8_code_points(s);
  std::set<std::string> set;
  if (chars) {
    for (auto& cp : utf8_code_points(*chars)) set.insert(cp);
  }
  auto strippable = [&](const std::string& cp) { return chars ? set.count(cp) > 0 : is_py_space(decode(cp)); };
  size_t begin = 0, end = cps.size();
  if (left) {
    while (begin < end && strippable(cps[begin])) ++begin;
  }
  if (right) {
    while (end > begin && strippable(cps[end - 1])) --end;
  }
  std::string out;
  for (size_t i = begin; i < end; ++i) out += cps[i];
  return out;
}

std::string py_upper(const std::string& s) { return map_case(s, true); }
std::string py_lower(const std::string& s) { return map_case(s, false); }

std::string py_title(const std::string& s) {
  std::string out;
  bool previous_cased = false;
  for (const auto& cp : utf8_code_points(s)) {
    uint32_t c = decode(cp);
    bool cased = is_cased_letter(c);
    out += cased ? (previous_cased ? py_lower(cp) : py_upper(cp)) : cp;
    previous_cased = cased;
  }
  return out;
}

std::string py_capitalize(const std::string& s) {
  auto cps = utf8_code_points(s);
  std::string out;
  for (size_t i = 0; i < cps.size(); ++i) out += i == 0 ? py_upper(cps[i]) : py_lower(cps[i]);
  return out;
}

std::optional<Value> find_method(const Value& object, const std::string& name, int line) {
  if (!object.is_json()) return std::nullopt;
  const Json& j = object.json();
  const std::set<std::string>* known = j.is_string() ? &kStrMethods : j.is_object() ? &kDictMethods
                                       : j.is_array() ? &kListMethods : nullptr;
  if (known == nullptr || known->count(name) == 0) return std::nullopt;
  std::optional<Value> method = j.is_string() ? string_method(j, name) : j.is_object() ? dict_method(j, name)
                                                                                        : std::nullopt;
  if (method) return method;
  if (kMutators.count(name) > 0) {
    std::string type = object.type_name();
    return Value::callable("method '" + name + "'", [type, name](Interpreter&, CallArgs& a) -> Value {
      throw_template_error(a.line, "cannot call '" + name + "' on a " + type +
                                       ": template values are immutable (as in Hugging Face's sandbox)");
    });
  }
  throw_unsupported(line, object.type_name() + " method '" + name + "'");
}

bool is_known_test(const std::string& name) {
  static const std::set<std::string> kTests = {
      "boolean", "callable", "defined", "divisibleby", "eq", "equalto", "==", "even", "false", "float", "ge", ">=",
      "gt", "greaterthan", ">", "in", "integer", "iterable", "le", "<=", "lt", "lessthan", "<", "lower", "mapping",
      "ne", "!=", "none", "number", "odd", "sameas", "sequence", "string", "true", "undefined", "upper"};
  return kTests.count(name) > 0;
}

bool apply_test(Interpreter& interp, const std::string& name, const Value& input, CallArgs& args) {
  int line = args.line;
  if (!is_known_test(name)) throw_unsupported(line, "test '" + name + "'");
  if (name == "defined") return !input.is_undefined();
  if (name == "undefined") return input.is_undefined();
  if (name == "callable") return input.is_callable();
  if (name == "iterable") {
    return input.is_undefined() ||
           (input.is_json() && (input.json().is_array() || input.json().is_object() || input.json().is_string()));
  }
  if (name == "sameas") {
    if (args.positional.empty()) throw_template_error(line, "test 'sameas' needs an argument");
    const Value& other = args.positional[0];
    if (input.is_json() && other.is_json()) {
      const Json &a = input.json(), &b = other.json();
      if ((a.is_null() && b.is_null()) || (a.is_boolean() && b.is_boolean())) return a == b;
      return false;
    }
    return input.is_object() && other.is_object() && input.object() == other.object();
  }
  if (name == "eq" || name == "equalto" || name == "==" || name == "ne" || name == "!=") {
    if (args.positional.empty()) throw_template_error(line, "test '" + name + "' needs an argument");
    bool eq = values_equal(input, args.positional[0]);
    return (name == "ne" || name == "!=") ? !eq : eq;
  }
  if (name == "in") {
    if (args.positional.empty()) throw_template_error(line, "test 'in' needs an argument");
    const Value& container = args.positional[0];
    if (container.is_undefined()) return false;
    if (input.is_undefined() && !(container.is_json() && container.json().is_string())) return false;
    const Json& c = require_json(container, "'in'", line);
    if (c.is_string()) {
      const Json& needle = require_json(input, "'in'", line);
      if (!needle.is_string()) {
        throw_template_error(line, "'in <string>' requires string as left operand, not " + input.type_name());
      }
      interp.charge(static_cast<int64_t>(c.get_ref<const std::string&>().size() / kBytesPerStep), line);
      return c.get_ref<const std::string&>().find(needle.get_ref<const std::string&>()) != std::string::npos;
    }
    if (c.is_array()) {
      interp.charge(static_cast<int64_t>(c.size()), line);
      for (const auto& item : c) {
        if (values_equal(input, Value(item))) return true;
      }
      return false;
    }
    if (c.is_object()) {
      return input.is_json() && input.json().is_string() && c.contains(input.json().get<std::string>());
    }
    throw_template_error(line, "argument of type '" + container.type_name() + "' is not iterable");
  }
  if (input.is_undefined()) {
    return false;  // every remaining test is false for Undefined except those above
  }
  if (!input.is_json()) return false;
  const Json& j = input.json();
  if (name == "none") return j.is_null();
  if (name == "boolean") return j.is_boolean();
  if (name == "true") return j.is_boolean() && j.get<bool>();
  if (name == "false") return j.is_boolean() && !j.get<bool>();
  if (name == "string") return j.is_string();
  if (name == "mapping") return j.is_object();
  if (name == "sequence") return j.is_array() || j.is_string() || j.is_object();
  if (name == "number") return is_number(j);
  if (name == "integer") return j.is_number_integer();
  if (name == "float") return j.is_number_float();
  if (name == "lower" || name == "upper") {
    if (!j.is_string()) return false;
    const std::string& s = j.get_ref<const std::string&>();
    return name == "lower" ? py_lower(s) == s : py_upper(s) == s;
  }
  if (name == "odd" || name == "even" || name == "divisibleby") {
    if (!is_integer(j)) throw_template_error(line, "test '" + name + "' needs an integer, got " + input.type_name());
    int64_t v = as_int(j);
    if (name == "odd") return v % 2 != 0;
    if (name == "even") return v % 2 == 0;
    if (args.positional.empty()) throw_template_error(line, "test 'divisibleby' needs an argument");
    const Json& d = require_json(args.positional[0], "divisibleby", line);
    if (!is_integer(d) || as_int(d) == 0) throw_template_error(line, "divisibleby needs a non-zero integer");
    return v % as_int(d) == 0;
  }
  // Ordering tests: ge gt le lt and their aliases.
  if (args.positional.empty()) throw_template_error(line, "test '" + name + "' needs an argument");
  int c = json_compare(j, require_json(args.positional[0], "a comparison", line), line);
  if (name == "ge" || name == ">=") return c >= 0;
  if (name == "gt" || name == "greaterthan" || name == ">") return c > 0;
  if (name == "le" || name == "<=") return c <= 0;
  return c < 0;
}

std::map<std::string, Value> builtin_globals() {
  std::map<std::string, Value> g;
  g["range"] = Value::callable("range", [](Interpreter& in, CallArgs& a) -> Value {
    if (!a.keyword.empty()) throw_template_error(a.line, "range() takes no keyword arguments");
    if (a.positional.empty() || a.positional.size() > 3) throw_template_error(a.line, "range() takes 1 to 3 arguments");
    int64_t v[3] = {0, 0, 1};
    for (size_t i = 0; i < a.positional.size(); ++i) {
      const Json& j = arg_json(a, i, "range");
      if (!is_integer(j)) throw_template_error(a.line, "range() arguments must be integers");
      v[i] = as_int(j);
    }
    int64_t start = a.positional.size() == 1 ? 0 : v[0];
    int64_t stop = a.positional.size() == 1 ? v[0] : v[1];
    int64_t step = a.positional.size() == 3 ? v[2] : 1;
    if (step == 0) throw_template_error(a.line, "range() arg 3 must not be zero");
    Json out = Json::array();
    for (int64_t x = start; step > 0 ? x < stop : x > stop; x += step) {
      in.charge(1, a.line);
      out.push_back(x);
      if ((step > 0 && x > INT64_MAX - step) || (step < 0 && x < INT64_MIN - step)) break;
    }
    return Value(std::move(out));
  });
  g["namespace"] = Value::callable("namespace", [](Interpreter&, CallArgs& a) -> Value {
    auto ns = std::make_shared<Object>();
    ns->kind = Object::Kind::kNamespace;
    for (const auto& p : a.positional) {
      const Json& init = require_json(p, "namespace()", a.line);
      if (!init.is_object()) throw_template_error(a.line, "namespace() positional argument must be a dict");
      for (auto it = init.begin(); it != init.end(); ++it) ns->attrs[it.key()] = Value(it.value());
    }
    for (auto& [key, value] : a.keyword) ns->attrs[key] = value;
    return Value::object(ns);
  });
  g["dict"] = Value::callable("dict", [](Interpreter&, CallArgs& a) -> Value {
    Json out = Json::object();
    for (const auto& p : a.positional) {
      const Json& init = require_json(p, "dict()", a.line);
      if (!init.is_object()) throw_template_error(a.line, "dict() positional argument must be a dict");
      for (auto it = init.begin(); it != init.end(); ++it) out[it.key()] = it.value();
    }
    for (auto& [key, value] : a.keyword) out[key] = require_json(value, "dict()", a.line);
    return Value(std::move(out));
  });
  g["raise_exception"] = Value::callable("raise_exception", [](Interpreter&, CallArgs& a) -> Value {
    std::string message = a.positional.empty() ? "" : to_str(a.positional[0]);
    throw_template_error(a.line, "raise_exception: " + message);
  });
  g["strftime_now"] = Value::callable("strftime_now", [](Interpreter&, CallArgs& a) -> Value {
    if (a.positional.size() != 1) throw_template_error(a.line, "strftime_now() takes exactly one argument");
    std::string format = arg_string(a, 0, "strftime_now");
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char buf[256];
    size_t n = std::strftime(buf, sizeof(buf), format.c_str(), &tm);
    return Value(Json(std::string(buf, n)));
  });
  return g;
}

}  // namespace hirelm::templating
