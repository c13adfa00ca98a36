// Display names of uploaded files. A client's file name is untrusted text: it is kept only for display and
// never reaches the filesystem.
#pragma once

#include <string>
#include <string_view>

namespace hirelm::service {

// The last path component of `raw` ('/' and '\\' both separate), with control characters (C0, DEL, C1),
// invalid UTF-8 and leading dots and spaces removed, at most 200 bytes (cut at a character boundary).
// "upload" when nothing is left. Examples: "name/../x.txt" -> "x.txt", "..\\..\\evil.pdf" -> "evil.pdf",
// "a\x01b.txt" -> "ab.txt", ".." -> "upload".
std::string sanitize_file_name(std::string_view raw);

}  // namespace hirelm::service
