#include "engine/template/interpreter.h"

#include <cmath>
#include <limits>

#include "engine/template/builtins.h"
#include "engine/template/template_error.h"

namespace hirelm::templating {
namespace {

// Restores a member to its old value at scope exit.
template <typename T>
class Restore {
 public:
  Restore(T& slot, T value) : slot_(slot), old_(slot) { slot_ = value; }
  ~Restore() { slot_ = old_; }
  Restore(const Restore&) = delete;
  Restore& operator=(const Restore&) = delete;

 private:
  T& slot_;
  T old_;
};

[[noreturn]] void fail_undefined(const Value& v, int line) { throw_template_error(line, v.undefined_hint()); }

std::string object_desc(const Value& v) {
  if (v.is_json() && v.json().is_null()) return "'None'";
  return "'" + v.type_name() + " object'";
}

int64_t checked(bool overflow, int64_t value, int line) {
  if (overflow) throw_template_error(line, "integer overflow");
  return value;
}

double py_fmod(double a, double b) {
  double m = std::fmod(a, b);
  if (m != 0 && ((m < 0) != (b < 0))) m += b;
  return m;
}

}  // namespace

const Json& require_json(const Value& value, const std::string& what, int line) {
  if (value.is_json()) return value.json();
  if (value.is_undefined()) fail_undefined(value, line);
  throw_unsupported(line, value.type_name() + " value in " + what);
}

std::string Interpreter::render(const StmtList& program, std::map<std::string, Value> context) {
  Scope globals;
  globals.vars = builtin_globals();
  for (auto& [name, value] : context) globals.vars[name] = std::move(value);
  Scope top{{}, &globals};
  std::string out;
  Restore<Scope*> r1(scope_, &top);
  Restore<Scope*> r2(root_, &top);
  Restore<std::string*> r3(out_, &out);
  exec_body(program);
  return out;
}

void Interpreter::charge(int64_t steps, int line) {
  steps_ += steps;
  if (steps_ > limits_.max_steps) {
    throw_template_error(line, "rendering exceeded " + std::to_string(limits_.max_steps) + " steps");
  }
}

void Interpreter::check_size(size_t bytes, int line) const {
  if (bytes > limits_.max_output_bytes) {
    throw_template_error(line, "text longer than the limit of " + std::to_string(limits_.max_output_bytes) + " bytes");
  }
}

void Interpreter::emit(const std::string& text, int line) {
  charge(static_cast<int64_t>(text.size() / kBytesPerStep), line);
  check_size(out_->size() + text.size(), line);
  *out_ += text;
}

Value Interpreter::lookup(const std::string& name) const {
  for (const Scope* s = scope_; s != nullptr; s = s->parent) {
    auto it = s->vars.find(name);
    if (it != s->vars.end()) return it->second;
  }
  return Value::undefined("'" + name + "' is undefined");
}

Interpreter::Flow Interpreter::exec_body(const StmtList& body) {
  for (const auto& s : body) {
    Flow f = exec(*s);
    if (f != Flow::kNormal) return f;
  }
  return Flow::kNormal;
}

std::string Interpreter::render_to_string(const StmtList& body, int line) {
  std::string text;
  {
    Restore<std::string*> r(out_, &text);
    exec_body(body);
  }
  check_size(text.size(), line);
  return text;
}

Interpreter::Flow Interpreter::exec(const Stmt& s) {
  charge(1, s.line);
  Restore<int> depth(depth_, depth_ + 1);
  if (depth_ > limits_.max_depth) throw_template_error(s.line, "template recursion too deep");
  switch (s.kind) {
    case StmtKind::kText:
      emit(s.text, s.line);
      return Flow::kNormal;
    case StmtKind::kOutput:
      emit(to_str(eval(*s.expr)), s.line);
      return Flow::kNormal;
    case StmtKind::kIf:
      for (size_t i = 0; i < s.conditions.size(); ++i) {
        if (eval(*s.conditions[i]).truthy()) return exec_body(s.bodies[i]);
      }
      return exec_body(s.else_body);
    case StmtKind::kFor:
      exec_for(s);
      return Flow::kNormal;
    case StmtKind::kSet:
      exec_set(s, eval(*s.expr));
      return Flow::kNormal;
    case StmtKind::kSetBlock:
      exec_set(s, Value(Json(render_to_string(s.bodies[0], s.line))));
      return Flow::kNormal;
    case StmtKind::kMacro:
      scope_->vars[s.text] = define_macro(s);
      return Flow::kNormal;
    case StmtKind::kBreak:
      return Flow::kBreak;
    case StmtKind::kContinue:
      return Flow::kContinue;
    case StmtKind::kGeneration:
      return exec_body(s.bodies[0]);
  }
  return Flow::kNormal;
}

void Interpreter::exec_set(const Stmt& s, Value value) {
  if (!s.attribute.empty()) {
    Value target = lookup(s.targets[0]);
    if (!target.is_object() || target.object()->kind != Object::Kind::kNamespace) {
      throw_template_error(s.line, "cannot assign attribute on non-namespace object '" + s.targets[0] + "'");
    }
    target.object()->attrs[s.attribute] = std::move(value);
    return;
  }
  if (s.targets.size() == 1) {
    scope_->vars[s.targets[0]] = std::move(value);
    return;
  }
  const Json& items = require_json(value, "unpacking", s.line);
  if (!items.is_array() || items.size() != s.targets.size()) {
    throw_template_error(s.line, "cannot unpack " + value.type_name() + " into " + std::to_string(s.targets.size()) +
                                     " names");
  }
  for (size_t i = 0; i < s.targets.size(); ++i) scope_->vars[s.targets[i]] = Value(items[i]);
}

void Interpreter::exec_for(const Stmt& s) {
  Value iterable = eval(*s.expr);
  std::vector<Value> items;
  if (iterable.is_json()) {
    const Json& j = iterable.json();
    if (j.is_array()) {
      for (const auto& item : j) items.emplace_back(item);
    } else if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) items.emplace_back(Json(it.key()));
    } else if (j.is_string()) {
      for (auto& cp : utf8_code_points(j.get_ref<const std::string&>())) items.emplace_back(Json(cp));
    } else {
      throw_template_error(s.line, "'" + iterable.type_name() + "' object is not iterable");
    }
  } else if (!iterable.is_undefined()) {
    throw_template_error(s.line, "'" + iterable.type_name() + "' object is not iterable");
  }
  charge(static_cast<int64_t>(items.size()), s.line);

  auto bind = [&](Scope& scope, const Value& item) {
    if (s.targets.size() == 1) {
      scope.vars[s.targets[0]] = item;
      return;
    }
    const Json& j = require_json(item, "for-loop unpacking", s.line);
    if (!j.is_array() || j.size() != s.targets.size()) {
      throw_template_error(s.line, "cannot unpack " + item.type_name() + " into " +
                                       std::to_string(s.targets.size()) + " loop variables");
    }
    for (size_t i = 0; i < s.targets.size(); ++i) scope.vars[s.targets[i]] = Value(j[i]);
  };

  Scope* outer = scope_;
  if (s.filter) {
    std::vector<Value> kept;
    for (auto& item : items) {
      Scope probe{{}, outer};
      bind(probe, item);
      Restore<Scope*> r(scope_, &probe);
      if (eval(*s.filter).truthy()) kept.push_back(item);
    }
    items = std::move(kept);
  }
  if (items.empty()) {
    exec_body(s.else_body);
    return;
  }
  auto loop = std::make_shared<Object>();
  loop->kind = Object::Kind::kLoop;
  const int64_t n = static_cast<int64_t>(items.size());
  for (int64_t i = 0; i < n; ++i) {
    charge(1, s.line);
    auto& a = loop->attrs;
    a["index"] = Value(Json(i + 1));
    a["index0"] = Value(Json(i));
    a["revindex"] = Value(Json(n - i));
    a["revindex0"] = Value(Json(n - i - 1));
    a["first"] = Value(Json(i == 0));
    a["last"] = Value(Json(i == n - 1));
    a["length"] = Value(Json(n));
    a["depth"] = Value(Json(1));
    a["depth0"] = Value(Json(0));
    if (i > 0) {
      a["previtem"] = items[static_cast<size_t>(i - 1)];
    }
    if (i + 1 < n) {
      a["nextitem"] = items[static_cast<size_t>(i + 1)];
    } else {
      a.erase("nextitem");
    }
    Scope iteration{{}, outer};
    bind(iteration, items[static_cast<size_t>(i)]);
    iteration.vars["loop"] = Value::object(loop);
    Restore<Scope*> r(scope_, &iteration);
    Flow f = exec_body(s.bodies[0]);
    if (f == Flow::kBreak) break;
  }
}

