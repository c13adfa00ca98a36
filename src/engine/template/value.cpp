#include "engine/template/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "engine/template/template_error.h"
#include "util/check.h"

namespace hirelm::templating {

Value Value::undefined(std::string hint) {
  Value v;
  v.hint_ = std::move(hint);
  return v;
}

Value::Value(Json json) : kind_(Kind::kJson), json_(std::move(json)) {}

Value Value::object(std::shared_ptr<Object> object) {
  Value v;
  v.kind_ = Kind::kObject;
  v.object_ = std::move(object);
  return v;
}

Value Value::callable(std::string name, std::function<Value(Interpreter&, CallArgs&)> fn) {
  Value v;
  v.kind_ = Kind::kCallable;
  v.callable_ = std::make_shared<Callable>(Callable{std::move(name), std::move(fn)});
  return v;
}

const Json& Value::json() const {
  HIRELM_CHECK(kind_ == Kind::kJson);
  return json_;
}

Json& Value::json() {
  HIRELM_CHECK(kind_ == Kind::kJson);
  return json_;
}

const std::shared_ptr<Object>& Value::object() const {
  HIRELM_CHECK(kind_ == Kind::kObject);
  return object_;
}

const Callable& Value::callable() const {
  HIRELM_CHECK(kind_ == Kind::kCallable);
  return *callable_;
}

bool Value::truthy() const {
  switch (kind_) {
    case Kind::kUndefined:
      return false;
    case Kind::kObject:
    case Kind::kCallable:
      return true;
    case Kind::kJson:
      break;
  }
  switch (json_.type()) {
    case Json::value_t::null:
      return false;
    case Json::value_t::boolean:
      return json_.get<bool>();
    case Json::value_t::number_integer:
      return json_.get<int64_t>() != 0;
    case Json::value_t::number_unsigned:
      return json_.get<uint64_t>() != 0;
    case Json::value_t::number_float:
      return json_.get<double>() != 0.0;
    case Json::value_t::string:
      return !json_.get_ref<const std::string&>().empty();
    case Json::value_t::array:
    case Json::value_t::object:
      return !json_.empty();
    default:
      return true;
  }
}

std::string Value::type_name() const {
  switch (kind_) {
    case Kind::kUndefined:
      return "undefined";
    case Kind::kObject:
      return object_->kind == Object::Kind::kLoop ? "LoopContext" : "Namespace";
    case Kind::kCallable:
      return "function";
    case Kind::kJson:
      break;
  }
  switch (json_.type()) {
    case Json::value_t::null:
      return "NoneType";
    case Json::value_t::boolean:
      return "bool";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "int";
    case Json::value_t::number_float:
      return "float";
    case Json::value_t::string:
      return "str";
    case Json::value_t::array:
      return "list";
    case Json::value_t::object:
      return "dict";
    default:
      return "binary";
  }
}

bool is_number(const Json& json) { return json.is_number() || json.is_boolean(); }
bool is_integer(const Json& json) { return json.is_number_integer() || json.is_boolean(); }

int64_t as_int(const Json& json) {
  HIRELM_CHECK(is_integer(json));
  if (json.is_boolean()) return json.get<bool>() ? 1 : 0;
  if (json.is_number_unsigned()) {
    uint64_t u = json.get<uint64_t>();
    return u > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(u);
  }
  return json.get<int64_t>();
}

double as_double(const Json& json) {
  HIRELM_CHECK(is_number(json));
  if (json.is_number_float()) return json.get<double>();
  if (json.is_number_unsigned()) return static_cast<double>(json.get<uint64_t>());
  return static_cast<double>(as_int(json));
}

std::string float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  // Shortest round-trip digits in scientific form, e.g. "1.2345e+02", then laid out the way Python's
  // repr does: positional for 1e-4 <= |x| < 1e16, exponent form (at least two digits) otherwise.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  std::string sign;
  if (!sci.empty() && sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  int exponent = std::stoi(sci.substr(e + 1));
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int decpt = exponent + 1;  // position of the decimal point relative to the digits
  int n = static_cast<int>(digits.size());
  std::string out;
  if (decpt <= -4 || decpt > 16) {
    out = digits.substr(0, 1);
    if (n > 1) out += "." + digits.substr(1);
    char exp_buf[16];
    std::snprintf(exp_buf, sizeof(exp_buf), "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp_buf;
  } else if (decpt <= 0) {
    out = "0." + std::string(static_cast<size_t>(-decpt), '0') + digits;
  } else if (decpt >= n) {
    out = digits + std::string(static_cast<size_t>(decpt - n), '0') + ".0";
  } else {
    out = digits.substr(0, static_cast<size_t>(decpt)) + "." + digits.substr(static_cast<size_t>(decpt));
  }
  return sign + out;
}

namespace {

std::string string_repr(const std::string& s) {
  // Python picks single quotes unless the text has a single quote and no double quote.
  bool has_single = s.find('\'') != std::string::npos;
  bool has_double = s.find('"') != std::string::npos;
  char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == static_cast<unsigned char>(quote)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[16];
      std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += quote;
  return out;
}

std::string scalar_str(const Json& json) {
  switch (json.type()) {
    case Json::value_t::null:
      return "None";
    case Json::value_t::boolean:
      return json.get<bool>() ? "True" : "False";
    case Json::value_t::number_integer:
      return std::to_string(json.get<int64_t>());
    case Json::value_t::number_unsigned:
      return std::to_string(json.get<uint64_t>());
    case Json::value_t::number_float:
      return float_repr(json.get<double>());
    default:
      return "";
  }
}

}  // namespace

std::string json_repr(const Json& json) {
  if (json.is_string()) return string_repr(json.get_ref<const std::string&>());
  if (json.is_array()) {
    std::string out = "[";
    bool first = true;
    for (const auto& item : json) {
      if (!first) out += ", ";
      first = false;
      out += json_repr(item);
    }
    return out + "]";
  }
  if (json.is_object()) {
    std::string out = "{";
    bool first = true;
    for (const auto& [key, item] : json.items()) {
      if (!first) out += ", ";
      first = false;
      out += string_repr(key) + ": " + json_repr(item);
    }
    return out + "}";
  }
  return scalar_str(json);
}

std::string to_str(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kUndefined:
      return "";
    case Value::Kind::kCallable:
      return "<function " + value.callable().name + ">";
    case Value::Kind::kObject: {
      std::string out = value.object()->kind == Object::Kind::kLoop ? "<LoopContext " : "<Namespace {";
      bool first = true;
      for (const auto& [key, item] : value.object()->attrs) {
        if (!first) out += ", ";
        first = false;
        out += string_repr(key) + ": " + (item.is_json() ? json_repr(item.json()) : to_str(item));
      }
      return out + (value.object()->kind == Object::Kind::kLoop ? ">" : "}>");
    }
    case Value::Kind::kJson:
      break;
  }
  const Json& json = value.json();
  if (json.is_string()) return json.get<std::string>();
  return json_repr(json);
}

bool json_equal(const Json& a, const Json& b) {
  if (is_number(a) && is_number(b)) {
    if (is_integer(a) && is_integer(b)) return as_int(a) == as_int(b);
    return as_double(a) == as_double(b);
  }
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!json_equal(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (const auto& [key, item] : a.items()) {
      auto it = b.find(key);
      if (it == b.end() || !json_equal(item, *it)) return false;
    }
    return true;
  }
  return a == b;
}

bool values_equal(const Value& a, const Value& b) {
  if (a.is_json() && b.is_json()) return json_equal(a.json(), b.json());
  if (a.is_undefined() || b.is_undefined()) return a.is_undefined() && b.is_undefined();
  if (a.is_object() && b.is_object()) return a.object() == b.object();
  return false;
}

int json_compare(const Json& a, const Json& b, int line) {
  if (is_number(a) && is_number(b)) {
    if (is_integer(a) && is_integer(b)) {
      int64_t x = as_int(a), y = as_int(b);
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    double x = as_double(a), y = as_double(b);
    if (std::isnan(x) || std::isnan(y)) throw_template_error(line, "cannot order nan");
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    // Byte order of UTF-8 is code point order, which is how Python compares str.
    int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.is_array() && b.is_array()) {
    size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      if (!json_equal(a[i], b[i])) return json_compare(a[i], b[i], line);
    }
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
  }
  throw_template_error(line, "cannot order " + Value(a).type_name() + " and " + Value(b).type_name());
}

std::vector<std::string> utf8_code_points(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 1;
    if (i + len > text.size()) len = 1;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) {
        len = 1;
        break;
      }
    }
    out.push_back(text.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace hirelm::templating
