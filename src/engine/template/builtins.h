// jinja2's built-in filters, tests and global functions, plus the Python methods templates call on
// strings and dicts (`content.split('</think>')`, `message.get('x')`). Only names listed here exist;
// a template that uses any other filter or test fails at parse time with UnsupportedError.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "engine/template/interpreter.h"
#include "engine/template/value.h"

namespace hirelm::templating {

bool is_known_filter(const std::string& name);
bool is_known_test(const std::string& name);

Value apply_filter(Interpreter& interp, const std::string& name, const Value& input, CallArgs& args);
bool apply_test(Interpreter& interp, const std::string& name, const Value& input, CallArgs& args);

// A bound method of a string, dict or list (`s.strip`), or nullopt if Python has no such method.
// Python methods outside the supported set raise UnsupportedError; mutating methods raise
// InvalidInputError, as Hugging Face's immutable sandbox does.
std::optional<Value> find_method(const Value& object, const std::string& name, int line);

// range, namespace, dict, raise_exception, strftime_now.
std::map<std::string, Value> builtin_globals();

// Python str methods on UTF-8 text, shared by filters and methods.
std::string py_strip(const std::string& s, const std::optional<std::string>& chars, bool left, bool right);
std::string py_upper(const std::string& s);
std::string py_lower(const std::string& s);
std::string py_title(const std::string& s);
std::string py_capitalize(const std::string& s);

}  // namespace hirelm::templating
