// Runs: start enqueues one screen_document task per document with the docs/api.md payload; 409 while active;
// pause holds, resume releases, cancel cancels; polling and the SSE stream follow the queue to the end.
#include <atomic>
#include <chrono>

#include "api_fixture.h"
#include "screening/queue/task_queue.h"

namespace hirelm::api::testing {
namespace {

class RunsApiTest : public ApiFixture {
 protected:
  // A job with `n` uploaded documents; returns {job id, document ids}.
  std::pair<int64_t, std::vector<int64_t>> job_with_documents(int n) {
    const int64_t job = create_job();
    std::vector<FilePart> files;
    for (int i = 0; i < n; ++i) files.push_back({"r" + std::to_string(i) + ".txt", resume_text("Person " + std::to_string(i))});
    auto r = upload("/api/jobs/" + std::to_string(job) + "/documents", files, recruiter_);
    std::vector<int64_t> docs;
    const Json body = Json::parse(r->body);
    for (const auto& f : body["files"]) docs.push_back(f["document_id"].get<int64_t>());
    return {job, docs};
  }
};

TEST_P(RunsApiTest, StartEnqueuesOneTaskPerDocumentWithThePayload) {
  const auto [job, docs] = job_with_documents(3);
  const std::string runs_path = "/api/jobs/" + std::to_string(job) + "/runs";
  auto r = post_json(runs_path, {{"samples", 2}, {"blind", true}, {"lang", "en"}}, recruiter_);
  ASSERT_EQ(r->status, 202) << r->body;
  const Json run = Json::parse(r->body)["run"];
  const int64_t run_id = run["id"].get<int64_t>();
  EXPECT_EQ(run["job_id"], job);
  EXPECT_EQ(run["state"], "running");
  EXPECT_EQ(run["total"], 3);
  EXPECT_EQ(run["queued"], 3);
  EXPECT_EQ(run["done"], 0);
  EXPECT_EQ(run["samples"], 2);
  EXPECT_EQ(run["blind"], true);
  EXPECT_TRUE(run["finished_at"].is_null());

  // Another start while this one is active: 409.
  r = post_json(runs_path, Json::object(), recruiter_);
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(error_code(r), "conflict");
  // Bad options: 400 naming the field.
  for (const Json& bad : {Json{{"samples", 0}}, Json{{"samples", 21}}, Json{{"lang", "fr"}}, Json{{"blind", "yes"}}, Json{{"x", 1}}}) {
    r = post_json(runs_path, bad, recruiter_);
    EXPECT_EQ(r->status, 400) << bad;
  }

  queue::TaskQueue queue(spec_);
  std::set<int64_t> seen;
  for (int i = 0; i < 3; ++i) {
    auto task = queue.claim("w1", 60);
    ASSERT_TRUE(task);
    EXPECT_EQ(task->kind, "screen_document");
    EXPECT_EQ(task->job_id, job);
    const int64_t doc = Json::parse(task->payload_json)["document_id"].get<int64_t>();
    seen.insert(doc);
    EXPECT_EQ(task->payload_json, "{\"run_id\":" + std::to_string(run_id) + ",\"job_id\":" + std::to_string(job) +
                                      ",\"document_id\":" + std::to_string(doc) +
                                      ",\"samples\":2,\"blind\":true,\"lang\":\"en\",\"seed\":20250101}");
    EXPECT_EQ(task->dedup_key, "run:" + std::to_string(run_id) + ":doc:" + std::to_string(doc));
    if (i < 2) EXPECT_TRUE(queue.complete(*task, "w1"));
    else EXPECT_TRUE(queue.fail(*task, "w1", "boom"));  // back to queued (attempts left)
  }
  EXPECT_EQ(seen, std::set<int64_t>(docs.begin(), docs.end()));
  r = get("/api/runs/" + std::to_string(run_id), viewer_);
  Json now = Json::parse(r->body)["run"];
  EXPECT_EQ(now["done"], 2);
  EXPECT_EQ(now["queued"], 1);
  EXPECT_EQ(now["state"], "running");

  r = get(runs_path, viewer_);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Json::parse(r->body)["runs"].size(), 1u);
  EXPECT_EQ(Json::parse(get("/api/jobs/" + std::to_string(job), viewer_)->body)["job"]["active_run"]["id"], run_id);
}

TEST_P(RunsApiTest, PauseHoldsResumeReleasesCancelCancels) {
  const auto [job, docs] = job_with_documents(2);
  auto r = post_json("/api/jobs/" + std::to_string(job) + "/runs", Json::object(), recruiter_);
  const int64_t run_id = Json::parse(r->body)["run"]["id"].get<int64_t>();
  const std::string base = "/api/runs/" + std::to_string(run_id);
  EXPECT_EQ(post_json(base + "/pause", Json::object(), viewer_)->status, 403);
  r = post_json(base + "/pause", Json::object(), recruiter_);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Json::parse(r->body)["run"]["state"], "paused");
  queue::TaskQueue queue(spec_);
  EXPECT_FALSE(queue.claim("w1", 60)) << "a paused run's tasks are held";
  EXPECT_EQ(post_json(base + "/pause", Json::object(), recruiter_)->status, 409);
  // A paused run still blocks a new one.
  EXPECT_EQ(post_json("/api/jobs/" + std::to_string(job) + "/runs", Json::object(), recruiter_)->status, 409);

