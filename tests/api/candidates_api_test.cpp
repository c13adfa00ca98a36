// Candidates: ranking and each filter, detail, exports in three formats (parsed back), erasure.
#include <sstream>

#include "api_fixture.h"
#include "screening/pipeline/profile_json.h"
#include "screening/store/store.h"

namespace hirelm::api::testing {
namespace {

struct Stored {
  std::string name;
  std::optional<double> median;  // nullopt: no_score
  double min = 0, max = 0;
  std::vector<std::string> must;  // results, in the job's must_have order
  std::vector<std::string> flags;
  double years = 0;
};

class CandidatesApiTest : public ApiFixture {
 protected:
  // Uploads one resume per entry and stores profile/score/feedback results for each as a worker would.
  void SetUpCandidates(const std::vector<Stored>& people) {
    job_ = create_job();
    std::vector<FilePart> files;
    for (const auto& p : people) files.push_back({p.name + ".txt", resume_text(p.name)});
    auto r = upload("/api/jobs/" + std::to_string(job_) + "/documents", files, recruiter_);
    ASSERT_EQ(r->status, 200) << r->body;
    store::Store store(spec_);
    const Json uploaded = Json::parse(r->body)["files"];
    for (size_t i = 0; i < people.size(); ++i) {
      const Stored& p = people[i];
      const int64_t doc = uploaded[i]["document_id"].get<int64_t>();
      docs_.push_back(doc);
      candidates_.push_back(uploaded[i]["candidate_id"].get<int64_t>());
      profile::Profile prof;
      prof.name = p.name;
      prof.email = p.name + "@example.com";
      prof.years_of_experience = p.years;
      prof.highest_degree = "本科";
      store::StageResult profile_result{job_, doc, 0, "profile", "ok",
                                        Json{{"hash", "h"}, {"profile", screening::profile_to_json(prof)}}.dump(), {}, {}};
      profile_result.samples.push_back({0, 7, "thinking about the profile", "{}", "null"});
      store.save_stage_result(profile_result);
      Json must = Json::array();
      const char* requirements[] = {"3+ years of C++", "Bachelor's degree"};
      for (size_t k = 0; k < p.must.size(); ++k) must.push_back({{"requirement", requirements[k]}, {"result", p.must[k]}});
      Json value = {{"hash", "h"},
                    {"median", p.median ? Json(*p.median) : Json(nullptr)},
                    {"mean", p.median ? Json(*p.median) : Json(nullptr)},
                    {"min", p.median ? Json(p.min) : Json(nullptr)},
                    {"max", p.median ? Json(p.max) : Json(nullptr)},
                    {"samples", p.median ? Json({p.min, *p.median, p.max}) : Json({nullptr})},
                    {"criteria", {{{"name", "skills"}, {"score", 8}}, {{"name", "experience"}, {"score", 6}}}},
                    {"must_haves", must}};
      if (!p.median) value["no_score_reason"] = "no boxed score";
      store::StageResult score{job_, doc, 0, "score", p.median ? "scored" : "no_score", value.dump(), p.flags, {}};
      const double totals[] = {p.min, p.median.value_or(0), p.max};
      for (int k = 0; k < 3; ++k) {
        Json parsed = {{"total", p.median ? Json(totals[k]) : Json(nullptr)},
                       {"criteria", {{{"name", "skills"}, {"score", 8}, {"evidence", {{{"text", "replicated key-value store"}, {"verified", true}}}}}}}};
        score.samples.push_back({k, 100 + k, "reasoning " + std::to_string(k), "answer " + std::to_string(k), parsed.dump()});
      }
      store.save_stage_result(score);
      store.save_stage_result({job_, doc, 0, "feedback", "ok", Json{{"hash", "h"}, {"text", "Feedback for " + p.name}}.dump(), {}, {}});
    }
  }

  Json list(const std::string& query = "") {
    auto r = get("/api/jobs/" + std::to_string(job_) + "/candidates" + query, viewer_);
    EXPECT_EQ(r->status, 200) << query << " " << r->body;
    return Json::parse(r->body);
  }
  std::vector<std::string> names(const Json& body) {
    std::vector<std::string> out;
    for (const auto& c : body["candidates"]) out.push_back(c["name"].is_null() ? "" : c["name"].get<std::string>());
    return out;
  }

