// Rewrites the portable `?` placeholders of our SQL into PostgreSQL's `$1, $2, ...`.
#pragma once

#include <string>
#include <string_view>

namespace hirelm::db {

struct RewrittenSql {
  std::string sql;      // the statement with every placeholder as $n
  int placeholders = 0;  // number of placeholders rewritten (each `?` or `?N` outside quotes and comments)
  int max_index = 0;     // the highest parameter index used
};

// `?` becomes `$k` with k = (highest index so far) + 1, and `?N` (SQLite's numbered form) becomes `$N`, the
// rule SQLite applies, so a statement binds the same indexes on both backends. Text inside '...' and "..."
// (with doubled quotes as escapes), `-- ...` line comments and `/* ... */` comments is copied unchanged.
// An unterminated quote or comment runs to the end of the text (the server reports the syntax error).
RewrittenSql rewrite_placeholders(std::string_view sql);

}  // namespace hirelm::db
