// The worker in-process (hirelm_worker) against hirelm_fake_llm, on SQLite and PostgreSQL: every task done with
// one result set per document; a model failure retried and redone; corrupt payloads failed for good.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "llm/openai_client.h"
#include "screening/db/connection.h"
#include "screening/queue/task_queue.h"
#include "screening/store/store.h"
#include "screening/worker/screen_task.h"
#include "screening/worker/worker.h"
#include "test_db.h"
#include "util/error.h"
#include "worker_fixture.h"

namespace hirelm::worker {
namespace {

using db::testing::Backend;
using nlohmann::json;
using testing::FakeLlm;

llm::OpenAiClient client_for(const FakeLlm& llm) {
  llm::OpenAiClientOptions o;
  o.urls = {llm.url()};
  o.max_retries = 0;
  o.timeout_s = 30;
  return llm::OpenAiClient(o);
}

// Two threads as "w1" that end once the queue is empty (`once`); no log sink.
WorkerOptions options_for(const std::string& spec) {
  WorkerOptions o;
  o.db_spec = spec;
  o.worker_id = "w1";
  o.concurrency = 2;
  o.lease_seconds = 30;
  o.prompts_dir = testing::prompts_dir();
  o.once = true;
  o.idle_seconds = 0.1;
  return o;
}

struct Drained {
  WorkerStats stats;
  std::string error;
  std::vector<std::string> lines;  // the worker's progress lines
};

// Runs a worker with options_for(spec) against a fresh hirelm_fake_llm until the queue of `spec` is empty.
Drained drain_queue(const std::string& spec) {
  FakeLlm llm;
  llm::OpenAiClient model = client_for(llm);
  std::vector<std::string> lines;
  std::mutex mu;
  WorkerOptions o = options_for(spec);
  o.log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(mu);
    lines.push_back(line);
  };
  Worker w(o, model);
  w.start();
  w.wait();
  return {w.stats(), w.error(), lines};
}

// Rows of `results` per (document, stage) of the job.
std::map<std::pair<int64_t, std::string>, int64_t> result_rows(const std::string& spec, int64_t job_id) {
  auto conn = db::open(spec);
  auto st = conn->prepare("SELECT document_id, stage, COUNT(*) FROM results WHERE job_id = ? GROUP BY document_id, stage");
  st->bind(1, job_id);
  std::map<std::pair<int64_t, std::string>, int64_t> out;
  while (st->step()) out[{st->int64(0), st->text(1)}] = st->int64(2);
  return out;
}

// Answers profile requests (they carry a JSON schema) through `inner`; every other request fails as a dead
// server's would while `down` is set.
class ScoreOutage : public llm::LanguageModel {
 public:
  explicit ScoreOutage(llm::LanguageModel& inner) : inner_(inner) {}
  void complete(const std::vector<llm::ChatRequest>& requests, const llm::CompletionCallback& on_done) override {
    const bool profile = !requests.front().json_schema.empty();
    ++(profile ? profile_calls : other_calls);
    if (!profile && down.load()) {
      for (size_t i = 0; i < requests.size(); ++i) {
        llm::ChatResponse r;
        r.finish_reason = "error";
        r.error = "connection refused (scripted)";
        on_done(i, r);
      }
      return;
    }
    inner_.complete(requests, on_done);
  }
  std::string model_id() const override { return inner_.model_id(); }

  std::atomic<bool> down{true};
  std::atomic<int> profile_calls{0};
  std::atomic<int> other_calls{0};