Value Interpreter::define_macro(const Stmt& s) {
  const Stmt* macro = &s;
  return Value::callable("macro '" + s.text + "'", [macro](Interpreter& in, CallArgs& args) -> Value {
    if (args.positional.size() > macro->params.size()) {
      throw_template_error(args.line, "macro '" + macro->text + "' takes " + std::to_string(macro->params.size()) +
                                          " arguments, got " + std::to_string(args.positional.size()));
    }
    Scope frame{{}, in.root_};
    Restore<Scope*> r(in.scope_, &frame);
    for (size_t i = 0; i < macro->params.size(); ++i) {
      if (i < args.positional.size()) {
        frame.vars[macro->params[i]] = args.positional[i];
      } else if (macro->defaults[i]) {
        frame.vars[macro->params[i]] = in.eval(*macro->defaults[i]);
      } else {
        frame.vars[macro->params[i]] = Value::undefined("parameter '" + macro->params[i] + "' was not provided");
      }
    }
    for (auto& [key, value] : args.keyword) {
      bool known = false;
      for (const auto& p : macro->params) known = known || p == key;
      if (!known) throw_template_error(args.line, "macro '" + macro->text + "' has no parameter '" + key + "'");
      frame.vars[key] = value;
    }
    return Value(Json(in.render_to_string(macro->bodies[0], args.line)));
  });
}

