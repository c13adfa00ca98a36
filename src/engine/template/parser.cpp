#include "engine/template/parser.h"

#include <algorithm>
#include <set>

#include "engine/template/builtins.h"
#include "engine/template/lexer.h"
#include "engine/template/template_error.h"

namespace hirelm::templating {
namespace {

// Tags of jinja2 that we recognise but do not implement.
const std::set<std::string> kUnsupportedTags = {"block", "extends", "include", "import", "from", "call",
                                                "filter", "with", "autoescape", "do", "trans", "pluralize"};

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  StmtList parse() {
    std::string end;
    StmtList body = parse_body({}, &end);
    return body;
  }

 private:
  // RAII guard on recursion so that no input can exhaust the stack.
  struct DepthGuard {
    DepthGuard(Parser& p, int line) : parser(p) {
      if (++parser.depth_ > kMaxNestingDepth) {
        throw_template_error(line, "nesting deeper than " + std::to_string(kMaxNestingDepth) + " levels");
      }
    }
    ~DepthGuard() { --parser.depth_; }
    Parser& parser;
  };

  const Token& cur() const { return tokens_[i_]; }
  const Token& peek(size_t ahead = 1) const { return tokens_[std::min(i_ + ahead, tokens_.size() - 1)]; }
  void next() {
    if (i_ + 1 < tokens_.size()) ++i_;
  }
  bool is_op(const char* op) const { return cur().kind == TokenKind::kOperator && cur().text == op; }
  bool is_name(const char* name) const { return cur().kind == TokenKind::kName && cur().text == name; }
  bool skip_op(const char* op) {
    if (!is_op(op)) return false;
    next();
    return true;
  }
  bool skip_name(const char* name) {
    if (!is_name(name)) return false;
    next();
    return true;
  }

  static std::string describe(const Token& t) {
    switch (t.kind) {
      case TokenKind::kEnd:
        return "end of template";
      case TokenKind::kBlockEnd:
        return "'%}'";
      case TokenKind::kVarEnd:
        return "'}}'";
      case TokenKind::kBlockBegin:
        return "'{%'";
      case TokenKind::kVarBegin:
        return "'{{'";
      case TokenKind::kText:
        return "template text";
      case TokenKind::kString:
        return "string literal";
      default:
        return "'" + t.text + "'";
    }
  }

  [[noreturn]] void fail_expected(const std::string& what) {
    throw_template_error(cur().line, "expected " + what + ", got " + describe(cur()));
  }

  void expect_op(const char* op) {
    if (!skip_op(op)) fail_expected(std::string("'") + op + "'");
  }

  void expect_block_end() {
    if (cur().kind != TokenKind::kBlockEnd) fail_expected("'%}'");
    next();
  }

  std::string expect_name() {
    if (cur().kind != TokenKind::kName) fail_expected("a name");
    std::string name = cur().text;
    next();
    return name;
  }

  ExprPtr make(ExprKind kind, int line, std::vector<ExprPtr> children = {}) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->line = line;
    e->children = std::move(children);
    return e;
  }

  // Recomputes a node's depth from its children and enforces the nesting limit.
  ExprPtr seal(ExprPtr e) {
    int depth = 0;
    for (const auto& c : e->children) {
      if (c) depth = std::max(depth, c->depth);
    }
    for (const auto& kw : e->kwargs) depth = std::max(depth, kw.second->depth);
    e->depth = depth + 1;
    if (e->depth > kMaxNestingDepth) {
      throw_template_error(e->line, "expression nested deeper than " + std::to_string(kMaxNestingDepth) + " levels");
    }
    return e;
  }

  // ---- statements ----

  // Parses statements until a block tag whose keyword is in `ends` (consumed; its name goes to *end)
  // or the end of the template (only allowed when `ends` is empty).
  StmtList parse_body(const std::vector<std::string>& ends, std::string* end) {
    StmtList body;
    while (true) {
      const Token& t = cur();
      if (t.kind == TokenKind::kEnd) {
        if (!ends.empty()) {
          throw_template_error(t.line, "unexpected end of template, expected '" + ends.back() + "'");
        }
        return body;
      }
      if (t.kind == TokenKind::kText) {
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::kText;
        s->line = t.line;
        s->text = t.text;
        body.push_back(std::move(s));
        next();
      } else if (t.kind == TokenKind::kVarBegin) {
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::kOutput;
        s->line = t.line;
        next();
        s->expr = parse_tuple(true);
        if (cur().kind != TokenKind::kVarEnd) fail_expected("'}}'");
        next();
        body.push_back(std::move(s));
      } else if (t.kind == TokenKind::kBlockBegin) {
        const Token& keyword = peek();
        if (keyword.kind == TokenKind::kName &&
            std::find(ends.begin(), ends.end(), keyword.text) != ends.end()) {
          next();
          next();
          *end = keyword.text;
          return body;
        }
        next();
        body.push_back(parse_statement());
      } else {
        fail_expected("template text or a tag");
      }
    }
  }

