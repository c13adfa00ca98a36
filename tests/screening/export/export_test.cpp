#include "screening/export/export.h"

#include <gtest/gtest.h>
#include <pugixml.hpp>
#include <unistd.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/error.h"

namespace hirelm::exports {
namespace {

std::vector<ExportCandidate> sample_candidates() {
  ExportCandidate a;
  a.file = "resumes/张三.pdf";
  a.status = "scored";
  a.name = "张三";
  a.email = "zhangsan@example.com";
  a.phone = "+86 138 0013 8000";  // starts with '+': a formula to a spreadsheet unless defused
  a.years_of_experience = 6.5;
  a.highest_degree = "硕士";
  a.tech_stack = {"C++", "CUDA"};
  a.projects = {"推理引擎, 高性能", "He said \"fast\"", "第三个"};
  a.score = {7.5, 7.3333333, 6, 8.5, {6, 7.5, 8.5}};
  a.must_haves = {{"C++", "pass"}, {"分布式", "unclear"}};
  a.flags = {"years_mismatch"};
  a.feedback = "您好，\n感谢投递。优势：……\r\n建议：=SUM(A1)";
  ExportCandidate b;
  b.file = "resumes/bad.docx";
  b.status = "error";
  b.error = "corrupt DOCX: missing word/document.xml";
  b.flags = {"empty_document"};
  ExportCandidate c;
  c.file = "resumes/li.txt";
  c.status = "no_score";
  c.name = "Li";
  c.score.samples = {std::nullopt, std::nullopt};
  c.flags = {"no_score"};
  return {a, b, c};
}

// RFC 4180 reader: records of fields; quoted fields may hold commas, quotes ("") and line breaks.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, field_started = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && !field_started) {
      quoted = field_started = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
      field_started = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(field);
      field.clear();
      field_started = false;
      rows.emplace_back();
      ++i;
    } else {
      EXPECT_NE(c, '\n') << "bare LF outside quotes at byte " << i;
      field += c;
      field_started = true;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quote";
  if (rows.back().empty() && field.empty()) rows.pop_back();
  return rows;
}

TEST(CsvExport, BomCrlfQuotingAndEveryColumn) {
  std::ostringstream out;
  write_csv(out, {"Backend", "job.md"}, sample_candidates());
  const std::string text = out.str();
  ASSERT_TRUE(text.starts_with("\xEF\xBB\xBF"));
  const auto rows = parse_csv(text.substr(3));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], export_columns());
  for (const auto& r : rows) EXPECT_EQ(r.size(), export_columns().size());
  std::map<std::string, std::string> a;
  for (size_t i = 0; i < rows[0].size(); ++i) a[rows[0][i]] = rows[1][i];
  EXPECT_EQ(a["file"], "resumes/张三.pdf");
  EXPECT_EQ(a["name"], "张三");
  EXPECT_EQ(a["phone"], "'+86 138 0013 8000");  // defused formula
  EXPECT_EQ(a["years_of_experience"], "6.5");
  EXPECT_EQ(a["projects"], "推理引擎, 高性能\nHe said \"fast\"\n第三个");
  EXPECT_EQ(a["score_median"], "7.5");
  EXPECT_EQ(a["score_mean"], "7.33");
  EXPECT_EQ(a["score_min"], "6");
  EXPECT_EQ(a["score_samples"], "6; 7.5; 8.5");
  EXPECT_EQ(a["must_haves"], "C++: pass; 分布式: unclear");
  EXPECT_EQ(a["feedback"], "您好，\n感谢投递。优势：……\r\n建议：=SUM(A1)");
  EXPECT_EQ(rows[2][1], "error");
  EXPECT_EQ(rows[2].back(), "corrupt DOCX: missing word/document.xml");
  EXPECT_EQ(rows[3][13], "n/a; n/a");  // no-score samples
  EXPECT_EQ(rows[3][9], "");       // null median is an empty cell
}

TEST(JsonExport, FollowsTheContract) {
  std::ostringstream out;
  write_json(out, {"Backend", "job.md"}, sample_candidates());
  const auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["job"]["title"], "Backend");
  ASSERT_EQ(j["candidates"].size(), 3u);
  for (const auto& c : j["candidates"]) {
    for (const char* key : {"file", "status", "name", "email", "phone", "years_of_experience", "highest_degree",
                            "tech_stack", "projects", "score", "must_haves", "flags", "feedback"}) {
      EXPECT_TRUE(c.contains(key)) << key;
    }
    for (const char* key : {"median", "mean", "min", "max", "samples"}) EXPECT_TRUE(c["score"].contains(key));
    EXPECT_TRUE(c["status"] == "scored" || c["status"] == "no_score" || c["status"] == "error");
    EXPECT_LE(c["projects"].size(), 3u);
  }
  const auto& a = j["candidates"][0];
  EXPECT_EQ(a["years_of_experience"], 6.5);
  EXPECT_EQ(a["highest_degree"], "硕士");
  EXPECT_EQ(a["score"]["median"], 7.5);
  EXPECT_EQ(a["score"]["samples"], nlohmann::json::parse("[6, 7.5, 8.5]"));
  EXPECT_EQ(a["must_haves"][1]["result"], "unclear");
  EXPECT_EQ(a["phone"], "+86 138 0013 8000");  // JSON keeps values exactly
  const auto& b = j["candidates"][1];
  EXPECT_TRUE(b["name"].is_null());
  EXPECT_TRUE(b["years_of_experience"].is_null());
  EXPECT_TRUE(b["score"]["median"].is_null());
  EXPECT_EQ(b["error"], "corrupt DOCX: missing word/document.xml");
  EXPECT_FALSE(j["candidates"][0].contains("error"));
  EXPECT_TRUE(j["candidates"][2]["score"]["samples"][0].is_null());
}

