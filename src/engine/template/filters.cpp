// jinja2's built-in filters (the subset chat templates use), with Hugging Face's `tojson`.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "engine/template/builtins.h"
#include "engine/template/json_dump.h"
#include "engine/template/template_error.h"

namespace hirelm::templating {
namespace {

// Parameter names of each filter after the input, for keyword binding (Python call semantics).
const std::map<std::string, std::vector<std::string>>& filter_params() {
  static const std::map<std::string, std::vector<std::string>> kParams = {
      {"abs", {}},
      {"attr", {"name"}},
      {"capitalize", {}},
      {"count", {}},
      {"d", {"default_value", "boolean"}},
      {"default", {"default_value", "boolean"}},
      {"dictsort", {"case_sensitive", "by", "reverse"}},
      {"e", {}},
      {"escape", {}},
      {"first", {}},
      {"float", {"default"}},
      {"indent", {"width", "first", "blank"}},
      {"int", {"default", "base"}},
      {"items", {}},
      {"join", {"d", "attribute"}},
      {"last", {}},
      {"length", {}},
      {"list", {}},
      {"lower", {}},
      {"map", {}},
      {"max", {"case_sensitive", "attribute"}},
      {"min", {"case_sensitive", "attribute"}},
      {"reject", {}},
      {"rejectattr", {}},
      {"replace", {"old", "new", "count"}},
      {"reverse", {}},
      {"round", {"precision", "method"}},
      {"safe", {}},
      {"select", {}},
      {"selectattr", {}},
      {"sort", {"reverse", "case_sensitive", "attribute"}},
      {"string", {}},
      {"sum", {"attribute", "start"}},
      {"title", {}},
      {"tojson", {"ensure_ascii", "indent", "separators", "sort_keys"}},
      {"trim", {"chars"}},
      {"unique", {"case_sensitive", "attribute"}},
      {"upper", {}},
      {"wordcount", {}},
  };
  return kParams;
}

// Positional view of a filter's arguments after keyword binding; missing ones are Undefined.
struct Params {
  std::vector<Value> v;
  int line = 0;
  bool given(size_t i) const { return i < v.size() && !v[i].is_undefined(); }
  const Value& at(size_t i) const {
    static const Value kUndefined;
    return i < v.size() ? v[i] : kUndefined;
  }
  bool flag(size_t i, bool fallback) const { return given(i) ? v[i].truthy() : fallback; }
  std::optional<std::string> str(size_t i) const {
    if (!given(i)) return std::nullopt;
    const Json& j = require_json(v[i], "a filter argument", line);
    if (!j.is_string()) throw_template_error(line, "filter argument " + std::to_string(i + 1) + " must be a string");
    return j.get<std::string>();
  }
};

Params bind_params(const std::string& name, CallArgs& args) {
  const auto& names = filter_params().at(name);
  Params p;
  p.line = args.line;
  p.v = args.positional;
  for (auto& [key, value] : args.keyword) {
    auto it = std::find(names.begin(), names.end(), key);
    if (it == names.end()) throw_template_error(args.line, "filter '" + name + "' got an unexpected keyword argument '" + key + "'");
    size_t pos = static_cast<size_t>(it - names.begin());
    if (p.v.size() <= pos) p.v.resize(pos + 1);
    p.v[pos] = value;
  }
  if (p.v.size() > names.size()) {
    throw_template_error(args.line, "filter '" + name + "' takes at most " + std::to_string(names.size()) + " arguments");
  }
  return p;
}

// The items a filter iterates: list elements, dict keys, string code points; Undefined is empty.
std::vector<Value> iterate(const Value& input, const std::string& filter, int line) {
  std::vector<Value> items;
  if (input.is_undefined()) return items;
  const Json& j = require_json(input, "filter '" + filter + "'", line);
  if (j.is_array()) {
    for (const auto& x : j) items.emplace_back(x);
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) items.emplace_back(Json(it.key()));
  } else if (j.is_string()) {
    for (auto& cp : utf8_code_points(j.get_ref<const std::string&>())) items.emplace_back(Json(cp));
  } else {
    throw_template_error(line, "filter '" + filter + "': '" + input.type_name() + "' object is not iterable");
  }
  return items;
}

Json to_json_list(const std::vector<Value>& items, int line) {
  Json out = Json::array();
  for (const auto& v : items) out.push_back(require_json(v, "a list", line));
  return out;
}

// Follows a dotted attribute path ("function.name", "0") with subscript semantics, as jinja2's
// make_attrgetter does.
Value get_path(Interpreter& in, Value v, const std::string& path, int line) {
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    bool numeric = !part.empty() && part.size() <= 18 &&
                   std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    Value key = numeric ? Value(Json(std::stoll(part))) : Value(Json(part));
    v = in.get_item(v, key, line);
    if (dot == std::string::npos) return v;
    start = dot + 1;
  }
}

