// Parses jinja2 template tokens into statements (ast.h), following jinja2's grammar and operator
// precedence: `x if c else y` < or < and < not < comparisons/in < + - < ~ < * / // % < ** < unary -
// < filters/tests/calls/subscripts. Constructs outside the supported subset (chat_template.h lists
// it) raise UnsupportedError naming the construct and line; malformed syntax raises InvalidInputError.
#pragma once

#include <string>

#include "engine/template/ast.h"

namespace hirelm::templating {

StmtList parse_template(const std::string& source);

}  // namespace hirelm::templating
