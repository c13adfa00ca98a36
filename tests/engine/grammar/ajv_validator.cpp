#include "ajv_validator.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "support/reference.h"

namespace hirelm::test {

namespace fs = std::filesystem;

std::string source_path(const std::string& rel) { return std::string(HIRELM_SOURCE_DIR) + "/" + rel; }

nlohmann::ordered_json resume_schema() {
  std::ifstream in(source_path("src/engine/grammar/resume_schema.json"));
  return nlohmann::ordered_json::parse(in);
}

bool ajv_available(std::string* why) {
  if (!fs::exists(source_path("node_modules/ajv")) || !fs::exists(source_path("node_modules/ajv-formats"))) {
    *why = "node_modules/ajv or ajv-formats is missing (run `npm ci` in the repository root)";
    return false;
  }
  std::string out;
  if (run_command("node --version", "", &out) != 0) {
    *why = "node is not installed";
    return false;
  }
  return true;
}

nlohmann::ordered_json run_ajv(const std::vector<nlohmann::ordered_json>& schemas,
                               const std::vector<std::pair<size_t, std::string>>& outputs) {
  using Json = nlohmann::ordered_json;
  std::string dir = (fs::temp_directory_path() / "hirelm_ajv_XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + dir);
  {
    std::ofstream s(dir + "/schemas.json");
    s << Json{{"schemas", schemas}}.dump();
    std::ofstream o(dir + "/outputs.jsonl");
    for (const auto& [i, text] : outputs) o << Json{{"schema", i}, {"output", text}}.dump() << "\n";
  }
  std::string out;
  const int rc = run_command("node " + source_path("tests/engine/grammar/validate_outputs.js") + " " + dir +
                                 "/schemas.json " + dir + "/outputs.jsonl",
                             "", &out);
  fs::remove_all(dir);
  EXPECT_EQ(rc, 0) << out;
  return rc == 0 ? Json::parse(out) : Json{{"records", 0}, {"failures", -1}};
}

}  // namespace hirelm::test
