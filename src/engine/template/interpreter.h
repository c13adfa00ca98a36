// Walks a parsed template (ast.h) and renders it to text. Scoping follows jinja2: a {% for %}
// iteration and a macro call each get their own scope (so `set` inside a loop does not leak out,
// which is why templates use namespace()), {% if %} does not. Undefined follows jinja2's default
// Undefined: prints as "", is falsy, iterates as empty, and is an error when used as an object
// (attribute/item access, calls, arithmetic).
//
// Every run is bounded by RenderLimits, so no template can hang, exhaust the stack or memory.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "engine/template/ast.h"
#include "engine/template/value.h"

namespace hirelm::templating {

// Work accounting: processing this many bytes of text counts as one step.
constexpr size_t kBytesPerStep = 64;

struct RenderLimits {
  size_t max_output_bytes = size_t{64} << 20;  // any rendered text or computed string
  int64_t max_steps = 50'000'000;             // expression evaluations + loop iterations + element work
  int max_depth = 1000;                        // nested evaluation, including macro recursion
};

class Interpreter {
 public:
  explicit Interpreter(const RenderLimits& limits) : limits_(limits) {}

  // Renders `program` with `context` as the global variables (messages, bos_token, ...).
  std::string render(const StmtList& program, std::map<std::string, Value> context);

  // ---- services for builtins ----
  // Counts `steps` units of work; throws InvalidInputError once the budget is spent.
  void charge(int64_t steps, int line);
  // Throws InvalidInputError if a string of `bytes` would exceed max_output_bytes.
  void check_size(size_t bytes, int line) const;
  Value call(const Value& callee, CallArgs& args, int line);
  Value get_attribute(const Value& object, const std::string& name, int line);
  Value get_item(const Value& object, const Value& key, int line);
  const RenderLimits& limits() const { return limits_; }

 private:
  struct Scope {
    std::map<std::string, Value> vars;
    Scope* parent = nullptr;
  };
  enum class Flow { kNormal, kBreak, kContinue };

  Flow exec_body(const StmtList& body);
  Flow exec(const Stmt& s);
  void exec_for(const Stmt& s);
  void exec_set(const Stmt& s, Value value);
  Value define_macro(const Stmt& s);
  std::string render_to_string(const StmtList& body, int line);
  void emit(const std::string& text, int line);

  Value eval(const Expr& e);
  Value eval_binary(const Expr& e);
  Value eval_compare(const Expr& e);
  Value eval_slice(const Expr& e);
  Value eval_call(const Expr& e);
  CallArgs eval_args(const Expr& e, size_t first_child);
  Value lookup(const std::string& name) const;

  RenderLimits limits_;
  Scope* scope_ = nullptr;
  Scope* root_ = nullptr;
  std::string* out_ = nullptr;
  int64_t steps_ = 0;
  int depth_ = 0;
};

// Returns `value` as JSON or throws InvalidInputError naming `what` (e.g. namespaces inside lists).
const Json& require_json(const Value& value, const std::string& what, int line);

}  // namespace hirelm::templating