// Sort key used by sort/unique/min/max/dictsort: strings lowercased unless case-sensitive.
Json sort_key(const Value& v, bool case_sensitive, int line) {
  const Json& j = require_json(v, "a sort key", line);
  if (!case_sensitive && j.is_string()) return Json(py_lower(j.get<std::string>()));
  return j;
}

// select/reject/selectattr/rejectattr: args[0] is the attribute (for *attr), then the test name and
// its arguments; without a test the item's truthiness decides.
Value select_filter(Interpreter& in, const std::string& name, const Value& input, CallArgs& args) {
  bool by_attr = name == "selectattr" || name == "rejectattr";
  bool keep_when = name == "select" || name == "selectattr";
  if (!args.keyword.empty()) throw_template_error(args.line, "filter '" + name + "' takes no keyword arguments");
  size_t next = 0;
  std::string attribute;
  if (by_attr) {
    if (args.positional.empty()) throw_template_error(args.line, "filter '" + name + "' needs an attribute name");
    const Json& a = require_json(args.positional[0], "an attribute name", args.line);
    if (!a.is_string()) throw_template_error(args.line, "filter '" + name + "': attribute name must be a string");
    attribute = a.get<std::string>();
    next = 1;
  }
  std::optional<std::string> test;
  CallArgs test_args;
  test_args.line = args.line;
  if (next < args.positional.size()) {
    const Json& t = require_json(args.positional[next], "a test name", args.line);
    if (!t.is_string()) throw_template_error(args.line, "filter '" + name + "': test name must be a string");
    test = t.get<std::string>();
    if (!is_known_test(*test)) throw_unsupported(args.line, "test '" + *test + "'");
    test_args.positional.assign(args.positional.begin() + static_cast<long>(next) + 1, args.positional.end());
  }
  Json out = Json::array();
  for (const auto& item : iterate(input, name, args.line)) {
    in.charge(1, args.line);
    Value subject = by_attr ? get_path(in, item, attribute, args.line) : item;
    CallArgs call = test_args;
    bool ok = test ? apply_test(in, *test, subject, call) : subject.truthy();
    if (ok == keep_when) out.push_back(require_json(item, "a list", args.line));
  }
  return Value(std::move(out));
}