TEST(JsonExport, InvalidUtf8BecomesReplacementCharacter) {
  ExportCandidate c;
  c.file = "x";
  c.status = "scored";
  c.feedback = "ok \xff\xfe end";
  std::ostringstream out;
  write_json(out, {}, {c});
  const auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["candidates"][0]["feedback"], "ok \xEF\xBF\xBD\xEF\xBF\xBD end");
}

std::string zip_entry(const std::string& path, const char* name) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  EXPECT_NE(z, nullptr);
  if (!z) return "";
  zip_stat_t st;
  std::string out;
  if (zip_stat(z, name, 0, &st) == 0) {
    zip_file_t* f = zip_fopen(z, name, 0);
    out.resize(st.size);
    EXPECT_EQ(zip_fread(f, out.data(), st.size), static_cast<zip_int64_t>(st.size));
    zip_fclose(f);
  }
  zip_close(z);
  return out;
}

// Cell values by reference ("A1") from sheet XML and the shared-string table.
std::map<std::string, std::string> read_sheet(const std::string& sheet_xml, const std::string& strings_xml) {
  std::vector<std::string> shared;
  pugi::xml_document sdoc;
  EXPECT_TRUE(sdoc.load_string(strings_xml.c_str()));
  for (auto si : sdoc.child("sst").children("si")) {
    std::string s;
    for (auto t : si.select_nodes(".//t")) s += t.node().text().get();
    shared.push_back(s);
  }
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(sheet_xml.c_str()));
  std::map<std::string, std::string> cells;
  for (auto row : doc.child("worksheet").child("sheetData").children("row")) {
    for (auto c : row.children("c")) {
      const std::string v = c.child("v").text().get();
      cells[c.attribute("r").value()] = std::string(c.attribute("t").value()) == "s" ? shared.at(std::stoul(v)) : v;
    }
  }
  return cells;
}

TEST(XlsxExport, SheetHoldsEveryValue) {
  const std::string path = ::testing::TempDir() + "/hirelm_export_" + std::to_string(getpid()) + ".xlsx";
  auto cands = sample_candidates();
  cands[2].feedback = std::string("bad \x01 control and \xff byte");
  write_export(path, {"Backend", "job.md"}, cands);
  const auto cells = read_sheet(zip_entry(path, "xl/worksheets/sheet1.xml"), zip_entry(path, "xl/sharedStrings.xml"));
  EXPECT_EQ(cells.at("A1"), "file");
  EXPECT_EQ(cells.at("R1"), "error");
  EXPECT_EQ(cells.at("A2"), "resumes/张三.pdf");
  EXPECT_EQ(cells.at("C2"), "张三");
  EXPECT_EQ(cells.at("E2"), "+86 138 0013 8000");  // typed as text: no formula risk in XLSX
  EXPECT_EQ(std::stod(cells.at("F2")), 6.5);       // numbers are numbers
  EXPECT_EQ(std::stod(cells.at("J2")), 7.5);
  EXPECT_EQ(cells.at("I2"), "推理引擎, 高性能\nHe said \"fast\"\n第三个");
  EXPECT_EQ(cells.at("B3"), "error");
  EXPECT_EQ(cells.count("J3"), 0u);  // null score: empty cell
  EXPECT_EQ(cells.at("Q4"), "bad \xEF\xBF\xBD control and \xEF\xBF\xBD byte");
  const auto job = read_sheet(zip_entry(path, "xl/worksheets/sheet2.xml"), zip_entry(path, "xl/sharedStrings.xml"));
  EXPECT_EQ(job.at("B1"), "Backend");
  std::filesystem::remove(path);
}

TEST(Export, DispatchByExtensionAndErrors) {
  const std::string dir = ::testing::TempDir() + "/hirelm_export_dir_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  write_export(dir + "/out.CSV", {}, sample_candidates());
  write_export(dir + "/out.json", {}, sample_candidates());
  EXPECT_TRUE(std::filesystem::exists(dir + "/out.CSV"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/out.CSV.tmp"));
  std::ifstream in(dir + "/out.json");
  const auto parsed = nlohmann::json::parse(in, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded());
  EXPECT_EQ(parsed["candidates"].size(), 3u);
  EXPECT_THROW(write_export(dir + "/out.txt", {}, {}), UnsupportedError);
  EXPECT_THROW(write_export(dir + "/missing/out.csv", {}, {}), IoError);
  EXPECT_THROW(write_export(dir + "/missing/out.xlsx", {}, {}), IoError);
  std::filesystem::remove_all(dir);
}

TEST(Export, RankingPutsScoredFirstByMedian) {
  std::vector<ExportCandidate> v(5);
  v[0].status = "error";
  v[0].file = "e";
  v[1].status = "scored";
  v[1].file = "low";
  v[1].score.median = 5;
  v[2].status = "no_score";
  v[2].file = "n";
  v[3].status = "scored";
  v[3].file = "high";
  v[3].score.median = 8;
  v[3].score.mean = 7.5;
  v[4].status = "scored";
  v[4].file = "high2";
  v[4].score.median = 8;
  v[4].score.mean = 7.9;
  rank_candidates(v);
  std::vector<std::string> order;
  for (const auto& c : v) order.push_back(c.file);
  EXPECT_EQ(order, (std::vector<std::string>{"high2", "high", "low", "n", "e"}));
}

}  // namespace
}  // namespace hirelm::exports
