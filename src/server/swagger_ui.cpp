#include "server/swagger_ui.h"

#include "util/incbin.h"

// HIRELM_SWAGGER_UI_DIR (set by src/server/CMakeLists.txt when node_modules/swagger-ui-dist exists)
// is the folder whose files the assembler copies into .rodata here, byte for byte. The build
// re-runs when they change (OBJECT_DEPENDS).
#ifdef HIRELM_SWAGGER_UI_DIR
HIRELM_INCBIN(hirelm_swagger_ui_bundle_js, HIRELM_SWAGGER_UI_DIR "/swagger-ui-bundle.js");
HIRELM_INCBIN(hirelm_swagger_ui_css, HIRELM_SWAGGER_UI_DIR "/swagger-ui.css");
#endif

namespace hirelm::server {

bool swagger_ui_bundled() {
#ifdef HIRELM_SWAGGER_UI_DIR
  return true;
#else
  return false;
#endif
}

std::string_view swagger_ui_bundle_js() {
#ifdef HIRELM_SWAGGER_UI_DIR
  return {hirelm_swagger_ui_bundle_js,
          static_cast<size_t>(hirelm_swagger_ui_bundle_js_end - hirelm_swagger_ui_bundle_js)};
#else
  return {};
#endif
}

std::string_view swagger_ui_css() {
#ifdef HIRELM_SWAGGER_UI_DIR
  return {hirelm_swagger_ui_css, static_cast<size_t>(hirelm_swagger_ui_css_end - hirelm_swagger_ui_css)};
#else
  return {};
#endif
}

std::string_view swagger_ui_version() {
#ifdef HIRELM_SWAGGER_UI_VERSION
  return HIRELM_SWAGGER_UI_VERSION;
#else
  return {};
#endif
}

std::string docs_page_html() {
  if (!swagger_ui_bundled()) {
    return R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hirelm API</title></head>
<body>
<h1>hirelm API</h1>
<p>The OpenAPI description is at <a href="openapi.json">/openapi.json</a>.</p>
<p>This build has no Swagger UI: it is bundled at build time from the npm package swagger-ui-dist.
Run <code>npm ci</code> in the source tree (scripts/setup.sh does) and rebuild to get the interactive page.</p>
</body></html>
)";
  }
  // "docs/..." and "openapi.json" resolve against /docs, so the page works under a path prefix.
  return R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hirelm API</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script>
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
};
</script>
</body>
</html>
)";
}

}  // namespace hirelm::server
