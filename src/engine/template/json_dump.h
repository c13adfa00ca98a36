// Python's json.dumps, byte for byte, for the `tojson` filter. Hugging Face overrides jinja2's tojson
// with `json.dumps(x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)`,
// so templates that serialise tools or tool-call arguments must match that output exactly:
// `{"a": 1, "b": [1, 2]}` by default, `,`/`: ` separators plus newlines when indented.
#pragma once

#include <optional>
#include <string>

#include "engine/template/value.h"

namespace hirelm::templating {

struct JsonDumpOptions {
  bool ensure_ascii = false;          // true: non-ASCII as \uXXXX (surrogate pairs above U+FFFF)
  std::optional<std::string> indent;  // nullopt: one line; otherwise the per-level indent string
  std::optional<std::string> item_separator;  // default ", " (one line) or "," (indented)
  std::optional<std::string> key_separator;   // default ": "
  bool sort_keys = false;
};

std::string python_json_dumps(const Json& value, const JsonDumpOptions& options);

}  // namespace hirelm::templating