Value map_filter(Interpreter& in, const Value& input, CallArgs& args) {
  std::optional<std::string> attribute;
  Value fallback;
  bool has_default = false;
  for (auto& [key, value] : args.keyword) {
    if (key == "attribute") {
      const Json& a = require_json(value, "map(attribute=)", args.line);
      if (!a.is_string()) throw_template_error(args.line, "map: attribute must be a string");
      attribute = a.get<std::string>();
    } else if (key == "default") {
      fallback = value;
      has_default = true;
    } else if (!attribute) {
      throw_template_error(args.line, "map: unexpected keyword argument '" + key + "'");
    }
  }
  Json out = Json::array();
  if (attribute) {
    for (const auto& item : iterate(input, "map", args.line)) {
      in.charge(1, args.line);
      Value v = get_path(in, item, *attribute, args.line);
      if (v.is_undefined() && has_default) v = fallback;
      out.push_back(require_json(v, "map(attribute=) result", args.line));
    }
    return Value(std::move(out));
  }
  if (args.positional.empty()) throw_template_error(args.line, "map needs a filter name or attribute=");
  const Json& f = require_json(args.positional[0], "a filter name", args.line);
  if (!f.is_string()) throw_template_error(args.line, "map: filter name must be a string");
  std::string filter = f.get<std::string>();
  if (!is_known_filter(filter)) throw_unsupported(args.line, "filter '" + filter + "'");
  for (const auto& item : iterate(input, "map", args.line)) {
    in.charge(1, args.line);
    CallArgs call;
    call.line = args.line;
    call.positional.assign(args.positional.begin() + 1, args.positional.end());
    out.push_back(require_json(apply_filter(in, filter, item, call), "map() result", args.line));
  }
  return Value(std::move(out));
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Value tojson_filter(Interpreter& in, const Value& input, const Params& p) {
  const Json& j = require_json(input, "tojson", p.line);
  JsonDumpOptions options;
  options.ensure_ascii = p.flag(0, false);
  if (p.given(1) && !(p.at(1).is_json() && p.at(1).json().is_null())) {
    const Json& indent = require_json(p.at(1), "tojson(indent=)", p.line);
    if (is_integer(indent)) {
      options.indent = std::string(static_cast<size_t>(std::clamp<int64_t>(as_int(indent), 0, 64)), ' ');
    } else if (indent.is_string()) {
      options.indent = indent.get<std::string>();
    } else {
      throw_template_error(p.line, "tojson: indent must be an integer or a string");
    }
  }
  if (p.given(2) && !(p.at(2).is_json() && p.at(2).json().is_null())) {
    const Json& sep = require_json(p.at(2), "tojson(separators=)", p.line);
    if (!sep.is_array() || sep.size() != 2 || !sep[0].is_string() || !sep[1].is_string()) {
      throw_template_error(p.line, "tojson: separators must be a pair of strings");
    }
    options.item_separator = sep[0].get<std::string>();
    options.key_separator = sep[1].get<std::string>();
  }
  options.sort_keys = p.flag(3, false);
  std::string text = python_json_dumps(j, options);
  in.charge(static_cast<int64_t>(text.size() / kBytesPerStep), p.line);
  in.check_size(text.size(), p.line);
  return Value(Json(std::move(text)));
}

Value sort_filter(Interpreter& in, const Value& input, const Params& p, const std::string& name) {
  // sort: (reverse, case_sensitive, attribute); unique/min/max: (case_sensitive, attribute).
  bool is_sort = name == "sort";
  bool reverse = is_sort && p.flag(0, false);
  bool case_sensitive = p.flag(is_sort ? 1 : 0, false);
  std::optional<std::string> attribute = p.str(is_sort ? 2 : 1);
  std::vector<Value> items = iterate(input, name, p.line);
  in.charge(static_cast<int64_t>(items.size()) * 8, p.line);
  std::vector<std::pair<Json, Json>> keyed;
  for (const auto& item : items) {
    Value k = attribute ? get_path(in, item, *attribute, p.line) : item;
    keyed.emplace_back(sort_key(k, case_sensitive, p.line), require_json(item, "a list", p.line));
  }
  if (name == "unique") {
    Json out = Json::array();
    std::vector<Json> seen;
    for (auto& [k, v] : keyed) {
      in.charge(static_cast<int64_t>(seen.size()), p.line);
      bool dup = false;
      for (const auto& s : seen) dup = dup || json_equal(s, k);
      if (!dup) {
        seen.push_back(k);
        out.push_back(v);
      }
    }
    return Value(std::move(out));
  }
  int line = p.line;
  std::stable_sort(keyed.begin(), keyed.end(),
                   [line](const auto& a, const auto& b) { return json_compare(a.first, b.first, line) < 0; });
  if (name == "min" || name == "max") {
    if (keyed.empty()) return Value::undefined("no " + name + " item, sequence was empty");
    if (name == "min") return Value(keyed.front().second);
    // Python's max returns the first maximal element.
    size_t i = keyed.size() - 1;
    while (i > 0 && json_compare(keyed[i - 1].first, keyed.back().first, line) == 0) --i;
    return Value(keyed[i].second);
  }
  if (reverse) std::stable_sort(keyed.begin(), keyed.end(), [line](const auto& a, const auto& b) {
    return json_compare(a.first, b.first, line) > 0;
  });
  Json out = Json::array();
  for (auto& kv : keyed) out.push_back(std::move(kv.second));
  return Value(std::move(out));
}

std::string indent_filter(const std::string& s, const Params& p) {
  std::string pad;
  if (p.given(0)) {
    const Json& w = require_json(p.at(0), "indent width", p.line);
    if (w.is_string()) {
      pad = w.get<std::string>();
    } else if (is_integer(w)) {
      pad = std::string(static_cast<size_t>(std::clamp<int64_t>(as_int(w), 0, 256)), ' ');
    } else {
      throw_template_error(p.line, "indent: width must be an integer or a string");
    }
  } else {
    pad = "    ";
  }
  bool first = p.flag(1, false), blank = p.flag(2, false);
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    size_t nl = s.find('\n', start);
    lines.push_back(s.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    bool indent_this = (i > 0 || first) && (blank || !py_strip(lines[i], std::nullopt, true, true).empty());
    if (indent_this) out += pad;
    out += lines[i];
  }
  return out;
}

}  // namespace

