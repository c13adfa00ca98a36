#include "screening/service/run_service.h"

#include "screening/service/job_service.h"
#include "screening/service/service_errors.h"
#include "util/utc_time.h"

namespace hirelm::service {

namespace {

constexpr std::string_view kScreenDocument = "screen_document";

}  // namespace

std::string screen_document_payload(int64_t run_id, int64_t job_id, int64_t document_id, const RunOptions& options) {
  Json p;
  p["run_id"] = run_id;
  p["job_id"] = job_id;
  p["document_id"] = document_id;
  p["samples"] = options.samples;
  p["blind"] = options.blind;
  p["lang"] = options.lang;
  p["seed"] = options.seed;
  return p.dump();
}

std::vector<RunService::Row> RunService::load_rows(const std::string& where, int64_t id) {
  std::vector<Row> rows;
  auto q = session_.db().prepare("SELECT id, job_id, state, started_at, finished_at, parameters_json FROM runs WHERE " +
                                 where + " ORDER BY id DESC");
  q->bind(1, id);
  while (q->step()) {
    rows.push_back(Row{q->int64(0), q->int64(1), q->optional_text(2), q->text(3), q->optional_text(4), q->text(5)});
  }
  return rows;
}

RunService::Row RunService::load(int64_t run_id) {
  std::vector<Row> rows = load_rows("id = ?", run_id);
  if (rows.empty()) throw NotFoundError("no run with id " + std::to_string(run_id));
  return std::move(rows.front());
}

std::string RunService::reported_state(const Row& row, const Json& counts) {
  if (row.state == "cancelled") return "cancelled";
  if (row.state == "starting") return "running";
  if (!row.state) return row.finished_at ? "done" : "running";
  if (counts["queued"].get<int64_t>() + counts["leased"].get<int64_t>() == 0) return "done";
  return *row.state;
}

Json RunService::run_json(const Row& row) {
  Json counts = {{"total", 0}, {"done", 0}, {"failed", 0}, {"queued", 0}, {"leased", 0}, {"cancelled", 0}};
  {
    auto q = session_.db().prepare(
        "SELECT t.state, COUNT(*) FROM run_tasks rt JOIN tasks t ON t.id = rt.task_id WHERE rt.run_id = ? "
        "GROUP BY t.state");
    q->bind(1, row.id);
    int64_t total = 0;
    while (q->step()) {
      const std::string state = q->text(0);
      const int64_t n = q->int64(1);
      total += n;
      if (counts.contains(state)) counts[state] = n;
    }
    counts["total"] = total;
  }
  const std::string state = reported_state(row, counts);
  std::optional<std::string> finished_at = row.finished_at;
  if ((state == "done" || state == "cancelled") && !finished_at) {
    finished_at = utc_now_iso8601();
    session_.db().prepare("UPDATE runs SET finished_at = ? WHERE id = ? AND finished_at IS NULL")
        ->bind(1, *finished_at)
        .bind(2, row.id)
        .run();
  }
  const Json params = Json::parse(row.parameters_json, nullptr, false);
  auto param = [&](const char* key, Json fallback) {
    return params.is_object() && params.contains(key) ? params[key] : fallback;
  };
  Json j;
  j["id"] = row.id;
  j["job_id"] = row.job_id;
  j["state"] = state;
  for (const char* key : {"total", "done", "failed", "queued", "leased", "cancelled"}) j[key] = counts[key];
  j["started_at"] = row.started_at;
  j["finished_at"] = finished_at ? Json(*finished_at) : Json(nullptr);
  j["samples"] = param("samples", 3);
  j["blind"] = param("blind", false);
  return j;
}

Json RunService::get(int64_t run_id) { return run_json(load(run_id)); }

Json RunService::list(int64_t job_id) {
  Json runs = Json::array();
  for (const Row& row : load_rows("job_id = ?", job_id)) runs.push_back(run_json(row));
  return runs;
}

std::optional<Json> RunService::active_run(int64_t job_id) {
  for (const Row& row : load_rows(
           "job_id = ? AND state IN ('starting', 'running', 'paused') AND finished_at IS NULL", job_id)) {
    Json run = run_json(row);
    if (run["state"] == "running" || run["state"] == "paused") return run;
  }
  return std::nullopt;
}

Json RunService::start(int64_t job_id, const RunOptions& options, const std::string& actor) {
  if (options.samples < 1 || options.samples > 20) {
    throw InvalidInputError("samples: expected 1..20, got " + std::to_string(options.samples));
  }
  if (!options.lang.empty() && options.lang != "zh" && options.lang != "en") {
    throw InvalidInputError("lang: expected \"\", \"zh\" or \"en\", got \"" + options.lang + "\"");
  }
  db::Connection& db = session_.db();
  JobService(session_).require(job_id);
  if (auto active = active_run(job_id)) {
    throw ConflictError("run " + std::to_string((*active)["id"].get<int64_t>()) + " of job " + std::to_string(job_id) +
                        " is still active: pause, cancel or wait for it first");
  }
  const Json params = {{"samples", options.samples}, {"blind", options.blind}, {"lang", options.lang},
                       {"seed", options.seed}};
  int64_t run_id = 0;
  std::vector<int64_t> documents;
  {
    db::Transaction tx(db);
    db.lock("runs:job:" + std::to_string(job_id));
    {  // re-checked under the lock: two starts at once make one run
      auto q = db.prepare(
          "SELECT COUNT(*) FROM runs WHERE job_id = ? AND state IN ('starting') AND finished_at IS NULL");
      q->bind(1, job_id);
      if (q->step() && q->int64(0) > 0) throw ConflictError("another run of job " + std::to_string(job_id) + " is starting");
    }
    const std::string now = utc_now_iso8601();
    auto q = db.prepare(
        "INSERT INTO runs (job_id, model_id, prompt_hash, parameters_json, seeds_json, actor, started_at, state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 'starting') RETURNING id");
    q->bind(1, job_id).bind(2, "").bind(3, "").bind(4, params.dump()).bind(5, Json::array({options.seed}).dump());
    q->bind(6, actor).bind(7, now);
    const std::optional<int64_t> inserted = q->run_returning_id();
    if (!inserted) throw IoError("runs: INSERT returned no id");
    run_id = *inserted;
    auto d = db.prepare("SELECT document_id FROM job_documents WHERE job_id = ? ORDER BY id");
    d->bind(1, job_id);
    while (d->step()) documents.push_back(d->int64(0));
    db.prepare("INSERT INTO audit_log (at, actor, action, subject, detail_json) VALUES (?, ?, ?, ?, ?)")
        ->bind(1, now)
        .bind(2, actor)
        .bind(3, "run.start")
        .bind(4, "run:" + std::to_string(run_id))
        .bind(5, Json{{"job_id", job_id}, {"documents", documents.size()}, {"blind", options.blind}}.dump())
        .run();
    tx.commit();
  }
  for (int64_t doc : documents) {
    queue::EnqueueRequest request;
    request.kind = std::string(kScreenDocument);
    request.payload_json = screen_document_payload(run_id, job_id, doc, options);
    request.job_id = job_id;
    request.dedup_key = "run:" + std::to_string(run_id) + ":doc:" + std::to_string(doc);
    const int64_t task_id = session_.queue.enqueue(request);
    db.prepare("INSERT INTO run_tasks (run_id, document_id, task_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        ->bind(1, run_id)
        .bind(2, doc)
        .bind(3, task_id)
        .run();
  }
  db.prepare("UPDATE runs SET state = 'running' WHERE id = ? AND state = 'starting'")->bind(1, run_id).run();
  return get(run_id);
}

Json RunService::pause(int64_t run_id, const std::string& actor) {
  const Row row = load(run_id);
  const Json run = run_json(row);
  if (run["state"] != "running") throw ConflictError("run " + std::to_string(run_id) + " is " + run["state"].get<std::string>() + ", not running");
  session_.db().prepare("UPDATE runs SET state = 'paused' WHERE id = ?")->bind(1, run_id).run();
  session_.queue.pause(row.job_id);
  session_.store.audit(actor, "run.pause", "run:" + std::to_string(run_id));
  return get(run_id);
}

Json RunService::resume(int64_t run_id, const std::string& actor) {
  const Row row = load(run_id);
  const Json run = run_json(row);
  if (run["state"] != "paused") throw ConflictError("run " + std::to_string(run_id) + " is " + run["state"].get<std::string>() + ", not paused");
  session_.db().prepare("UPDATE runs SET state = 'running' WHERE id = ?")->bind(1, run_id).run();
  session_.queue.resume(row.job_id);
  session_.store.audit(actor, "run.resume", "run:" + std::to_string(run_id));
  return get(run_id);
}

Json RunService::cancel(int64_t run_id, const std::string& actor) {
  const Row row = load(run_id);
  const Json run = run_json(row);
  if (run["state"] == "done" || run["state"] == "cancelled") {
    throw ConflictError("run " + std::to_string(run_id) + " is " + run["state"].get<std::string>() + " already");
  }
  session_.db().prepare("UPDATE runs SET state = 'cancelled' WHERE id = ?")->bind(1, run_id).run();
  session_.queue.cancel(row.job_id);
  session_.store.audit(actor, "run.cancel", "run:" + std::to_string(run_id));
  return get(run_id);
}

}  // namespace hirelm::service
