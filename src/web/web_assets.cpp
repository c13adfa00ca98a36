#include "web/web_assets.h"

// HIRELM_WEB_DIR (src/web/CMakeLists.txt) is this folder; the assembler copies each file listed here into
// .rodata byte for byte, and the object is rebuilt when one changes (OBJECT_DEPENDS). Adding a file to the
// UI means adding it here and to kWebFiles in the CMakeLists (tests/web/web_assets_test.cpp checks that
// every file index.html or a module refers to is embedded).
#define HIRELM_WEB_INCBIN(sym, file)                \
  asm(".pushsection .rodata\n"                      \
      ".balign 16\n"                                \
      ".hidden " #sym "\n"                          \
      ".globl " #sym "\n" #sym ":\n"                \
      ".incbin \"" HIRELM_WEB_DIR "/" file "\"\n"   \
      ".hidden " #sym "_end\n"                      \
      ".globl " #sym "_end\n" #sym "_end:\n"        \
      ".byte 0\n"                                   \
      ".popsection\n");                             \
  extern "C" const char sym[];                      \
  extern "C" const char sym##_end[]

HIRELM_WEB_INCBIN(hirelm_web_index_html, "index.html");
HIRELM_WEB_INCBIN(hirelm_web_app_css, "app.css");
HIRELM_WEB_INCBIN(hirelm_web_app_js, "app.js");
HIRELM_WEB_INCBIN(hirelm_web_dom_js, "dom.js");
HIRELM_WEB_INCBIN(hirelm_web_i18n_js, "i18n.js");
HIRELM_WEB_INCBIN(hirelm_web_login_js, "login.js");
HIRELM_WEB_INCBIN(hirelm_web_jobs_js, "jobs.js");
HIRELM_WEB_INCBIN(hirelm_web_job_edit_js, "job_edit.js");
HIRELM_WEB_INCBIN(hirelm_web_job_js, "job.js");
HIRELM_WEB_INCBIN(hirelm_web_upload_js, "upload.js");
HIRELM_WEB_INCBIN(hirelm_web_run_panel_js, "run_panel.js");
HIRELM_WEB_INCBIN(hirelm_web_ranked_table_js, "ranked_table.js");
HIRELM_WEB_INCBIN(hirelm_web_candidate_js, "candidate.js");
HIRELM_WEB_INCBIN(hirelm_web_highlight_js, "highlight.js");
HIRELM_WEB_INCBIN(hirelm_web_compare_js, "compare.js");

namespace hirelm::web {

namespace {

constexpr std::string_view kHtml = "text/html; charset=utf-8";
constexpr std::string_view kCss = "text/css; charset=utf-8";
constexpr std::string_view kJs = "text/javascript; charset=utf-8";

std::string_view bytes(const char* begin, const char* end) {
  return {begin, static_cast<size_t>(end - begin)};
}

}  // namespace

#define HIRELM_WEB_ASSET(path, type, sym) WebAsset{path, type, bytes(sym, sym##_end)}

const std::vector<WebAsset>& web_assets() {
  static const std::vector<WebAsset> assets = {
      HIRELM_WEB_ASSET("/", kHtml, hirelm_web_index_html),
      HIRELM_WEB_ASSET("/ui/app.css", kCss, hirelm_web_app_css),
      HIRELM_WEB_ASSET("/ui/app.js", kJs, hirelm_web_app_js),
      HIRELM_WEB_ASSET("/ui/dom.js", kJs, hirelm_web_dom_js),
      HIRELM_WEB_ASSET("/ui/i18n.js", kJs, hirelm_web_i18n_js),
      HIRELM_WEB_ASSET("/ui/login.js", kJs, hirelm_web_login_js),
      HIRELM_WEB_ASSET("/ui/jobs.js", kJs, hirelm_web_jobs_js),
      HIRELM_WEB_ASSET("/ui/job_edit.js", kJs, hirelm_web_job_edit_js),
      HIRELM_WEB_ASSET("/ui/job.js", kJs, hirelm_web_job_js),
      HIRELM_WEB_ASSET("/ui/upload.js", kJs, hirelm_web_upload_js),
      HIRELM_WEB_ASSET("/ui/run_panel.js", kJs, hirelm_web_run_panel_js),
      HIRELM_WEB_ASSET("/ui/ranked_table.js", kJs, hirelm_web_ranked_table_js),
      HIRELM_WEB_ASSET("/ui/candidate.js", kJs, hirelm_web_candidate_js),
      HIRELM_WEB_ASSET("/ui/highlight.js", kJs, hirelm_web_highlight_js),
      HIRELM_WEB_ASSET("/ui/compare.js", kJs, hirelm_web_compare_js),
  };
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