  std::unique_ptr<Stmt> parse_statement() {
    const Token& t = cur();
    int line = t.line;
    DepthGuard guard(*this, line);
    if (t.kind != TokenKind::kName) fail_expected("a tag name");
    std::string keyword = t.text;
    auto s = std::make_unique<Stmt>();
    s->line = line;
    next();
    if (keyword == "if") {
      s->kind = StmtKind::kIf;
      parse_if_chain(*s);
    } else if (keyword == "for") {
      parse_for(*s);
    } else if (keyword == "set") {
      parse_set(*s);
    } else if (keyword == "macro") {
      parse_macro(*s);
    } else if (keyword == "break" || keyword == "continue") {
      s->kind = keyword == "break" ? StmtKind::kBreak : StmtKind::kContinue;
      if (loop_depth_ == 0) throw_template_error(line, "'" + keyword + "' outside of a for loop");
      expect_block_end();
    } else if (keyword == "generation") {
      s->kind = StmtKind::kGeneration;
      expect_block_end();
      std::string end;
      s->bodies.push_back(parse_body({"endgeneration"}, &end));
      expect_block_end();
    } else if (kUnsupportedTags.count(keyword) > 0) {
      throw_unsupported(line, "tag '{% " + keyword + " %}'");
    } else {
      throw_template_error(line, "unknown tag '" + keyword + "'");
    }
    return s;
  }

  void parse_if_chain(Stmt& s) {
    s.conditions.push_back(parse_tuple(false));
    expect_block_end();
    while (true) {
      std::string end;
      StmtList body = parse_body({"elif", "else", "endif"}, &end);
      s.bodies.push_back(std::move(body));
      if (end == "elif") {
        s.conditions.push_back(parse_tuple(false));
        expect_block_end();
        continue;
      }
      if (end == "else") {
        expect_block_end();
        s.else_body = parse_body({"endif"}, &end);
      }
      expect_block_end();
      return;
    }
  }

  // Assignment targets: `name`, `a, b`, `(a, b)`.
  std::vector<std::string> parse_targets() {
    std::vector<std::string> names;
    bool paren = skip_op("(");
    do {
      if (paren && is_op(")")) break;
      names.push_back(expect_name());
    } while (skip_op(","));
    if (paren) expect_op(")");
    return names;
  }

  void parse_for(Stmt& s) {
    s.kind = StmtKind::kFor;
    s.targets = parse_targets();
    if (!skip_name("in")) fail_expected("'in'");
    s.expr = parse_tuple(false);
    if (skip_name("if")) s.filter = parse_expression(true);
    if (is_name("recursive")) throw_unsupported(cur().line, "recursive for loop");
    expect_block_end();
    ++loop_depth_;
    std::string end;
    s.bodies.push_back(parse_body({"else", "endfor"}, &end));
    --loop_depth_;
    if (end == "else") {
      expect_block_end();
      s.else_body = parse_body({"endfor"}, &end);
    }
    expect_block_end();
  }

  void parse_set(Stmt& s) {
    int line = s.line;
    std::string first = expect_name();
    if (skip_op(".")) {
      s.attribute = expect_name();
      s.targets.push_back(first);
    } else {
      s.targets.push_back(first);
      while (skip_op(",")) s.targets.push_back(expect_name());
    }
    if (skip_op("=")) {
      s.kind = StmtKind::kSet;
      s.expr = parse_tuple(true);
      expect_block_end();
      return;
    }
    if (is_op("|")) throw_unsupported(line, "filter on a {% set %} block");
    if (s.targets.size() != 1) fail_expected("'='");
    s.kind = StmtKind::kSetBlock;
    expect_block_end();
    int saved_loop_depth = loop_depth_;
    loop_depth_ = 0;
    std::string end;
    s.bodies.push_back(parse_body({"endset"}, &end));
    loop_depth_ = saved_loop_depth;
    expect_block_end();
  }

