// The values a chat template computes with: JSON data (what messages and tools are made of) plus the
// few things jinja2 has that JSON lacks — Undefined, mutable attribute bags (namespace(), loop) and
// callables (macros, bound methods, global functions).
//
// Semantics follow Python/jinja2 as Hugging Face renders chat templates: truthiness, `==`, ordering,
// str() and repr() are Python's, so `{{ [1, 'a'] }}` prints `[1, 'a']` and `{{ 1.0 }}` prints `1.0`.
// Dicts keep insertion order (nlohmann::ordered_json), as Python dicts do.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace hirelm::templating {

using Json = nlohmann::ordered_json;

class Value;
class Interpreter;

// Positional and keyword arguments of one call, already evaluated.
struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keyword;
  int line = 0;  // template line of the call, for error messages
};

// A callable value. `name` is used in error messages ("macro 'render'", "method 'split'").
struct Callable {
  std::string name;
  std::function<Value(Interpreter&, CallArgs&)> fn;
};

// A mutable attribute bag shared by reference: jinja2's namespace() and the `loop` variable of a for.
struct Object {
  enum class Kind { kNamespace, kLoop };
  Kind kind = Kind::kNamespace;
  std::map<std::string, Value> attrs;  // loop objects hold index, index0, first, last, length, ...
};

class Value {
 public:
  enum class Kind { kUndefined, kJson, kObject, kCallable };

  // Undefined; `hint` says what was undefined ("'foo' is undefined") for the error raised if it is
  // used in a way jinja2's default Undefined forbids (attribute access, arithmetic, calls).
  Value() = default;
  static Value undefined(std::string hint);
  Value(Json json);  // NOLINT(google-explicit-constructor): JSON data is the common case
  static Value object(std::shared_ptr<Object> object);
  static Value callable(std::string name, std::function<Value(Interpreter&, CallArgs&)> fn);

  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::kUndefined; }
  bool is_json() const { return kind_ == Kind::kJson; }
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_callable() const { return kind_ == Kind::kCallable; }

  // Valid only for the matching kind (HIRELM_CHECKed).
  const Json& json() const;
  Json& json();
  const std::shared_ptr<Object>& object() const;
  const Callable& callable() const;
  const std::string& undefined_hint() const { return hint_; }

  // Python truthiness: empty strings/lists/dicts, 0, 0.0, None, False and Undefined are false.
  bool truthy() const;
  // Python type name for error messages: "str", "int", "list", "dict", "NoneType", "undefined", ...
  std::string type_name() const;

 private:
  Kind kind_ = Kind::kUndefined;
  Json json_;
  std::shared_ptr<Object> object_;
  std::shared_ptr<Callable> callable_;
  std::string hint_ = "value is undefined";
};

// Python str(): strings as they are, numbers as Python prints them, containers as repr(). Undefined is "".
std::string to_str(const Value& value);
// Python repr() of JSON data: `'a'`, `[1, 'b']`, `{'k': None}`, `True`.
std::string json_repr(const Json& json);
// Python repr() of a float: the shortest round-trip digits, `1.0`, `1e-05`, `1e+16`, `inf`, `nan`.
std::string float_repr(double value);

// Python `==` (1 == 1.0 == True; lists and dicts compare deeply; dict order does not matter).
bool values_equal(const Value& a, const Value& b);
bool json_equal(const Json& a, const Json& b);
// Python ordering of numbers, strings (by code point) and lists; returns <0, 0, >0. Throws
// InvalidInputError naming both types for anything else (e.g. str < int).
int json_compare(const Json& a, const Json& b, int line);

// Numbers: bools count as integers, as in Python.
bool is_number(const Json& json);
bool is_integer(const Json& json);  // int or bool
int64_t as_int(const Json& json);   // HIRELM_CHECKs is_integer
double as_double(const Json& json); // any number

// UTF-8 helpers: strings index and slice by code point, as Python str does. Invalid UTF-8 bytes count
// as one code point each so that nothing in a message can make indexing fail.
std::vector<std::string> utf8_code_points(const std::string& text);

}  // namespace hirelm::templating