Value Interpreter::call(const Value& callee, CallArgs& args, int line) {
  if (callee.is_undefined()) fail_undefined(callee, line);
  if (!callee.is_callable()) throw_template_error(line, "'" + callee.type_name() + "' object is not callable");
  args.line = line;
  return callee.callable().fn(*this, args);
}

Value Interpreter::get_attribute(const Value& object, const std::string& name, int line) {
  if (object.is_undefined()) fail_undefined(object, line);
  if (object.is_object()) {
    auto& attrs = object.object()->attrs;
    auto it = attrs.find(name);
    if (it != attrs.end()) return it->second;
    if (object.object()->kind == Object::Kind::kLoop && name == "cycle") {
      auto loop = object.object();
      return Value::callable("loop.cycle", [loop](Interpreter&, CallArgs& args) -> Value {
        if (args.positional.empty()) throw_template_error(args.line, "loop.cycle() needs at least one argument");
        int64_t i = as_int(loop->attrs["index0"].json());
        return args.positional[static_cast<size_t>(i) % args.positional.size()];
      });
    }
    return Value::undefined(object_desc(object) + " has no attribute '" + name + "'");
  }
  if (object.is_json()) {
    if (auto method = find_method(object, name, line)) return *method;
    const Json& j = object.json();
    if (j.is_object()) {
      auto it = j.find(name);
      if (it != j.end()) return Value(*it);
    }
  }
  return Value::undefined(object_desc(object) + " has no attribute '" + name + "'");
}

Value Interpreter::get_item(const Value& object, const Value& key, int line) {
  if (object.is_undefined()) fail_undefined(object, line);
  if (object.is_object()) {
    if (key.is_json() && key.json().is_string()) return get_attribute(object, key.json().get<std::string>(), line);
    return Value::undefined(object_desc(object) + " has no item");
  }
  if (key.is_undefined()) fail_undefined(key, line);
  if (object.is_json() && key.is_json()) {
    const Json& j = object.json();
    const Json& k = key.json();
    if (j.is_object() && k.is_string()) {
      auto it = j.find(k.get_ref<const std::string&>());
      if (it != j.end()) return Value(*it);
    } else if ((j.is_array() || j.is_string()) && is_integer(k)) {
      std::vector<std::string> cps;
      if (j.is_string()) {
        charge(static_cast<int64_t>(j.get_ref<const std::string&>().size() / kBytesPerStep), line);
        cps = utf8_code_points(j.get_ref<const std::string&>());
      }
      int64_t size = j.is_array() ? static_cast<int64_t>(j.size()) : static_cast<int64_t>(cps.size());
      int64_t i = as_int(k);
      if (i < 0) i += size;
      if (i >= 0 && i < size) {
        if (j.is_array()) return Value(j[static_cast<size_t>(i)]);
        return Value(Json(cps[static_cast<size_t>(i)]));
      }
      return Value::undefined(object_desc(object) + " has no element " + std::to_string(as_int(k)));
    }
    if (k.is_string()) return get_attribute(object, k.get<std::string>(), line);
  }
  return Value::undefined(object_desc(object) + " has no element " + to_str(key));
}

