// `hirelm screen` end to end through the built binary against the scripted OpenAI-compatible server
// (tests/llm/scripted_llm_server.h): a run killed with SIGKILL mid-batch and run again loses nothing, redoes
// nothing that was stored and duplicates nothing; and the documented exit codes and messages of bad input.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "llm/scripted_llm_server.h"
#include "screening/job/job.h"
#include "screening/store/store.h"
#include "support/reference.h"

namespace hirelm {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kCandidates = 5;
constexpr int kSamples = 2;
constexpr int kReplyDelayMs = 60;  // slow enough to poll the store between two stored results

const char* kJob =
    "---\n"
    "title: Backend Engineer\n"
    "must_have:\n"
    "  - C++\n"
    "---\n"
    "# Backend Engineer\n\nWe build low-latency C++ services.\n";

enum class Stage { kProfile, kScore, kFeedback };

Stage stage_of(const json& request) {
  if (request.contains("response_format")) return Stage::kProfile;
  return test::request_text(request).find("interview feedback") != std::string::npos ? Stage::kFeedback : Stage::kScore;
}

const char* stage_name(Stage s) {
  switch (s) {
    case Stage::kProfile:
      return "profile";
    case Stage::kScore:
      return "score";
    case Stage::kFeedback:
      return "feedback";
  }
  return "";
}

// The candidate a request is about: the resume's "Name:" line (the resume comes last in every prompt).
std::string candidate_of(const json& request) {
  const std::string text = test::request_text(request);
  const size_t p = text.rfind("\nName: ");
  if (p == std::string::npos) return "";
  const size_t b = p + 7;
  return text.substr(b, text.find('\n', b) - b);
}

// Realistic R1-style replies for every stage; counts the requests per (stage, candidate).
class Script {
 public:
  test::ScriptedReply operator()(const json& request, int /*call*/) {
    const Stage stage = stage_of(request);
    const std::string name = candidate_of(request);
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++calls_[{stage_name(stage), name}];
    }
    test::ScriptedReply reply;
    reply.delay_ms = kReplyDelayMs;
    if (stage == Stage::kScore && name == fail_score_for_) {
      reply.status = 400;  // a client error: the client does not retry it
      reply.body = R"({"error":{"message":"bad request","type":"invalid_request_error"}})";
      return reply;
    }
    switch (stage) {
      case Stage::kProfile: {
        const json profile = {{"name", name},
                              {"email", name + "@example.com"},
                              {"phone", nullptr},
                              {"years_of_experience", 6},
                              {"highest_degree", "本科"},
                              {"degree_raw", "B.Sc."},
                              {"tech_stack", {{"languages", {"C++"}}, {"frameworks", json::array()}}},
                              {"projects", json::array()},
                              {"education", json::array()},
                              {"work_history", json::array()}};
        reply.body = test::r1_completion("Extracting the fields.", profile.dump());
        break;
      }
      case Stage::kScore:
        reply.body = test::r1_completion("Skills look strong; maybe \\boxed{3}? No, higher.",
                                         "skills: 8/10\nevidence: \"6 years of C++ at Acme\"\nexperience: 7\n"
                                         "education: 6\nmust_have 1: pass\n\\boxed{7}");
        break;
      case Stage::kFeedback:
        reply.body = test::r1_completion("Writing feedback.", "Feedback: Strong C++ background.");
        break;
    }
    return reply;
  }

  // Requests so far for `stage` about `name`.
  int calls(const std::string& stage, const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = calls_.find({stage, name});
    return it == calls_.end() ? 0 : it->second;
  }
  void reset() {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.clear();
  }
  // Score requests about `name` fail with HTTP 400 ("" = none).
  void fail_score_for(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_score_for_ = name;
  }

 private:
  std::string fail_score_for_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, int> calls_;
};

