// `hirelm extract` end to end through the built binary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "fixture_writers.h"
#include "support/reference.h"

namespace hirelm {
namespace {

TEST(CliExtract, TextModeSeparatesDocumentsWithFormFeed) {
  const std::string a = test::write_temp_file("a.txt", "First resume");
  const std::string b = test::write_temp_file("b.html", "<html><body><p>Second</p><p>resume</p></body></html>");
  std::string out;
  const int status = test::run_command(test::hirelm_binary() + " extract " + a + " " + b + " 2>/dev/null", "", &out);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out, "First resume\n\f\nSecond\nresume\n");
}

TEST(CliExtract, JsonModeReportsErrorsPerFileAndExits2) {
  const std::string good = test::write_temp_file("good.docx", test::make_docx(test::docx_paragraph("张三 简历")));
  const std::string bad = test::write_temp_file("bad.docx", "PK\x03\x04 this is not a zip");
  std::string out;
  const int status =
      test::run_command(test::hirelm_binary() + " extract --json " + good + " " + bad + " /nonexistent.pdf 2>/dev/null", "", &out);
  EXPECT_EQ(status, 2);
  std::istringstream lines(out);
  std::string line;
  std::vector<nlohmann::json> objects;
  while (std::getline(lines, line)) objects.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_EQ(objects[0]["path"], good);
  EXPECT_EQ(objects[0]["text"], "张三 简历");
  EXPECT_EQ(objects[0]["method"], "docx");
  EXPECT_EQ(objects[0]["language"], "zh");
  EXPECT_EQ(objects[0]["pages"], 1);
  EXPECT_EQ(objects[0]["content_hash"].get<std::string>().rfind("sha256:", 0), 0u);
  EXPECT_EQ(objects[0]["warnings"][0]["code"], "very_short");
  EXPECT_EQ(objects[1]["path"], bad);
  EXPECT_NE(objects[1]["error"].get<std::string>().find("zip"), std::string::npos);
  EXPECT_EQ(objects[2]["path"], "/nonexistent.pdf");
  EXPECT_TRUE(objects[2].contains("error"));
}

}  // namespace
}  // namespace hirelm