CallArgs Interpreter::eval_args(const Expr& e, size_t first_child) {
  CallArgs args;
  args.line = e.line;
  for (size_t i = first_child; i < e.children.size(); ++i) args.positional.push_back(eval(*e.children[i]));
  for (const auto& [key, expr] : e.kwargs) args.keyword.emplace_back(key, eval(*expr));
  return args;
}

Value Interpreter::eval(const Expr& e) {
  charge(1, e.line);
  Restore<int> depth(depth_, depth_ + 1);
  if (depth_ > limits_.max_depth) throw_template_error(e.line, "template recursion too deep");
  switch (e.kind) {
    case ExprKind::kLiteral:
      return Value(e.literal);
    case ExprKind::kName:
      return lookup(e.name);
    case ExprKind::kList:
    case ExprKind::kTuple: {
      Json list = Json::array();
      for (const auto& c : e.children) list.push_back(require_json(eval(*c), "a list literal", e.line));
      return Value(std::move(list));
    }
    case ExprKind::kDict: {
      Json dict = Json::object();
      for (size_t i = 0; i + 1 < e.children.size(); i += 2) {
        Value key = eval(*e.children[i]);
        const Json& k = require_json(key, "a dict key", e.line);
        if (!k.is_string()) throw_unsupported(e.line, "dict key of type " + key.type_name());
        dict[k.get<std::string>()] = require_json(eval(*e.children[i + 1]), "a dict literal", e.line);
      }
      return Value(std::move(dict));
    }
    case ExprKind::kAttribute:
      return get_attribute(eval(*e.children[0]), e.name, e.line);
    case ExprKind::kItem: {
      Value object = eval(*e.children[0]);
      return get_item(object, eval(*e.children[1]), e.line);
    }
    case ExprKind::kSlice:
      return eval_slice(e);
    case ExprKind::kCall:
      return eval_call(e);
    case ExprKind::kFilter: {
      Value input = eval(*e.children[0]);
      CallArgs args = eval_args(e, 1);
      return apply_filter(*this, e.name, input, args);
    }
    case ExprKind::kTest: {
      Value input = eval(*e.children[0]);
      CallArgs args = eval_args(e, 1);
      bool result = apply_test(*this, e.name, input, args);
      return Value(Json(e.negated ? !result : result));
    }
    case ExprKind::kUnary: {
      Value v = eval(*e.children[0]);
      if (e.name == "not") return Value(Json(!v.truthy()));
      if (v.is_undefined()) fail_undefined(v, e.line);
      if (!v.is_json() || !is_number(v.json())) {
        throw_template_error(e.line, "bad operand type for unary " + e.name + ": '" + v.type_name() + "'");
      }
      const Json& j = v.json();
      if (e.name == "+") return is_integer(j) ? Value(Json(as_int(j))) : v;
      if (is_integer(j)) {
        int64_t x = as_int(j);
        return Value(Json(checked(x == std::numeric_limits<int64_t>::min(), -x, e.line)));
      }
      return Value(Json(-as_double(j)));
    }
    case ExprKind::kBinary:
      return eval_binary(e);
    case ExprKind::kCompare:
      return eval_compare(e);
    case ExprKind::kCondition:
      if (eval(*e.children[0]).truthy()) return eval(*e.children[1]);
      if (e.children[2]) return eval(*e.children[2]);
      return Value::undefined("the conditional expression had no else branch");
  }
  return Value();
}

Value Interpreter::eval_call(const Expr& e) {
  Value callee = eval(*e.children[0]);
  CallArgs args = eval_args(e, 1);
  return call(callee, args, e.line);
}

