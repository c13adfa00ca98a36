// The syntax tree of a parsed template. Expressions and statements are plain tagged structs that the
// interpreter walks with a switch; every node keeps its 1-based source line for error messages.
// Nesting is bounded by the parser (kMaxNestingDepth), so walking a tree cannot exhaust the stack.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/template/value.h"

namespace hirelm::templating {

// The deepest expression or statement nesting the parser accepts.
constexpr int kMaxNestingDepth = 200;

enum class ExprKind {
  kLiteral,    // literal: a constant
  kName,       // name
  kList,       // children: items
  kTuple,      // children: items (a list at run time)
  kDict,       // children: key0, value0, key1, value1, ...
  kAttribute,  // children[0].name
  kItem,       // children[0][children[1]]
  kSlice,      // children[0][children[1]:children[2]:children[3]] (null child = omitted)
  kCall,       // children[0](children[1..], kwargs)
  kFilter,     // children[0] | name(children[1..], kwargs)
  kTest,       // children[0] is [not] name(children[1..])
  kUnary,      // op children[0]: "-", "+", "not"
  kBinary,     // children[0] op children[1]: + - * / // % ** ~ and or
  kCompare,    // children[0] ops[0] children[1] ops[1] children[2] ... (chained, as in Python)
  kCondition,  // children[1] if children[0] else children[2] (children[2] null: else undefined)
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  int line = 0;
  int depth = 1;  // 1 + the deepest child's depth
  Json literal;
  std::string name;              // variable, attribute, filter, test name, or operator
  std::vector<std::string> ops;  // comparison operators of a kCompare
  bool negated = false;          // `is not`
  std::vector<std::unique_ptr<Expr>> children;
  std::vector<std::pair<std::string, std::unique_ptr<Expr>>> kwargs;
};
using ExprPtr = std::unique_ptr<Expr>;

enum class StmtKind {
  kText,        // text
  kOutput,      // {{ expr }}
  kIf,          // conditions[i] -> bodies[i]; else_body
  kFor,         // for targets in expr [if filter] body [else else_body]
  kSet,         // set targets = expr (target "ns.attr" when attribute set)
  kSetBlock,    // set target %} body {% endset
  kMacro,       // macro name(params = defaults) body
  kBreak,
  kContinue,
  kGeneration,  // {% generation %} body {% endgeneration %}: renders body (HF assistant masks)
};

struct Stmt;
using StmtList = std::vector<std::unique_ptr<Stmt>>;

struct Stmt {
  StmtKind kind = StmtKind::kText;
  int line = 0;
  std::string text;
  std::vector<std::string> targets;  // for/set targets; "ns.attr" for a namespace attribute
  std::string attribute;             // set ns.attr: the attribute; targets[0] is the namespace
  ExprPtr expr;                      // output, for iterable, set value
  ExprPtr filter;                    // for ... if filter
  std::vector<ExprPtr> conditions;   // if/elif conditions
  std::vector<StmtList> bodies;      // if/elif bodies; bodies[0] for for/macro/set-block/generation
  StmtList else_body;
  std::vector<std::string> params;    // macro parameter names
  std::vector<ExprPtr> defaults;      // macro defaults, null where none
};

}  // namespace hirelm::templating