  r = post_json(base + "/resume", Json::object(), recruiter_);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Json::parse(r->body)["run"]["state"], "running");
  auto task = queue.claim("w1", 60);
  ASSERT_TRUE(task);

  r = post_json(base + "/cancel", Json::object(), recruiter_);
  ASSERT_EQ(r->status, 200) << r->body;
  const Json run = Json::parse(r->body)["run"];
  EXPECT_EQ(run["state"], "cancelled");
  EXPECT_EQ(run["cancelled"], 2);
  EXPECT_FALSE(run["finished_at"].is_null());
  EXPECT_FALSE(queue.complete(*task, "w1")) << "a worker's late result is dropped";
  EXPECT_EQ(post_json(base + "/cancel", Json::object(), recruiter_)->status, 409);
  // A new run may start now.
  EXPECT_EQ(post_json("/api/jobs/" + std::to_string(job) + "/runs", Json::object(), recruiter_)->status, 202);
  EXPECT_EQ(get("/api/runs/999999", viewer_)->status, 404);
}

TEST_P(RunsApiTest, EventStreamYieldsProgressThenEnd) {
  const auto [job, docs] = job_with_documents(3);
  auto r = post_json("/api/jobs/" + std::to_string(job) + "/runs", Json::object(), recruiter_);
  const int64_t run_id = Json::parse(r->body)["run"]["id"].get<int64_t>();

  std::atomic<bool> first_event{false};
  std::thread worker([&] {
    while (!first_event) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    queue::TaskQueue queue(spec_);
    while (auto task = queue.claim("w1", 60)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(60));  // several polls per task
      queue.complete(*task, "w1");
    }
  });
  std::string stream;
  httplib::Client sse("127.0.0.1", port_);
  sse.set_read_timeout(20, 0);
  auto res = sse.Get(("/api/runs/" + std::to_string(run_id) + "/events").c_str(), auth(viewer_),
                     [&](const char* data, size_t n) {
                       stream.append(data, n);
                       first_event = true;
                       return true;
                     });
  first_event = true;
  worker.join();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/event-stream");
  // Parse the events: progress events with non-decreasing done counts, then one end event, last.
  std::vector<std::pair<std::string, Json>> events;
  size_t at = 0;
  while (true) {
    const size_t end = stream.find("\n\n", at);
    if (end == std::string::npos) break;
    const std::string block = stream.substr(at, end - at);
    at = end + 2;
    if (block.rfind(":", 0) == 0) continue;  // a comment (ping)
    const size_t nl = block.find('\n');
    ASSERT_EQ(block.rfind("event: ", 0), 0u) << block;
    ASSERT_EQ(block.compare(nl + 1, 6, "data: "), 0) << block;
    events.emplace_back(block.substr(7, nl - 7), Json::parse(block.substr(nl + 7)));
  }
  ASSERT_GE(events.size(), 3u) << stream;
  EXPECT_EQ(events.front().first, "progress");
  EXPECT_EQ(events.front().second["done"], 0);
  EXPECT_EQ(events.back().first, "end");
  EXPECT_EQ(events.back().second["state"], "done");
  EXPECT_EQ(events.back().second["done"], 3);
  int64_t done = 0;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    EXPECT_EQ(events[i].first, "progress");
    EXPECT_GE(events[i].second["done"].get<int64_t>(), done);
    done = events[i].second["done"].get<int64_t>();
  }
  EXPECT_EQ(Json::parse(get("/api/runs/" + std::to_string(run_id), viewer_)->body)["run"]["state"], "done");
  EXPECT_EQ(get("/api/runs/999999/events", viewer_)->status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, RunsApiTest, ::testing::ValuesIn(db::testing::test_backends()),
                         db::testing::backend_param_name);

}  // namespace
}  // namespace hirelm::api::testing