Value Interpreter::eval_slice(const Expr& e) {
  // jinja2 compiles slices to plain Python subscripts, so unlike [key] a bad slice is an error.
  Value object = eval(*e.children[0]);
  if (object.is_undefined()) fail_undefined(object, e.line);
  const Json& j = require_json(object, "a slice", e.line);
  std::optional<int64_t> bound[3];
  for (int i = 0; i < 3; ++i) {
    if (!e.children[static_cast<size_t>(i) + 1]) continue;
    Value b = eval(*e.children[static_cast<size_t>(i) + 1]);
    if (b.is_json() && b.json().is_null()) continue;
    if (!b.is_json() || !is_integer(b.json())) throw_template_error(e.line, "slice indices must be integers or None");
    bound[i] = as_int(b.json());
  }
  int64_t step = bound[2].value_or(1);
  if (step == 0) throw_template_error(e.line, "slice step cannot be zero");
  std::vector<std::string> cps;
  int64_t n = 0;
  if (j.is_array()) {
    n = static_cast<int64_t>(j.size());
  } else if (j.is_string()) {
    cps = utf8_code_points(j.get_ref<const std::string&>());
    n = static_cast<int64_t>(cps.size());
  } else {
    throw_template_error(e.line, "'" + object.type_name() + "' object is not subscriptable");
  }
  // Python's slice.indices(): clamp start and stop into range for the step's direction.
  auto clamp = [&](std::optional<int64_t> v, int64_t def_pos, int64_t def_neg) {
    if (!v) return step > 0 ? def_pos : def_neg;
    int64_t x = *v;
    if (x < 0) {
      x += n;
      if (x < 0) x = step > 0 ? 0 : -1;
    } else if (x >= n) {
      x = step > 0 ? n : n - 1;
    }
    return x;
  };
  int64_t start = clamp(bound[0], 0, n - 1);
  int64_t stop = clamp(bound[1], n, -1);
  Json list = Json::array();
  std::string text;
  for (int64_t i = start; step > 0 ? i < stop : i > stop;) {
    if (j.is_array()) {
      list.push_back(j[static_cast<size_t>(i)]);
    } else {
      text += cps[static_cast<size_t>(i)];
    }
    if (__builtin_add_overflow(i, step, &i)) break;
  }
  charge(n, e.line);
  return j.is_array() ? Value(std::move(list)) : Value(Json(std::move(text)));
}

Value Interpreter::eval_compare(const Expr& e) {
  Value left = eval(*e.children[0]);
  for (size_t i = 0; i < e.ops.size(); ++i) {
    Value right = eval(*e.children[i + 1]);
    const std::string& op = e.ops[i];
    bool result = false;
    if (op == "==" || op == "!=") {
      result = values_equal(left, right) == (op == "==");
    } else if (op == "in" || op == "not in") {
      CallArgs args;
      args.positional.push_back(right);
      result = apply_test(*this, "in", left, args) == (op == "in");
    } else {
      if (left.is_undefined()) fail_undefined(left, e.line);
      if (right.is_undefined()) fail_undefined(right, e.line);
      int c = json_compare(require_json(left, "a comparison", e.line), require_json(right, "a comparison", e.line),
                           e.line);
      result = op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0;
    }
    if (!result) return Value(Json(false));
    left = std::move(right);
  }
  return Value(Json(true));
}