  void parse_macro(Stmt& s) {
    s.kind = StmtKind::kMacro;
    s.text = expect_name();
    expect_op("(");
    while (!is_op(")")) {
      if (is_op("*") || is_op("**")) throw_unsupported(cur().line, "variadic macro parameters");
      s.params.push_back(expect_name());
      s.defaults.push_back(skip_op("=") ? parse_expression(true) : nullptr);
      if (!skip_op(",")) break;
    }
    expect_op(")");
    expect_block_end();
    int saved_loop_depth = loop_depth_;
    loop_depth_ = 0;
    std::string end;
    s.bodies.push_back(parse_body({"endmacro"}, &end));
    loop_depth_ = saved_loop_depth;
    if (cur().kind == TokenKind::kName && cur().text == s.text) next();  // {% endmacro name %}
    expect_block_end();
  }

  // ---- expressions ----

  // A comma-separated tuple or a single expression (jinja2's parse_tuple).
  ExprPtr parse_tuple(bool with_condexpr) {
    int line = cur().line;
    std::vector<ExprPtr> items;
    bool is_tuple = false;
    while (true) {
      if (!items.empty()) {
        if (!skip_op(",")) break;
        is_tuple = true;
        if (at_tuple_end()) break;
      }
      items.push_back(parse_expression(with_condexpr));
    }
    if (!is_tuple) return std::move(items[0]);
    return seal(make(ExprKind::kTuple, line, std::move(items)));
  }

  bool at_tuple_end() const {
    TokenKind k = cur().kind;
    return k == TokenKind::kBlockEnd || k == TokenKind::kVarEnd || k == TokenKind::kEnd ||
           (k == TokenKind::kOperator && (cur().text == ")" || cur().text == "]" || cur().text == "}")) ||
           (k == TokenKind::kName && (cur().text == "if" || cur().text == "in"));
  }

  ExprPtr parse_expression(bool with_condexpr) { return with_condexpr ? parse_condexpr() : parse_or(); }

  ExprPtr parse_condexpr() {
    DepthGuard guard(*this, cur().line);
    int line = cur().line;
    ExprPtr expr = parse_or();
    while (skip_name("if")) {
      std::vector<ExprPtr> children;
      children.push_back(parse_or());
      children.push_back(std::move(expr));
      children.push_back(skip_name("else") ? parse_condexpr() : nullptr);
      // children: [test, then, else]
      expr = seal(make(ExprKind::kCondition, line, std::move(children)));
    }
    return expr;
  }

  ExprPtr binary(const std::string& op, int line, ExprPtr left, ExprPtr right) {
    std::vector<ExprPtr> children;
    children.push_back(std::move(left));
    children.push_back(std::move(right));
    auto e = make(ExprKind::kBinary, line, std::move(children));
    e->name = op;
    return seal(std::move(e));
  }

  ExprPtr parse_or() {
    ExprPtr left = parse_and();
    while (is_name("or")) {
      int line = cur().line;
      next();
      left = binary("or", line, std::move(left), parse_and());
    }
    return left;
  }

  ExprPtr parse_and() {
    ExprPtr left = parse_not();
    while (is_name("and")) {
      int line = cur().line;
      next();
      left = binary("and", line, std::move(left), parse_not());
    }
    return left;
  }

  ExprPtr parse_not() {
    if (is_name("not")) {
      int line = cur().line;
      DepthGuard guard(*this, line);
      next();
      std::vector<ExprPtr> children;
      children.push_back(parse_not());
      auto e = make(ExprKind::kUnary, line, std::move(children));
      e->name = "not";
      return seal(std::move(e));
    }
    return parse_compare();
  }

  ExprPtr parse_compare() {
    int line = cur().line;
    ExprPtr first = parse_math1();
    std::vector<std::string> ops;
    std::vector<ExprPtr> children;
    while (true) {
      std::string op;
      if (cur().kind == TokenKind::kOperator &&
          (cur().text == "==" || cur().text == "!=" || cur().text == "<" || cur().text == "<=" ||
           cur().text == ">" || cur().text == ">=")) {
        op = cur().text;
        next();
      } else if (is_name("in")) {
        op = "in";
        next();
      } else if (is_name("not") && peek().kind == TokenKind::kName && peek().text == "in") {
        op = "not in";
        next();
        next();
      } else {
        break;
      }
      ops.push_back(op);
      children.push_back(parse_math1());
    }
    if (ops.empty()) return first;
    children.insert(children.begin(), std::move(first));
    auto e = make(ExprKind::kCompare, line, std::move(children));
    e->ops = std::move(ops);
    return seal(std::move(e));
  }