 private:
  llm::LanguageModel& inner_;
};

class WorkerTest : public ::testing::TestWithParam<Backend> {};

TEST_P(WorkerTest, ScreensEveryDocumentIntoOneResultSet) {
  const std::string spec = db::testing::fresh_database_spec(GetParam());
  constexpr int kDocs = 6;
  const testing::SeededJob job = testing::seed_job(spec, kDocs, 2);
  const Drained run = drain_queue(spec);
  EXPECT_EQ(run.error, "");
  const WorkerStats& s = run.stats;
  EXPECT_EQ(s.done, kDocs);
  EXPECT_EQ(s.retried + s.failed + s.dropped, 0);

  queue::TaskQueue q(spec);
  const queue::TaskCounts c = q.counts(job.job_id);
  EXPECT_EQ(c.done, kDocs);
  EXPECT_EQ(c.queued + c.leased + c.failed + c.cancelled, 0);
  for (int64_t id : job.task_ids) EXPECT_EQ(q.get(id)->attempts, 1) << "task " << id;

  const auto rows = result_rows(spec, job.job_id);
  EXPECT_EQ(rows.size(), static_cast<size_t>(kDocs * 3));
  for (const auto& [key, n] : rows) EXPECT_EQ(n, 1) << key.first << " " << key.second;

  store::Store store(spec);
  std::set<double> medians;
  for (size_t i = 0; i < job.document_ids.size(); ++i) {
    const int64_t doc = job.document_ids[i];
    const auto profile = store.load_stage_result(job.job_id, doc, "profile");
    ASSERT_TRUE(profile) << doc;
    EXPECT_EQ(profile->status, "ok");
    EXPECT_EQ(profile->run_id, job.run_id);
    EXPECT_EQ(json::parse(profile->value_json)["profile"]["name"], "Candidate " + std::to_string(i));
    const auto score = store.load_stage_result(job.job_id, doc, "score");
    ASSERT_TRUE(score) << doc;
    EXPECT_EQ(score->status, "scored");
    EXPECT_EQ(score->samples.size(), 2u);
    const json v = json::parse(score->value_json);
    ASSERT_TRUE(v["median"].is_number()) << v.dump();
    medians.insert(v["median"].get<double>());
    const auto feedback = store.load_stage_result(job.job_id, doc, "feedback");
    ASSERT_TRUE(feedback) << doc;
    EXPECT_EQ(feedback->status, "ok");
    EXPECT_NE(json::parse(feedback->value_json)["text"].get<std::string>().find("Candidate " + std::to_string(i)),
              std::string::npos);
  }
  EXPECT_GE(medians.size(), 2u) << "every resume got the same score: the ranking would be meaningless";
  ASSERT_EQ(run.lines.size(), static_cast<size_t>(kDocs));
  EXPECT_NE(run.lines[0].find("[worker w1-t"), std::string::npos) << run.lines[0];
  EXPECT_NE(run.lines[0].find(" done in "), std::string::npos) << run.lines[0];
}

TEST_P(WorkerTest, TaskWhoseModelCallFailsIsRetriedAndRedoesOnlyWhatIsMissing) {
  const std::string spec = db::testing::fresh_database_spec(GetParam());
  const testing::SeededJob job = testing::seed_job(spec, 1, 2);
  FakeLlm llm;
  llm::OpenAiClient real = client_for(llm);
  // The profile call succeeds; score (and so feedback) calls fail until the worker has given the task back.
  ScoreOutage model(real);
  std::vector<std::string> lines;
  std::mutex mu;
  WorkerOptions o = options_for(spec);
  o.concurrency = 1;
  o.log = [&](const std::string& line) {
    if (line.find("failed (will retry)") != std::string::npos) model.down = false;
    std::lock_guard<std::mutex> lock(mu);
    lines.push_back(line);
  };
  Worker w(o, model);
  w.start();
  w.wait();  // the retry waits out the queue's first backoff (2 s)
  EXPECT_EQ(w.error(), "");
  const WorkerStats s = w.stats();
  EXPECT_EQ(s.retried, 1);
  EXPECT_EQ(s.done, 1);

  queue::TaskQueue q(spec);
  const auto task = q.get(job.task_ids[0]);
  ASSERT_TRUE(task);
  EXPECT_EQ(task->state, queue::TaskState::kDone);
  EXPECT_EQ(task->attempts, 2);
  ASSERT_TRUE(task->last_error);
  EXPECT_NE(task->last_error->find("connection refused (scripted)"), std::string::npos) << *task->last_error;

  // The profile stored by attempt 1 was reused by attempt 2; score and feedback were redone.
  EXPECT_EQ(model.profile_calls.load(), 1);
  EXPECT_GE(model.other_calls.load(), 3);
  const auto rows = result_rows(spec, job.job_id);
  EXPECT_EQ(rows.size(), 3u);
  for (const auto& [key, n] : rows) EXPECT_EQ(n, 1) << key.second;
  store::Store store(spec);
  EXPECT_EQ(store.load_stage_result(job.job_id, job.document_ids[0], "score")->status, "scored");
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("failed (will retry)"), std::string::npos) << lines[0];
}

