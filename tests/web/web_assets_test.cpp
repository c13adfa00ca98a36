// The embedded web UI: every file of src/web that the UI loads is embedded byte for byte under the path
// the page asks for, with the right content type, and index.html and the modules refer only to embedded
// files (a module imported but not embedded would fail only in a browser, at run time).
#include "web/web_assets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace hirelm::web {
namespace {

const std::string kWebDir = HIRELM_WEB_SOURCE_DIR;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The source file of an asset path: "/" -> index.html, "/ui/x" -> x.
std::string source_file(std::string_view path) {
  if (path == "/") return kWebDir + "/index.html";
  EXPECT_EQ(path.substr(0, 4), "/ui/") << path;
  return kWebDir + "/" + std::string(path.substr(4));
}

std::string expected_type(std::string_view path) {
  if (path == "/" || path.ends_with(".html")) return "text/html; charset=utf-8";
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  if (path.ends_with(".js")) return "text/javascript; charset=utf-8";
  return "?";
}

TEST(WebAssets, IndexComesFirstAndEveryOtherAssetIsUnderUi) {
  const auto& assets = web_assets();
  ASSERT_FALSE(assets.empty());
  EXPECT_EQ(assets.front().path, "/");
  std::set<std::string_view> seen;
  for (const WebAsset& a : assets) {
    EXPECT_TRUE(seen.insert(a.path).second) << "listed twice: " << a.path;
    if (a.path != "/") {
      EXPECT_TRUE(a.path.starts_with("/ui/")) << a.path;
    }
    EXPECT_EQ(find_web_asset(a.path), &a);
  }
  EXPECT_EQ(find_web_asset("/ui/missing.js"), nullptr);
  EXPECT_EQ(find_web_asset("/index.html"), nullptr);
}

TEST(WebAssets, BodiesAreTheSourceFilesByteForByte) {
  for (const WebAsset& a : web_assets()) {
    const std::string source = read_file(source_file(a.path));
    ASSERT_FALSE(source.empty()) << a.path;
    EXPECT_EQ(a.body, source) << a.path << " differs from " << source_file(a.path);
  }
}

TEST(WebAssets, ContentTypesMatchTheFileKind) {
  for (const WebAsset& a : web_assets()) {
    EXPECT_EQ(a.content_type, expected_type(a.path)) << a.path;
  }
}

TEST(WebAssets, IndexLoadsOnlyEmbeddedFilesAndNoCdn) {
  const std::string index(find_web_asset("/")->body);
  const std::regex ref(R"re((?:src|href)="([^"]*)")re");
  int local = 0;
  for (auto it = std::sregex_iterator(index.begin(), index.end(), ref); it != std::sregex_iterator(); ++it) {
    const std::string url = (*it)[1];
    if (url.starts_with("data:")) continue;
    EXPECT_EQ(url.find("//"), std::string::npos) << "index.html loads from another origin: " << url;
    EXPECT_NE(find_web_asset("/" + url), nullptr) << "index.html refers to " << url << ", which is not embedded";
    ++local;
  }
  EXPECT_GE(local, 2) << "index.html should load ui/app.css and ui/app.js";
  EXPECT_NE(index.find("Content-Security-Policy"), std::string::npos);
}

TEST(WebAssets, EveryModuleImportIsEmbedded) {
  const std::regex import_from(R"re((?:import|export)[^;'"]*?from\s+'([^']+)')re");
  int imports = 0;
  for (const WebAsset& a : web_assets()) {
    if (!a.path.ends_with(".js")) continue;
    const std::string body(a.body);
    for (auto it = std::sregex_iterator(body.begin(), body.end(), import_from); it != std::sregex_iterator(); ++it) {
      const std::string spec = (*it)[1];
      ASSERT_TRUE(spec.starts_with("./")) << a.path << " imports " << spec << " (only relative modules exist)";
      EXPECT_NE(find_web_asset("/ui/" + spec.substr(2)), nullptr) << a.path << " imports " << spec;
      ++imports;
    }
  }
  EXPECT_GE(imports, 10);
}

TEST(WebAssets, EveryUiFileOfTheFolderIsEmbedded) {
  // A file added to src/web but not to web_assets.cpp would be silently missing from the binary.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kWebDir)) {
    const std::string name = entry.path().filename().string();
    if (name == "index.html") continue;
    if (!name.ends_with(".js") && !name.ends_with(".css") && !name.ends_with(".html")) continue;
    EXPECT_NE(find_web_asset("/ui/" + name), nullptr) << "src/web/" << name << " is not embedded";
    ++files;
  }
  EXPECT_EQ(files + 1, static_cast<int>(web_assets().size()));
}

TEST(WebAssets, ScriptsNeverAssignInnerHtml) {
  // Data reaches the page only as text nodes (dom.js); innerHTML/outerHTML/insertAdjacentHTML would let a
  // resume's text become markup.
  for (const WebAsset& a : web_assets()) {
    if (!a.path.ends_with(".js")) continue;
    const std::string body(a.body);
    for (const char* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("}) {
      EXPECT_EQ(body.find(sink), std::string::npos) << a.path << " uses " << sink;
    }
  }
}

}  // namespace
}  // namespace hirelm::web