  ExprPtr parse_math1() {
    ExprPtr left = parse_concat();
    while (is_op("+") || is_op("-")) {
      std::string op = cur().text;
      int line = cur().line;
      next();
      left = binary(op, line, std::move(left), parse_concat());
    }
    return left;
  }

  ExprPtr parse_concat() {
    ExprPtr left = parse_math2();
    while (is_op("~")) {
      int line = cur().line;
      next();
      left = binary("~", line, std::move(left), parse_math2());
    }
    return left;
  }

  ExprPtr parse_math2() {
    ExprPtr left = parse_pow();
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      std::string op = cur().text;
      int line = cur().line;
      next();
      left = binary(op, line, std::move(left), parse_pow());
    }
    return left;
  }

  ExprPtr parse_pow() {
    ExprPtr left = parse_unary(true);
    while (is_op("**")) {
      int line = cur().line;
      next();
      left = binary("**", line, std::move(left), parse_unary(true));
    }
    return left;
  }

  ExprPtr parse_unary(bool with_filter) {
    int line = cur().line;
    DepthGuard guard(*this, line);
    ExprPtr node;
    if (is_op("-") || is_op("+")) {
      std::string op = cur().text;
      next();
      std::vector<ExprPtr> children;
      children.push_back(parse_unary(false));
      node = make(ExprKind::kUnary, line, std::move(children));
      node->name = op;
      node = seal(std::move(node));
    } else {
      node = parse_primary();
    }
    node = parse_postfix(std::move(node));
    if (with_filter) node = parse_filter_expr(std::move(node));
    return node;
  }

  ExprPtr literal(Json value, int line) {
    auto e = make(ExprKind::kLiteral, line);
    e->literal = std::move(value);
    return e;
  }

  ExprPtr parse_primary() {
    const Token& t = cur();
    int line = t.line;
    switch (t.kind) {
      case TokenKind::kName: {
        std::string name = t.text;
        next();
        if (name == "true" || name == "True") return literal(true, line);
        if (name == "false" || name == "False") return literal(false, line);
        if (name == "none" || name == "None") return literal(nullptr, line);
        auto e = make(ExprKind::kName, line);
        e->name = name;
        return e;
      }
      case TokenKind::kString: {
        std::string value;
        while (cur().kind == TokenKind::kString) {  // adjacent literals concatenate
          value += cur().text;
          next();
        }
        return literal(value, line);
      }
      case TokenKind::kInteger: {
        int64_t v = t.int_value;
        next();
        return literal(v, line);
      }
      case TokenKind::kFloat: {
        double v = t.float_value;
        next();
        return literal(v, line);
      }
      case TokenKind::kOperator:
        if (t.text == "(") {
          next();
          if (skip_op(")")) return seal(make(ExprKind::kTuple, line));
          ExprPtr inner = parse_tuple(true);
          expect_op(")");
          return inner;
        }
        if (t.text == "[") {
          next();
          std::vector<ExprPtr> items;
          while (!is_op("]")) {
            items.push_back(parse_expression(true));
            if (!skip_op(",")) break;
          }
          expect_op("]");
          return seal(make(ExprKind::kList, line, std::move(items)));
        }
        if (t.text == "{") {
          next();
          std::vector<ExprPtr> items;
          while (!is_op("}")) {
            items.push_back(parse_expression(true));
            expect_op(":");
            items.push_back(parse_expression(true));
            if (!skip_op(",")) break;
          }
          expect_op("}");
          return seal(make(ExprKind::kDict, line, std::move(items)));
        }
        break;
      default:
        break;
    }
    fail_expected("an expression");
  }

  ExprPtr parse_postfix(ExprPtr node) {
    while (true) {
      if (is_op(".")) {
        int line = cur().line;
        next();
        if (cur().kind == TokenKind::kName) {
          std::vector<ExprPtr> children;
          children.push_back(std::move(node));
          auto e = make(ExprKind::kAttribute, line, std::move(children));
          e->name = cur().text;
          next();
          node = seal(std::move(e));
        } else if (cur().kind == TokenKind::kInteger) {
          std::vector<ExprPtr> children;
          children.push_back(std::move(node));
          children.push_back(literal(cur().int_value, line));
          next();
          node = seal(make(ExprKind::kItem, line, std::move(children)));
        } else {
          fail_expected("an attribute name");
        }
      } else if (is_op("[")) {
        node = parse_subscript(std::move(node));
      } else if (is_op("(")) {
        node = parse_call(std::move(node));
      } else {
        return node;
      }
    }
  }

  ExprPtr parse_subscript(ExprPtr node) {
    int line = cur().line;
    next();  // [
    std::vector<ExprPtr> parts(3);
    bool is_slice = false;
    if (!is_op(":")) parts[0] = parse_expression(true);
    if (skip_op(":")) {
      is_slice = true;
      if (!is_op("]") && !is_op(":")) parts[1] = parse_expression(true);
      if (skip_op(":")) {
        if (!is_op("]")) parts[2] = parse_expression(true);
      }
    }
    if (is_op(",")) throw_unsupported(cur().line, "tuple subscript");
    expect_op("]");
    std::vector<ExprPtr> children;
    children.push_back(std::move(node));
    if (!is_slice) {
      children.push_back(std::move(parts[0]));
      return seal(make(ExprKind::kItem, line, std::move(children)));
    }
    for (auto& p : parts) children.push_back(std::move(p));
    return seal(make(ExprKind::kSlice, line, std::move(children)));
  }

  // Parses `( args )` into e's children (after any already there) and kwargs.
  void parse_call_args(Expr& e) {
    expect_op("(");
    while (!is_op(")")) {
      if (is_op("*") || is_op("**")) throw_unsupported(cur().line, "*args/**kwargs in a call");
      if (cur().kind == TokenKind::kName && peek().kind == TokenKind::kOperator && peek().text == "=") {
        std::string key = cur().text;
        next();
        next();
        e.kwargs.emplace_back(key, parse_expression(true));
      } else {
        if (!e.kwargs.empty()) throw_template_error(cur().line, "positional argument after keyword argument");
        e.children.push_back(parse_expression(true));
      }
      if (!skip_op(",")) break;
    }
    expect_op(")");
  }

  ExprPtr parse_call(ExprPtr callee) {
    int line = cur().line;
    std::vector<ExprPtr> children;
    children.push_back(std::move(callee));
    auto e = make(ExprKind::kCall, line, std::move(children));
    parse_call_args(*e);
    return seal(std::move(e));
  }

  std::string parse_dotted_name() {
    std::string name = expect_name();
    while (is_op(".") && peek().kind == TokenKind::kName) {
      next();
      name += "." + cur().text;
      next();
    }
    return name;
  }

  ExprPtr parse_filter_expr(ExprPtr node) {
    while (true) {
      if (is_op("|")) {
        int line = cur().line;
        next();
        std::vector<ExprPtr> children;
        children.push_back(std::move(node));
        auto e = make(ExprKind::kFilter, line, std::move(children));
        e->name = parse_dotted_name();
        if (!is_known_filter(e->name)) throw_unsupported(line, "filter '" + e->name + "'");
        if (is_op("(")) parse_call_args(*e);
        node = seal(std::move(e));
      } else if (is_name("is")) {
        int line = cur().line;
        next();
        std::vector<ExprPtr> children;
        children.push_back(std::move(node));
        auto e = make(ExprKind::kTest, line, std::move(children));
        e->negated = skip_name("not");
        e->name = parse_dotted_name();
        if (!is_known_test(e->name)) throw_unsupported(line, "test '" + e->name + "'");
        if (is_op("(")) {
          parse_call_args(*e);
        } else if ((cur().kind == TokenKind::kName || cur().kind == TokenKind::kString ||
                    cur().kind == TokenKind::kInteger || cur().kind == TokenKind::kFloat || is_op("(") ||
                    is_op("[") || is_op("{")) &&
                   !is_name("else") && !is_name("or") && !is_name("and")) {
          if (is_name("is")) throw_template_error(cur().line, "cannot chain multiple tests with 'is'");
          ExprPtr arg = parse_postfix(parse_primary());
          e->children.push_back(std::move(arg));
        }
        node = seal(std::move(e));
      } else if (is_op("(")) {
        node = parse_call(std::move(node));
      } else {
        return node;
      }
    }
  }

  std::vector<Token> tokens_;
  size_t i_ = 0;
  int depth_ = 0;
  int loop_depth_ = 0;
};

}  // namespace

StmtList parse_template(const std::string& source) { return Parser(tokenize_template(source)).parse(); }

}  // namespace hirelm::templating
