// GET /docs: Swagger UI rendering /openapi.json. The Swagger UI files come from the npm package
// swagger-ui-dist (node_modules/, installed by scripts/setup.sh), embedded in the binary at build
// time; nothing is fetched at run time. A build without node_modules serves a plain page instead.
#pragma once

#include <string>
#include <string_view>

namespace hirelm::server {

// The HTML of /docs: Swagger UI pointed at openapi.json. URLs are relative to /docs, so the page
// also works behind a proxy that adds a path prefix. Without the bundled files it is a short page
// that links the JSON and says how to get the UI.
std::string docs_page_html();

// The embedded swagger-ui-dist files (served at /docs/swagger-ui-bundle.js and /docs/swagger-ui.css);
// empty views when the build did not bundle them.
bool swagger_ui_bundled();
std::string_view swagger_ui_bundle_js();
std::string_view swagger_ui_css();
// The embedded swagger-ui-dist version ("" when none).
std::string_view swagger_ui_version();

}  // namespace hirelm::server
