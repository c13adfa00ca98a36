#include "web/web_assets.h"

#include "util/incbin.h"

// HIRELM_WEB_DIR (src/web/CMakeLists.txt) is this folder; the assembler copies each file of
// HIRELM_WEB_FILES into .rodata byte for byte, and the object is rebuilt when one changes (OBJECT_DEPENDS).
// Adding a file to the UI means adding it here; the CMakeLists depends on every page file of the folder
// (tests/web/web_assets_test.cpp checks that every file of the folder, and every file index.html or a module
// refers to, is embedded).
//
// X(symbol, file, URL path, content type): index.html is "/", every other file "/ui/<file>".
#define HIRELM_WEB_FILES(X)                                                      \
  X(hirelm_web_index_html, "index.html", "/", kHtml)                             \
  X(hirelm_web_app_css, "app.css", "/ui/app.css", kCss)                          \
  X(hirelm_web_app_js, "app.js", "/ui/app.js", kJs)                              \
  X(hirelm_web_dom_js, "dom.js", "/ui/dom.js", kJs)                              \
  X(hirelm_web_i18n_js, "i18n.js", "/ui/i18n.js", kJs)                           \
  X(hirelm_web_login_js, "login.js", "/ui/login.js", kJs)                        \
  X(hirelm_web_jobs_js, "jobs.js", "/ui/jobs.js", kJs)                           \
  X(hirelm_web_job_edit_js, "job_edit.js", "/ui/job_edit.js", kJs)               \
  X(hirelm_web_job_js, "job.js", "/ui/job.js", kJs)                              \
  X(hirelm_web_upload_js, "upload.js", "/ui/upload.js", kJs)                     \
  X(hirelm_web_run_panel_js, "run_panel.js", "/ui/run_panel.js", kJs)            \
  X(hirelm_web_ranked_table_js, "ranked_table.js", "/ui/ranked_table.js", kJs)   \
  X(hirelm_web_candidate_js, "candidate.js", "/ui/candidate.js", kJs)            \
  X(hirelm_web_highlight_js, "highlight.js", "/ui/highlight.js", kJs)            \
  X(hirelm_web_compare_js, "compare.js", "/ui/compare.js", kJs)

#define HIRELM_WEB_INCBIN(sym, file, path, type) HIRELM_INCBIN(sym, HIRELM_WEB_DIR "/" file);

HIRELM_WEB_FILES(HIRELM_WEB_INCBIN)

#undef HIRELM_WEB_INCBIN

namespace hirelm::web {

namespace {

constexpr std::string_view kHtml = "text/html; charset=utf-8";
constexpr std::string_view kCss = "text/css; charset=utf-8";
constexpr std::string_view kJs = "text/javascript; charset=utf-8";

std::string_view bytes(const char* begin, const char* end) {
  return {begin, static_cast<size_t>(end - begin)};
}

}  // namespace

#define HIRELM_WEB_ASSET(sym, file, path, type) WebAsset{path, type, bytes(sym, sym##_end)},

const std::vector<WebAsset>& web_assets() {
  static const std::vector<WebAsset> assets = {HIRELM_WEB_FILES(HIRELM_WEB_ASSET)};
  return assets;
}

#undef HIRELM_WEB_ASSET

const WebAsset* find_web_asset(std::string_view path) {
  for (const WebAsset& asset : web_assets()) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

}  // namespace hirelm::web
