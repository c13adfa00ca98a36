#include "screening/db/placeholders.h"

#include <algorithm>

namespace hirelm::db {

namespace {

constexpr int kMaxIndex = 999999;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Index just past the quoted text or comment that starts at `at`, or `at` when none starts there.
size_t skip_literal(std::string_view sql, size_t at) {
  const char c = sql[at];
  if (c == '\'' || c == '"') {
    size_t i = at + 1;
    while (i < sql.size()) {
      if (sql[i] == c) {
        if (i + 1 < sql.size() && sql[i + 1] == c) {
          i += 2;  // a doubled quote is an escaped quote
          continue;
        }
        return i + 1;
      }
      ++i;
    }
    return sql.size();
  }
  if (c == '-' && at + 1 < sql.size() && sql[at + 1] == '-') {
    const size_t end = sql.find('\n', at + 2);
    return end == std::string_view::npos ? sql.size() : end + 1;
  }
  if (c == '/' && at + 1 < sql.size() && sql[at + 1] == '*') {
    const size_t end = sql.find("*/", at + 2);
    return end == std::string_view::npos ? sql.size() : end + 2;
  }
  return at;
}

}  // namespace

RewrittenSql rewrite_placeholders(std::string_view sql) {
  RewrittenSql out;
  out.sql.reserve(sql.size() + 16);
  size_t i = 0;
  while (i < sql.size()) {
    const size_t past = skip_literal(sql, i);
    if (past != i) {
      out.sql.append(sql.substr(i, past - i));
      i = past;
      continue;
    }
    if (sql[i] != '?') {
      out.sql.push_back(sql[i++]);
      continue;
    }
    ++i;
    int index = 0;
    size_t digits = 0;
    // ?N: every digit belongs to the mark; the index saturates at kMaxIndex (far past what either database
    // accepts, so the server rejects it).
    while (i < sql.size() && is_digit(sql[i])) {
      index = std::min(kMaxIndex, index * 10 + (sql[i] - '0'));
      ++i;
      ++digits;
    }
    if (digits == 0 || index == 0) index = out.max_index + 1;
    out.max_index = std::max(out.max_index, index);
    ++out.placeholders;
    out.sql.push_back('$');
    out.sql.append(std::to_string(index));
  }
  return out;
}

}  // namespace hirelm::db
