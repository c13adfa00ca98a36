// The web UI's static files (src/web), embedded in the binary at build time: GET / serves index.html and
// the rest are under /ui/ (the API registers them, src/api). Nothing is read from disk at run time.
#pragma once

#include <string_view>
#include <vector>

namespace hirelm::web {

struct WebAsset {
  std::string_view path;          // URL path: "/" for index.html, "/ui/<file>" for the rest
  std::string_view content_type;  // with "; charset=utf-8" for text
  std::string_view body;          // the file's bytes; static storage, never freed
};

// Every embedded asset, "/" first. The views point into the binary's read-only data.
const std::vector<WebAsset>& web_assets();

// The asset at `path` (exactly as listed), or nullptr.
const WebAsset* find_web_asset(std::string_view path);

}  // namespace hirelm::web