  int64_t job_ = 0;
  std::vector<int64_t> docs_, candidates_;
};

using Names = std::vector<std::string>;

TEST_P(CandidatesApiTest, RankedListAndEachFilter) {
  SetUpCandidates({{"Alice", 6.5, 6, 7, {"pass", "pass"}, {}, 4},
                   {"Bob", 8.0, 5, 9, {"pass", "fail"}, {"score_unreliable"}, 9},
                   {"Carol", std::nullopt, 0, 0, {}, {"no_score"}, 2},
                   {"Dan", 7.0, 7, 7, {"pass", "pass"}, {"years_mismatch", "score_unreliable"}, 12}});
  Json body = list();
  EXPECT_EQ(body["total"], 4);
  EXPECT_EQ(names(body), (Names{"Bob", "Dan", "Alice", "Carol"}));  // scored by median, then no_score
  EXPECT_EQ(body["candidates"][0]["rank"], 1);
  EXPECT_EQ(body["candidates"][0]["spread"], 4.0);
  EXPECT_EQ(body["candidates"][0]["score_min"], 5.0);
  EXPECT_EQ(body["candidates"][0]["must_haves_passed"], false);
  EXPECT_EQ(body["candidates"][1]["must_haves_passed"], true);
  EXPECT_EQ(body["candidates"][3]["status"], "no_score");
  EXPECT_TRUE(body["candidates"][3]["score"].is_null());

  EXPECT_EQ(names(list("?must_haves=pass")), (Names{"Dan", "Alice"}));
  EXPECT_EQ(names(list("?flag=score_unreliable")), (Names{"Bob", "Dan"}));
  EXPECT_EQ(names(list("?flag=score_unreliable&flag=years_mismatch")), (Names{"Dan"}));
  EXPECT_EQ(names(list("?no_flags=1")), (Names{"Alice"}));
  EXPECT_EQ(names(list("?min_score=6.8")), (Names{"Bob", "Dan"}));
  EXPECT_EQ(names(list("?max_score=7")), (Names{"Dan", "Alice"}));
  EXPECT_EQ(names(list("?status=no_score")), (Names{"Carol"}));
  EXPECT_EQ(names(list("?q=aro")), (Names{"Carol"}));
  EXPECT_EQ(names(list("?q=ALICE.TXT")), (Names{"Alice"}));
  EXPECT_EQ(names(list("?sort=name&order=asc")), (Names{"Alice", "Bob", "Carol", "Dan"}));
  EXPECT_EQ(names(list("?sort=spread&order=desc")), (Names{"Bob", "Alice", "Dan", "Carol"}));
  EXPECT_EQ(names(list("?sort=years")), (Names{"Dan", "Bob", "Alice", "Carol"}));
  EXPECT_EQ(names(list("?order=asc")), (Names{"Carol", "Alice", "Dan", "Bob"}));
  EXPECT_EQ(list("?min_score=7")["total"], 4);  // total counts before filters
  for (const char* bad : {"?min_score=abc", "?sort=age", "?order=up", "?status=great", "?must_haves=fail"}) {
    auto r = get("/api/jobs/" + std::to_string(job_) + "/candidates" + bad, viewer_);
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(error_code(r), "invalid_request");
  }
}

TEST_P(CandidatesApiTest, DetailHasProfileCriteriaEvidenceSamplesAndDocument) {
  SetUpCandidates({{"Alice", 6.5, 6, 7, {"pass", "pass"}, {}, 4}});
  auto r = get("/api/jobs/" + std::to_string(job_) + "/candidates/" + std::to_string(candidates_[0]), viewer_);
  ASSERT_EQ(r->status, 200) << r->body;
  const Json c = Json::parse(r->body)["candidate"];
  EXPECT_EQ(c["name"], "Alice");
  EXPECT_EQ(c["profile"]["name"], "Alice");
  EXPECT_EQ(c["contact"]["email"], "Alice@example.com");
  ASSERT_EQ(c["criteria"].size(), 2u);
  EXPECT_EQ(c["criteria"][0]["name"], "skills");
  EXPECT_EQ(c["criteria"][0]["weight"], 3.0);
  EXPECT_EQ(c["criteria"][0]["score"], 8);
  ASSERT_EQ(c["criteria"][0]["evidence"].size(), 1u);  // the same quote in three samples, once
  EXPECT_EQ(c["criteria"][0]["evidence"][0]["quote"], "replicated key-value store");
  EXPECT_EQ(c["criteria"][0]["evidence"][0]["verified"], true);
  ASSERT_EQ(c["samples"].size(), 3u);
  EXPECT_EQ(c["samples"][2]["score"], 7.0);
  EXPECT_EQ(c["samples"][2]["seed"], 102);
  EXPECT_EQ(c["reasoning"], "reasoning 1");  // the sample at the median
  EXPECT_EQ(c["feedback"], "Feedback for Alice");
  EXPECT_EQ(c["document"]["id"], docs_[0]);
  EXPECT_NE(c["document"]["text"].get<std::string>().find("replicated key-value store"), std::string::npos);
  EXPECT_TRUE(c["duplicate_of"].is_null());
  EXPECT_EQ(get("/api/jobs/" + std::to_string(job_) + "/candidates/999999", viewer_)->status, 404);
}

TEST_P(CandidatesApiTest, ExportInThreeFormats) {
  SetUpCandidates({{"Alice", 6.5, 6, 7, {"pass", "pass"}, {}, 4}, {"Bob", 8.0, 5, 9, {"pass", "fail"}, {}, 9}});
  const std::string base = "/api/jobs/" + std::to_string(job_) + "/export";
  EXPECT_EQ(get(base + "?format=csv", viewer_)->status, 403);

  auto r = get(base + "?format=json", recruiter_);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->get_header_value("Content-Disposition").find(".json"), std::string::npos);
  const Json exported = Json::parse(r->body);
  ASSERT_EQ(exported["candidates"].size(), 2u);
  EXPECT_EQ(exported["candidates"][0]["name"], "Bob");
  EXPECT_EQ(exported["candidates"][0]["score"]["median"], 8.0);
  EXPECT_EQ(exported["candidates"][1]["feedback"], "Feedback for Alice");