TEST_P(WorkerTest, CorruptPayloadsAndVanishedDocumentsFailForGoodWithTheReason) {
  const std::string spec = db::testing::fresh_database_spec(GetParam());
  const testing::SeededJob job = testing::seed_job(spec, 1, 1);
  queue::TaskQueue q(spec);
  // Take the good task out of the way first: this test is about the bad ones.
  ASSERT_EQ(q.cancel(job.job_id), 1);
  auto add = [&](const std::string& payload) {
    queue::EnqueueRequest r;
    r.kind = "screen_document";
    r.payload_json = payload;
    r.max_attempts = 3;
    return q.enqueue(r);
  };
  const int64_t not_json = add("{\"run_id\": 1, ");
  const int64_t no_doc = add(json{{"run_id", job.run_id}, {"job_id", job.job_id}}.dump());
  const int64_t bad_samples =
      add(json{{"run_id", job.run_id}, {"job_id", job.job_id}, {"document_id", job.document_ids[0]}, {"samples", 99}}.dump());
  const int64_t gone = add(json{{"run_id", job.run_id}, {"job_id", job.job_id}, {"document_id", 424242}}.dump());
  const Drained run = drain_queue(spec);
  EXPECT_EQ(run.error, "");
  EXPECT_EQ(run.stats.failed, 4);
  const std::map<int64_t, std::string> expected = {{not_json, "expected a JSON object"},
                                                   {no_doc, "document_id: missing"},
                                                   {bad_samples, "samples: expected an integer 1..20"},
                                                   {gone, "document 424242 is not part of job"}};
  for (const auto& [id, reason] : expected) {
    const auto t = q.get(id);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->state, queue::TaskState::kFailed) << id;
    EXPECT_EQ(t->attempts, 1) << id << ": a task that cannot succeed is not retried";
    ASSERT_TRUE(t->last_error) << id;
    EXPECT_NE(t->last_error->find(reason), std::string::npos) << *t->last_error;
  }
  EXPECT_TRUE(result_rows(spec, job.job_id).empty());
}

TEST(ScreenPayload, RoundTripsAndNamesTheBadField) {
  ScreenPayload p;
  p.run_id = 3;
  p.job_id = 4;
  p.document_id = 5;
  p.samples = 7;
  p.blind = true;
  p.lang = "zh";
  p.seed = 1234567890123ull;
  const ScreenPayload q = parse_screen_payload(screen_payload_json(p));
  EXPECT_EQ(q.run_id, 3);
  EXPECT_EQ(q.job_id, 4);
  EXPECT_EQ(q.document_id, 5);
  EXPECT_EQ(q.samples, 7);
  EXPECT_TRUE(q.blind);
  EXPECT_EQ(q.lang, "zh");
  EXPECT_EQ(q.seed, 1234567890123ull);
  const ScreenPayload d = parse_screen_payload(R"({"run_id":1,"job_id":2,"document_id":3})");
  EXPECT_EQ(d.samples, 3);
  EXPECT_FALSE(d.blind);
  EXPECT_EQ(d.lang, "");
  for (const auto& [text, field] : std::vector<std::pair<std::string, std::string>>{
           {"[]", "expected a JSON object"},
           {R"({"run_id":0,"job_id":2,"document_id":3})", "run_id"},
           {R"({"run_id":1,"job_id":"2","document_id":3})", "job_id"},
           {R"({"run_id":1,"job_id":2,"document_id":3,"blind":1})", "blind"},
           {R"({"run_id":1,"job_id":2,"document_id":3,"lang":"fr"})", "lang"},
           {R"({"run_id":1,"job_id":2,"document_id":3,"seed":-1})", "seed"}}) {
    try {
      parse_screen_payload(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const InvalidInputError& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  }
}

TEST(WorkerOptionsCheck, BadOptionsAndMissingPromptsFailAtConstruction) {
  llm::OpenAiClientOptions co;
  co.urls = {"http://127.0.0.1:9"};
  llm::OpenAiClient model(co);
  WorkerOptions o;
  o.db_spec = "unused.db";
  o.prompts_dir = testing::prompts_dir();
  o.concurrency = 0;
  EXPECT_THROW(Worker(o, model), InvalidInputError);
  o.concurrency = 1;
  o.lease_seconds = 0;
  EXPECT_THROW(Worker(o, model), InvalidInputError);
  o.lease_seconds = 10;
  o.prompts_dir = "/nonexistent/prompts";
  EXPECT_THROW(Worker(o, model), Error);
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkerTest, ::testing::ValuesIn(db::testing::test_backends()),
                         db::testing::backend_param_name);

}  // namespace
}  // namespace hirelm::worker
