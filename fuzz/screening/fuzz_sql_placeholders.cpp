// Fuzzes the `?` -> `$n` rewriter of the PostgreSQL backend (src/screening/db/placeholders.h). Invariants:
// every `?` outside quotes and comments (counted here by an independent scan) becomes exactly one `$n`; no `?`
// is left outside quotes and comments; text outside placeholders is unchanged; rewriting twice changes nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "screening/db/placeholders.h"

namespace {

struct Scan {
  int marks = 0;            // `?` outside quotes and comments
  int dollars_outside = 0;  // `$` outside quotes and comments
  std::string skeleton;     // the text with each mark and its index digits removed
};

// A plain state machine, written apart from the rewriter's own skipping code.
Scan scan(std::string_view sql, char mark) {
  enum State { kCode, kSingle, kDouble, kLine, kBlock } state = kCode;
  Scan out;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    switch (state) {
      case kCode:
        if (c == '\'') state = kSingle;
        else if (c == '"') state = kDouble;
        else if (c == '-' && next == '-') state = kLine;
        else if (c == '/' && next == '*') state = kBlock;
        if (state != kCode) {
          out.skeleton.push_back(c);
          if (state == kLine || state == kBlock) out.skeleton.push_back(sql[++i]);
          continue;
        }
        if (c == '$') ++out.dollars_outside;
        if (c == mark) {
          ++out.marks;
          while (i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') ++i;  // the index digits
          continue;
        }
        out.skeleton.push_back(c);
        break;
      case kSingle:
      case kDouble:
        out.skeleton.push_back(c);
        if (c == (state == kSingle ? '\'' : '"')) {
          if (next == c) out.skeleton.push_back(sql[++i]);
          else state = kCode;
        }
        break;
      case kLine:
        out.skeleton.push_back(c);
        if (c == '\n') state = kCode;
        break;
      case kBlock:
        out.skeleton.push_back(c);
        if (c == '*' && next == '/') {
          out.skeleton.push_back(sql[++i]);
          state = kCode;
        }
        break;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view sql(reinterpret_cast<const char*>(data), size);
  // `$` in the input would blur the count of `$n` in the output; the rewriter never sees `$` from our code.
  if (sql.find('$') != std::string_view::npos) return 0;
  const hirelm::db::RewrittenSql r = hirelm::db::rewrite_placeholders(sql);
  const Scan in = scan(sql, '?');
  const Scan out = scan(r.sql, '$');
  if (r.placeholders != in.marks) std::abort();
  if (out.marks != in.marks) std::abort();  // one $n per ?
  if (scan(r.sql, '?').marks != 0) std::abort();
  if (out.skeleton != in.skeleton) std::abort();
  if (r.max_index < 0 || (in.marks > 0 && r.max_index < 1)) std::abort();
  const hirelm::db::RewrittenSql again = hirelm::db::rewrite_placeholders(r.sql);
  if (again.sql != r.sql || again.placeholders != 0) std::abort();
  return 0;
}