  r = get(base + "?format=csv", recruiter_);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  std::string csv = r->body;
  if (csv.rfind("\xEF\xBB\xBF", 0) == 0) csv = csv.substr(3);
  std::istringstream lines(csv);
  std::string header, row1, row2;
  std::getline(lines, header);
  std::getline(lines, row1);
  std::getline(lines, row2);
  EXPECT_EQ(header.rfind("file,status,name", 0), 0u) << header;
  EXPECT_EQ(row1.rfind("Bob.txt,scored,Bob", 0), 0u) << row1;
  EXPECT_EQ(row2.rfind("Alice.txt,scored,Alice", 0), 0u) << row2;

  r = get(base + "?format=xlsx", recruiter_);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->body.substr(0, 4), std::string("PK\x03\x04", 4));
  EXPECT_GT(r->body.size(), 1000u);
  EXPECT_EQ(get(base + "?format=pdf", recruiter_)->status, 400);
}

TEST_P(CandidatesApiTest, ErasureLeavesOnlyTheAuditLine) {
  SetUpCandidates({{"Alice", 6.5, 6, 7, {"pass", "pass"}, {}, 4}, {"Bob", 8.0, 5, 9, {"pass", "fail"}, {}, 9}});
  const std::string target = "/api/candidates/" + std::to_string(candidates_[0]);
  EXPECT_EQ(del(target, viewer_, "{}")->status, 403);
  auto r = del(target, recruiter_, R"({"reason": "candidate asked"})");
  ASSERT_EQ(r->status, 204) << r->body;
  EXPECT_EQ(del(target, recruiter_, "{}")->status, 404);
  EXPECT_EQ(names(list()), (Names{"Bob"}));
  EXPECT_EQ(get("/api/documents/" + std::to_string(docs_[0]) + "/original", viewer_)->status, 404);
  EXPECT_EQ(get("/api/jobs/" + std::to_string(job_) + "/candidates/" + std::to_string(candidates_[0]), viewer_)->status, 404);
  // Nothing of Alice stays in the database but the audit line with ids and hashes.
  auto db = db::open(spec_);
  for (const char* sql : {"SELECT COUNT(*) FROM documents WHERE text LIKE '%Alice%'", "SELECT COUNT(*) FROM originals WHERE document_id = ?",
                          "SELECT COUNT(*) FROM results WHERE document_id = ?", "SELECT COUNT(*) FROM job_documents WHERE document_id = ?"}) {
    auto q = db->prepare(sql);
    if (std::string(sql).find('?') != std::string::npos) q->bind(1, docs_[0]);
    ASSERT_TRUE(q->step());
    EXPECT_EQ(q->int64(0), 0) << sql;
  }
  r = get("/api/audit?limit=5", admin_);
  ASSERT_EQ(r->status, 200);
  const Json entries = Json::parse(r->body)["entries"];
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0]["action"], "candidate.erase");
  EXPECT_EQ(entries[0]["subject"], "candidate:" + std::to_string(candidates_[0]));
  EXPECT_EQ(entries[0]["actor"], "recruiter");
  EXPECT_EQ(entries[0]["detail"].dump().find("Alice"), std::string::npos);
}

TEST_P(CandidatesApiTest, DeletingAJobErasesItsDocuments) {
  SetUpCandidates({{"Alice", 6.5, 6, 7, {"pass", "pass"}, {}, 4}});
  auto r = post_json("/api/jobs/" + std::to_string(job_) + "/runs", Json::object(), recruiter_);
  ASSERT_EQ(r->status, 202);
  ASSERT_EQ(del("/api/jobs/" + std::to_string(job_), admin_)->status, 204);
  auto db = db::open(spec_);
  for (const char* sql : {"SELECT COUNT(*) FROM documents", "SELECT COUNT(*) FROM originals", "SELECT COUNT(*) FROM results",
                          "SELECT COUNT(*) FROM samples", "SELECT COUNT(*) FROM tasks", "SELECT COUNT(*) FROM runs",
                          "SELECT COUNT(*) FROM candidates"}) {
    auto q = db->prepare(sql);
    ASSERT_TRUE(q->step());
    EXPECT_EQ(q->int64(0), 0) << sql;
  }
  r = get("/api/audit", admin_);
  EXPECT_EQ(Json::parse(r->body)["entries"][0]["action"], "job.delete");
}

INSTANTIATE_TEST_SUITE_P(Backends, CandidatesApiTest, ::testing::ValuesIn(db::testing::test_backends()),
                         db::testing::backend_param_name);

}  // namespace
}  // namespace hirelm::api::testing