bool is_known_filter(const std::string& name) { return filter_params().count(name) > 0; }

Value apply_filter(Interpreter& in, const std::string& name, const Value& input, CallArgs& args) {
  int line = args.line;
  if (!is_known_filter(name)) throw_unsupported(line, "filter '" + name + "'");
  if (name == "map") return map_filter(in, input, args);
  if (name == "select" || name == "reject" || name == "selectattr" || name == "rejectattr") {
    return select_filter(in, name, input, args);
  }
  if (input.is_json() && input.json().is_string()) {
    in.charge(static_cast<int64_t>(input.json().get_ref<const std::string&>().size() / kBytesPerStep), line);
  }
  Params p = bind_params(name, args);
  if (name == "default" || name == "d") {
    bool use_default = input.is_undefined() || (p.flag(1, false) && !input.truthy());
    if (!use_default) return input;
    return p.given(0) ? p.at(0) : Value(Json(""));
  }
  if (name == "safe") return input;
  if (name == "string") return Value(Json(to_str(input)));
  if (name == "tojson") return tojson_filter(in, input, p);
  if (name == "length" || name == "count") {
    if (input.is_undefined()) return Value(Json(0));
    const Json& j = require_json(input, "length", line);
    if (j.is_string()) return Value(Json(static_cast<int64_t>(utf8_code_points(j.get<std::string>()).size())));
    if (j.is_array() || j.is_object()) return Value(Json(static_cast<int64_t>(j.size())));
    throw_template_error(line, "object of type '" + input.type_name() + "' has no len()");
  }
  // Filters on the string form of the input.
  if (name == "trim") return Value(Json(py_strip(to_str(input), p.str(0), true, true)));
  if (name == "upper") return Value(Json(py_upper(to_str(input))));
  if (name == "lower") return Value(Json(py_lower(to_str(input))));
  if (name == "title") return Value(Json(py_title(to_str(input))));
  if (name == "capitalize") return Value(Json(py_capitalize(to_str(input))));
  if (name == "escape" || name == "e") return Value(Json(html_escape(to_str(input))));
  if (name == "indent") return Value(Json(indent_filter(to_str(input), p)));
  if (name == "wordcount") {
    int64_t n = 0;
    bool in_word = false;
    for (unsigned char c : to_str(input)) {
      bool word = std::isalnum(c) || c == '_' || c >= 0x80;
      if (word && !in_word) ++n;
      in_word = word;
    }
    return Value(Json(n));
  }
  if (name == "replace") {
    if (!p.given(0) || !p.given(1)) throw_template_error(line, "filter 'replace' needs old and new strings");
    std::string text = to_str(input), from = *p.str(0), to = *p.str(1);
    int64_t count = -1;
    if (p.given(2)) {
      const Json& c = require_json(p.at(2), "replace count", line);
      if (!is_integer(c)) throw_template_error(line, "filter 'replace': count must be an integer");
      count = as_int(c);
    }
    if (from.empty()) throw_unsupported(line, "replace filter with an empty search string");
    std::string out;
    size_t start = 0;
    while (count != 0) {
      size_t at = text.find(from, start);
      if (at == std::string::npos) break;
      out += text.substr(start, at - start) + to;
      start = at + from.size();
      if (count > 0) --count;
      in.check_size(out.size(), line);
    }
    out += text.substr(start);
    return Value(Json(out));
  }
  if (name == "join") {
    std::string sep = p.str(0).value_or("");
    std::optional<std::string> attribute = p.str(1);
    std::string out;
    bool first = true;
    for (const auto& item : iterate(input, name, line)) {
      if (!first) out += sep;
      first = false;
      out += to_str(attribute ? get_path(in, item, *attribute, line) : item);
      in.check_size(out.size(), line);
    }
    return Value(Json(out));
  }
  if (name == "first" || name == "last") {
    std::vector<Value> items = iterate(input, name, line);
    if (items.empty()) return Value::undefined("no " + name + " item, sequence was empty");
    return name == "first" ? items.front() : items.back();
  }
  if (name == "list") return Value(to_json_list(iterate(input, name, line), line));
  if (name == "reverse") {
    if (input.is_json() && input.json().is_string()) {
      auto cps = utf8_code_points(input.json().get<std::string>());
      std::string out;
      for (auto it = cps.rbegin(); it != cps.rend(); ++it) out += *it;
      return Value(Json(out));
    }
    std::vector<Value> items = iterate(input, name, line);
    std::reverse(items.begin(), items.end());
    return Value(to_json_list(items, line));
  }
  if (name == "items" || name == "dictsort") {
    if (input.is_undefined()) return Value(Json::array());
    const Json& j = require_json(input, name, line);
    if (!j.is_object()) throw_template_error(line, "filter '" + name + "' needs a mapping, got " + input.type_name());
    std::vector<std::pair<std::string, Json>> entries;
    for (auto it = j.begin(); it != j.end(); ++it) entries.emplace_back(it.key(), it.value());
    if (name == "dictsort") {
      bool case_sensitive = p.flag(0, false);
      std::string by = p.str(1).value_or("key");
      bool reverse = p.flag(2, false);
      if (by != "key" && by != "value") throw_template_error(line, "dictsort: 'by' must be 'key' or 'value'");
      std::stable_sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
        Json ka = by == "key" ? Json(a.first) : a.second, kb = by == "key" ? Json(b.first) : b.second;
        int c = json_compare(sort_key(Value(ka), case_sensitive, line), sort_key(Value(kb), case_sensitive, line), line);
        return reverse ? c > 0 : c < 0;
      });
    }
    Json out = Json::array();
    for (auto& [k, v] : entries) out.push_back(Json::array({k, v}));
    return Value(std::move(out));
  }
  if (name == "sort" || name == "unique" || name == "min" || name == "max") return sort_filter(in, input, p, name);
  if (name == "sum") {
    std::optional<std::string> attribute = p.str(0);
    Value total = p.given(1) ? p.at(1) : Value(Json(0));
    bool is_int = is_integer(require_json(total, "sum start", line));
    int64_t itotal = is_int ? as_int(total.json()) : 0;
    double ftotal = is_int ? 0.0 : as_double(total.json());
    for (const auto& item : iterate(input, name, line)) {
      Value v = attribute ? get_path(in, item, *attribute, line) : item;
      const Json& j = require_json(v, "sum", line);
      if (!is_number(j)) throw_template_error(line, "sum: unsupported operand type '" + v.type_name() + "'");
      if (is_int && is_integer(j)) {
        if (__builtin_add_overflow(itotal, as_int(j), &itotal)) throw_template_error(line, "integer overflow");
      } else {
        if (is_int) ftotal = static_cast<double>(itotal);
        is_int = false;
        ftotal += as_double(j);
      }
    }
    return is_int ? Value(Json(itotal)) : Value(Json(ftotal));
  }
  if (name == "abs") {
    const Json& j = require_json(input, "abs", line);
    if (!is_number(j)) throw_template_error(line, "bad operand type for abs(): '" + input.type_name() + "'");
    if (is_integer(j)) {
      int64_t v = as_int(j);
      if (v == INT64_MIN) throw_template_error(line, "integer overflow");
      return Value(Json(v < 0 ? -v : v));
    }
    return Value(Json(std::fabs(as_double(j))));
  }
  if (name == "round") {
    // jinja2: "common" is Python's round() (ties to even on the exact binary value; an int stays an
    // int), "ceil"/"floor" scale by 10**precision and always give a float.
    const Json& j = require_json(input, "round", line);
    if (!is_number(j)) throw_template_error(line, "round: expected a number, got " + input.type_name());
    int64_t precision = p.given(0) ? as_int(require_json(p.at(0), "round precision", line)) : 0;
    precision = std::clamp<int64_t>(precision, -300, 300);
    std::string method = p.str(1).value_or("common");
    if (method != "common" && method != "ceil" && method != "floor") {
      throw_template_error(line, "round: method must be 'common', 'ceil' or 'floor'");
    }
    double x = as_double(j);
    if (method == "common") {
      if (is_integer(j) && precision >= 0) return Value(Json(as_int(j)));
      if (precision >= 0) {
        // printf rounds the exact binary value correctly, ties to even, as Python's round does.
        char buf[512];
        std::snprintf(buf, sizeof(buf), "%.*f", static_cast<int>(std::min<int64_t>(precision, 100)), x);
        return Value(Json(std::strtod(buf, nullptr)));
      }
      double scale = std::pow(10.0, static_cast<double>(-precision));
      double r = std::nearbyint(x / scale) * scale;
      return is_integer(j) ? Value(Json(static_cast<int64_t>(r))) : Value(Json(r));
    }
    double scale = std::pow(10.0, static_cast<double>(precision));
    double r = method == "ceil" ? std::ceil(x * scale) : std::floor(x * scale);
    return Value(Json(r / scale));
  }
  if (name == "int" || name == "float") {
    Value fallback = p.given(0) ? p.at(0) : (name == "int" ? Value(Json(0)) : Value(Json(0.0)));
    if (input.is_undefined()) throw_template_error(line, input.undefined_hint());  // int(Undefined) fails
    if (!input.is_json()) return fallback;
    const Json& j = input.json();
    if (is_number(j)) {
      if (name == "float") return Value(Json(as_double(j)));
      if (is_integer(j)) return Value(Json(as_int(j)));
      double d = as_double(j);
      if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) return fallback;
      return Value(Json(static_cast<int64_t>(d)));
    }
    if (!j.is_string()) return fallback;
    std::string s = py_strip(j.get<std::string>(), std::nullopt, true, true);
    if (s.empty()) return fallback;
    char* end = nullptr;
    if (name == "int") {
      int64_t base = p.given(1) ? as_int(require_json(p.at(1), "int base", line)) : 10;
      if (base < 2 || base > 36) throw_template_error(line, "int: base must be between 2 and 36");
      errno = 0;
      long long v = std::strtoll(s.c_str(), &end, static_cast<int>(base));
      if (end != s.c_str() + s.size() || errno != 0) {
        double d = std::strtod(s.c_str(), &end);  // jinja2 falls back to int(float(value))
        if (end != s.c_str() + s.size() || !std::isfinite(d) || std::fabs(d) >= 9.2e18) return fallback;
        return Value(Json(static_cast<int64_t>(d)));
      }
      return Value(Json(static_cast<int64_t>(v)));
    }
    double d = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size()) return fallback;
    return Value(Json(d));
  }
  if (name == "attr") {
    std::optional<std::string> attribute = p.str(0);
    if (!attribute) throw_template_error(line, "filter 'attr' needs an attribute name");
    return in.get_attribute(input, *attribute, line);
  }
  throw_unsupported(line, "filter '" + name + "'");
}

}  // namespace hirelm::templating