Value Interpreter::eval_binary(const Expr& e) {
  const std::string& op = e.name;
  if (op == "and") {
    Value left = eval(*e.children[0]);
    return left.truthy() ? eval(*e.children[1]) : left;
  }
  if (op == "or") {
    Value left = eval(*e.children[0]);
    return left.truthy() ? left : eval(*e.children[1]);
  }
  Value left = eval(*e.children[0]);
  Value right = eval(*e.children[1]);
  if (op == "~") {
    std::string text = to_str(left);
    std::string more = to_str(right);
    charge(static_cast<int64_t>((text.size() + more.size()) / kBytesPerStep), e.line);
    check_size(text.size() + more.size(), e.line);
    return Value(Json(text + more));
  }
  if (left.is_undefined()) fail_undefined(left, e.line);
  if (right.is_undefined()) fail_undefined(right, e.line);
  auto type_error = [&]() -> Value {
    throw_template_error(e.line, "unsupported operand type(s) for " + op + ": '" + left.type_name() + "' and '" +
                                     right.type_name() + "'");
  };
  if (!left.is_json() || !right.is_json()) return type_error();
  const Json& a = left.json();
  const Json& b = right.json();
  if (is_number(a) && is_number(b)) {
    bool ints = is_integer(a) && is_integer(b);
    if (ints) {
      int64_t x = as_int(a), y = as_int(b), r = 0;
      if (op == "+" || op == "-" || op == "*") {
        bool overflow = op == "+" ? __builtin_add_overflow(x, y, &r)
                        : op == "-" ? __builtin_sub_overflow(x, y, &r)
                                    : __builtin_mul_overflow(x, y, &r);
        return Value(Json(checked(overflow, r, e.line)));
      }
      if (op == "//" || op == "%") {
        if (y == 0) throw_template_error(e.line, "integer division or modulo by zero");
        if (x == std::numeric_limits<int64_t>::min() && y == -1) throw_template_error(e.line, "integer overflow");
        int64_t q = x / y, m = x % y;
        if (m != 0 && ((m < 0) != (y < 0))) {
          --q;
          m += y;
        }
        return Value(Json(op == "//" ? q : m));
      }
      if (op == "**" && y >= 0) {
        int64_t result = 1;
        for (int64_t i = 0; i < y; ++i) {
          bool overflow = __builtin_mul_overflow(result, x, &result);
          checked(overflow, result, e.line);
          if (result == 0 || result == 1) break;
          charge(1, e.line);
        }
        if (result == 1 && x == -1 && y % 2 == 1) result = -1;
        return Value(Json(result));
      }
    }
    double x = as_double(a), y = as_double(b);
    if (op == "+") return Value(Json(x + y));
    if (op == "-") return Value(Json(x - y));
    if (op == "*") return Value(Json(x * y));
    if (op == "/") {
      if (y == 0) throw_template_error(e.line, "division by zero");
      return Value(Json(x / y));
    }
    if (op == "//") {
      if (y == 0) throw_template_error(e.line, "float floor division by zero");
      return Value(Json(std::floor(x / y)));
    }
    if (op == "%") {
      if (y == 0) throw_template_error(e.line, "float modulo by zero");
      return Value(Json(py_fmod(x, y)));
    }
    if (op == "**") {
      double r = std::pow(x, y);
      if (std::isinf(r) || std::isnan(r)) throw_template_error(e.line, "numerical result out of range");
      return Value(Json(r));
    }
    return type_error();
  }
  if (op == "+" && a.is_string() && b.is_string()) {
    size_t bytes = a.get_ref<const std::string&>().size() + b.get_ref<const std::string&>().size();
    charge(static_cast<int64_t>(bytes / kBytesPerStep), e.line);
    check_size(bytes, e.line);
    return Value(Json(a.get<std::string>() + b.get<std::string>()));
  }
  if (op == "+" && a.is_array() && b.is_array()) {
    charge(static_cast<int64_t>(a.size() + b.size()), e.line);
    Json joined = a;
    for (const auto& item : b) joined.push_back(item);
    return Value(std::move(joined));
  }
  bool a_seq = a.is_string() || a.is_array();
  bool b_seq = b.is_string() || b.is_array();
  if (op == "*" && ((a_seq && is_integer(b)) || (is_integer(a) && b_seq))) {
    const Json& seq = a.is_string() || a.is_array() ? a : b;
    int64_t times = std::max<int64_t>(0, as_int(a.is_string() || a.is_array() ? b : a));
    if (seq.is_string()) {
      const std::string& s = seq.get_ref<const std::string&>();
      if (!s.empty() && times > 0) {
        size_t bytes = s.size() * static_cast<size_t>(std::min<int64_t>(times, INT32_MAX));
        check_size(bytes, e.line);
        charge(static_cast<int64_t>(bytes / kBytesPerStep), e.line);
      }
      std::string out;
      for (int64_t i = 0; i < times && !s.empty(); ++i) out += s;
      return Value(Json(std::move(out)));
    }
    if (!seq.empty() && times > 0) charge(static_cast<int64_t>(seq.size()) * std::min<int64_t>(times, INT32_MAX), e.line);
    Json out = Json::array();
    for (int64_t i = 0; i < times && !seq.empty(); ++i) {
      for (const auto& item : seq) out.push_back(item);
    }
    return Value(std::move(out));
  }
  if (op == "%" && a.is_string()) throw_unsupported(e.line, "printf-style string formatting with '%'");
  return type_error();
}

}  // namespace hirelm::templating