// The cells of one CSV record (RFC 4180 quoting; the record holds no line break).
std::vector<std::string> csv_cells(const std::string& record) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < record.size(); ++i) {
    const char c = record[i];
    if (quoted) {
      if (c == '"' && i + 1 < record.size() && record[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  return cells;
}

class ScreenCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hirelm_screen_cli_" + std::to_string(::getpid()) + "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "resumes");
    std::ofstream(dir_ / "job.md") << kJob;
    for (int i = 0; i < kCandidates; ++i) {
      const std::string name = "cand" + std::to_string(i);
      std::ofstream(dir_ / "resumes" / (name + ".txt"))
          << "Curriculum Vitae\nName: " << name << "\nEmail: " << name << "@example.com\n"
          << "Experience: 6 years of C++ at Acme Corp building an order matching engine.\n"
          << "Education: B.Sc. Computer Science, 2016. Skills: C++, Python, Linux.\n";
      names_.push_back(name);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> screen_args(const std::string& url, const std::string& job) const {
    return {test::hirelm_binary(), "screen", "--job", job, "--resumes", (dir_ / "resumes").string(),
            "--llm-url", url, "--llm-concurrency", "1", "--samples", std::to_string(kSamples),
            "--db", db_path(), "--out", (dir_ / "out.csv").string(), "--lang", "en",
            "--prompts", std::string(HIRELM_SOURCE_DIR) + "/prompts", "--no-ocr", "--quiet"};
  }

  // Starts the binary with stdout and stderr going to files in the test folder.
  pid_t spawn(const std::vector<std::string>& args) const {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const std::string out = (dir_ / "stdout.txt").string();
    const std::string err = (dir_ / "stderr.txt").string();
    const pid_t pid = ::fork();
    if (pid == 0) {
      const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (o < 0 || e < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0) ::_exit(127);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    return pid;
  }

  // Runs the binary to the end; returns its exit status (-1 when it did not exit normally).
  int run(const std::vector<std::string>& args) const {
    const pid_t pid = spawn(args);
    if (pid < 0) return -1;
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string stderr_text() const {
    std::ifstream in(dir_ / "stderr.txt", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::string db_path() const { return (dir_ / "hirelm.db").string(); }

  // The candidate names (resume file stems) whose `stage` result is stored.
  std::set<std::string> stored(store::Store& db, const std::string& stage) const {
    std::set<std::string> out;
    for (const auto& d : db.load_results(job_id(db))) {
      if (d.stage(stage) != nullptr) out.insert(fs::path(d.path).stem().string());
    }
    return out;
  }

  int64_t job_id(store::Store& db) const {
    const screening::Job job = screening::load_job((dir_ / "job.md").string());
    return db.upsert_job({job.content_hash, job.title, job.description, (dir_ / "job.md").string()});
  }

  fs::path dir_;
  std::vector<std::string> names_;
};

TEST_F(ScreenCli, KillDashNineThenRerunLosesRepeatsAndDuplicatesNothing) {
  Script script;
  test::ScriptedLlmServer server([&](const json& req, int call) { return script(req, call); });
  const auto args = screen_args(server.url(), (dir_ / "job.md").string());

  // First run: killed with SIGKILL once some, but not all, candidates' scores are stored.
  const pid_t child = spawn(args);
  ASSERT_GT(child, 0);
  bool exited_early = false;
  {
    std::unique_ptr<store::Store> db;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(child, &status, WNOHANG) == child) {
        exited_early = true;
        break;
      }
      // The child opened (and migrated) the store before its first request, so opening it here is safe.
      if (!db && server.calls() > 0) db = std::make_unique<store::Store>(db_path());
      if (db && !stored(*db, "score").empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  ASSERT_FALSE(exited_early) << "the first run finished before it could be killed\n" << stderr_text();
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  std::map<std::string, std::set<std::string>> before;
  {
    store::Store db(db_path());
    for (const char* stage : {"profile", "score", "feedback"}) before[stage] = stored(db, stage);
  }
  ASSERT_GE(before["score"].size(), 1u);
  ASSERT_LT(before["score"].size(), static_cast<size_t>(kCandidates)) << "killed after the last score was stored";
  EXPECT_EQ(before["profile"].size(), static_cast<size_t>(kCandidates));  // the profile stage ran first
  EXPECT_FALSE(fs::exists(dir_ / "out.csv"));

  // Second run: the same command completes the batch.
  script.reset();
  ASSERT_EQ(run(args), 0) << stderr_text();
  for (const std::string& name : names_) {
    SCOPED_TRACE(name);
    EXPECT_EQ(script.calls("profile", name), before["profile"].count(name) ? 0 : 1);
    EXPECT_EQ(script.calls("score", name), before["score"].count(name) ? 0 : kSamples);
    EXPECT_EQ(script.calls("feedback", name), before["feedback"].count(name) ? 0 : 1);
  }

  // The store holds every candidate once, with one result per stage and exactly kSamples score samples.
  {
    store::Store db(db_path());
    const auto results = db.load_results(job_id(db));
    ASSERT_EQ(results.size(), static_cast<size_t>(kCandidates));
    std::set<std::string> paths;
    for (const auto& d : results) {
      SCOPED_TRACE(d.path);
      EXPECT_TRUE(paths.insert(d.path).second) << "document stored twice";
      std::map<std::string, int> per_stage;
      for (const auto& s : d.stages) ++per_stage[s.stage];
      for (const char* stage : {"profile", "score", "feedback"}) EXPECT_EQ(per_stage[stage], 1) << stage;
      ASSERT_NE(d.stage("score"), nullptr);
      EXPECT_EQ(d.stage("score")->status, "scored");
      EXPECT_EQ(d.stage("score")->samples.size(), static_cast<size_t>(kSamples));
    }
  }

  // The CSV export lists every candidate exactly once, scored.
  std::ifstream in(dir_ / "out.csv", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string csv = ss.str();
  ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u) << "UTF-8 BOM for Excel";
  csv.erase(0, 3);
  std::vector<std::string> rows;
  for (size_t start = 0; start < csv.size();) {
    const size_t end = csv.find("\r\n", start);
    ASSERT_NE(end, std::string::npos) << "every record ends in CRLF";
    rows.push_back(csv.substr(start, end - start));
    start = end + 2;
  }
  ASSERT_EQ(rows.size(), 1u + kCandidates);
  const std::vector<std::string> header = csv_cells(rows[0]);
  const auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? header.size() : static_cast<size_t>(it - header.begin());
  };
  ASSERT_LT(column("score_median"), header.size()) << rows[0];
  std::map<std::string, int> listed;
  for (size_t i = 1; i < rows.size(); ++i) {
    const std::vector<std::string> cells = csv_cells(rows[i]);
    ASSERT_EQ(cells.size(), header.size()) << rows[i];
    ++listed[fs::path(cells[column("file")]).stem().string()];
    EXPECT_EQ(cells[column("status")], "scored") << rows[i];
    EXPECT_EQ(cells[column("score_median")], "7") << rows[i];
    EXPECT_EQ(cells[column("feedback")], "Strong C++ background.") << rows[i];
  }
  for (const std::string& name : names_) EXPECT_EQ(listed[name], 1) << name;
}

TEST_F(ScreenCli, FailedModelRequestsExitOneAndAreRedoneByTheRerun) {
  Script script;
  test::ScriptedLlmServer server([&](const json& req, int call) { return script(req, call); });
  script.fail_score_for("cand1");
  const auto args = screen_args(server.url(), (dir_ / "job.md").string());
  EXPECT_EQ(run(args), 1);
  const std::string err = stderr_text();
  EXPECT_NE(err.find("1 candidate got no answer from the model (first error: " + server.url()), std::string::npos) << err;
  EXPECT_NE(err.find("HTTP 400"), std::string::npos) << err;
  EXPECT_NE(err.find("Rerun the same command"), std::string::npos) << err;

  // The server is fixed: the rerun asks only for what failed (cand1's score, and its feedback, which is
  // grounded on the score) and exits 0.
  script.fail_score_for("");
  script.reset();
  EXPECT_EQ(run(args), 0) << stderr_text();
  for (const auto& name : names_) {
    EXPECT_EQ(script.calls("profile", name), 0) << name;
    EXPECT_EQ(script.calls("score", name), name == "cand1" ? kSamples : 0) << name;
    EXPECT_EQ(script.calls("feedback", name), name == "cand1" ? 1 : 0) << name;
  }
  store::Store db(db_path());
  for (const auto& d : db.load_results(job_id(db))) {
    const auto* score = d.stage("score");
    ASSERT_NE(score, nullptr) << d.path;
    EXPECT_EQ(score->status, "scored") << d.path;
  }

  // A third run has nothing left to do.
  script.reset();
  EXPECT_EQ(run(args), 0) << stderr_text();
  for (const auto& name : names_) EXPECT_EQ(script.calls("score", name) + script.calls("feedback", name), 0) << name;
}

TEST_F(ScreenCli, BadLlmUrlExitsTwoAndSaysWhy) {
  EXPECT_EQ(run(screen_args("ftp://127.0.0.1:1", (dir_ / "job.md").string())), 2);
  const std::string err = stderr_text();
  EXPECT_EQ(err.rfind("hirelm screen: --llm-url: expected an http:// or https:// URL, got 'ftp://127.0.0.1:1'\n", 0), 0u)
      << err;
}

TEST_F(ScreenCli, MissingJobFileExitsTwoAndNamesIt) {
  Script script;
  test::ScriptedLlmServer server([&](const json& req, int call) { return script(req, call); });
  const std::string missing = (dir_ / "no_such_job.md").string();
  EXPECT_EQ(run(screen_args(server.url(), missing)), 2);
  const std::string err = stderr_text();
  EXPECT_EQ(err.rfind("hirelm screen: " + missing + ": no such file\n", 0), 0u) << err;
  EXPECT_EQ(server.calls(), 0);  // nothing was asked of the model
}

TEST_F(ScreenCli, BadJobFileExitsTwoWithTheLine) {
  std::ofstream(dir_ / "bad_job.md") << "---\ncriteria:\n  - {name: skills, weight: heavy}\n---\nText\n";
  const std::string bad = (dir_ / "bad_job.md").string();
  EXPECT_EQ(run(screen_args("http://127.0.0.1:1", bad)), 2);
  const std::string err = stderr_text();
  EXPECT_EQ(err.rfind("hirelm screen: " + bad + ":3: criteria[0].weight: expected a positive number, got 'heavy'\n", 0), 0u)
      << err;
}

}  // namespace
}  // namespace hirelm
