#include "screening/service/job_service.h"

#include <optional>
#include <random>
#include <set>

#include "screening/job/sha256.h"
#include "screening/service/run_service.h"
#include "util/utc_time.h"

namespace hirelm::service {

namespace {

// A content_hash unique among jobs (the column is UNIQUE; two API jobs may have the same text).
std::string unique_job_hash(const std::string& text) {
  std::random_device rd;
  const uint64_t nonce = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(nonce));
  return screening::sha256_tagged(text) + "#api-" + buf;
}

screening::Job parse_or_throw(const std::string& text) { return screening::parse_job(text, "job text"); }

}  // namespace

Json JobService::job_json(int64_t id, const std::string& text, const std::string& created_at,
                          const std::string& updated_at) {
  Json j;
  j["id"] = id;
  screening::Job job;
  try {
    job = parse_or_throw(text);
  } catch (const InvalidInputError&) {  // a CLI job row holds only the description
    job.description = text;
    job.criteria = screening::Job::default_criteria();
  }
  j["title"] = job.title;
  j["description"] = job.description;
  j["must_have"] = job.must_have;
  Json criteria = Json::array();
  for (const auto& c : job.criteria) criteria.push_back({{"name", c.name}, {"weight", c.weight}});
  j["criteria"] = criteria;
  j["created_at"] = created_at;
  j["updated_at"] = updated_at.empty() ? created_at : updated_at;
  db::Connection& db = session_.db();
  auto count = [&](const char* sql) {
    auto q = db.prepare(sql);
    q->bind(1, id);
    return q->step() ? q->int64(0) : int64_t{0};
  };
  j["counts"] = {
      {"documents", count("SELECT COUNT(*) FROM job_documents WHERE job_id = ?")},
      {"screened", count("SELECT COUNT(DISTINCT document_id) FROM results WHERE job_id = ? AND stage = 'score'")},
      {"errors", count("SELECT COUNT(DISTINCT document_id) FROM results WHERE job_id = ? AND status = 'error'")}};
  const std::optional<Json> active = RunService(session_).active_run(id);
  j["active_run"] = active ? *active : Json(nullptr);
  return j;
}

void JobService::require(int64_t job_id) {
  auto q = session_.db().prepare("SELECT 1 FROM jobs WHERE id = ?");
  q->bind(1, job_id);
  if (!q->step()) throw NotFoundError("no job with id " + std::to_string(job_id));
}

Json JobService::create(const std::string& job_text, const std::string& actor) {
  const screening::Job job = parse_or_throw(job_text);
  const std::string now = utc_now_iso8601();
  int64_t id = 0;
  {
    db::Transaction tx(session_.db());
    auto q = session_.db().prepare(
        "INSERT INTO jobs (content_hash, title, text, source_path, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
        "RETURNING id");
    q->bind(1, unique_job_hash(job_text)).bind(2, job.title).bind(3, job_text).bind(4, "api").bind(5, now).bind(6, now);
    const std::optional<int64_t> inserted = q->run_returning_id();  // run to its end: the commit needs that
    if (!inserted) throw IoError("jobs: INSERT returned no id");
    id = *inserted;
    tx.commit();
  }
  session_.store.audit(actor, "job.create", "job:" + std::to_string(id), Json{{"title", job.title}}.dump());
  return get(id);
}

Json JobService::list() {
  auto q = session_.db().prepare("SELECT id, text, created_at, updated_at FROM jobs ORDER BY id DESC");
  std::vector<std::tuple<int64_t, std::string, std::string, std::string>> rows;
  while (q->step()) rows.emplace_back(q->int64(0), q->text(1), q->text(2), q->optional_text(3).value_or(""));
  Json jobs = Json::array();
  for (const auto& [id, text, created, updated] : rows) jobs.push_back(job_json(id, text, created, updated));
  return jobs;
}

Json JobService::get(int64_t job_id) {
  auto q = session_.db().prepare("SELECT text, created_at, updated_at FROM jobs WHERE id = ?");
  q->bind(1, job_id);
  if (!q->step()) throw NotFoundError("no job with id " + std::to_string(job_id));
  const std::string text = q->text(0), created = q->text(1), updated = q->optional_text(2).value_or("");
  q.reset();
  return job_json(job_id, text, created, updated);
}

Json JobService::update(int64_t job_id, const std::string& job_text, const std::string& actor) {
  const screening::Job job = parse_or_throw(job_text);
  {
    db::Transaction tx(session_.db());
    auto q = session_.db().prepare("UPDATE jobs SET text = ?, title = ?, content_hash = ?, updated_at = ? WHERE id = ?");
    q->bind(1, job_text).bind(2, job.title).bind(3, unique_job_hash(job_text)).bind(4, utc_now_iso8601()).bind(5, job_id);
    if (q->run() == 0) throw NotFoundError("no job with id " + std::to_string(job_id));
    tx.commit();
  }
  session_.store.audit(actor, "job.update", "job:" + std::to_string(job_id), Json{{"title", job.title}}.dump());
  return get(job_id);
}

void JobService::remove(int64_t job_id, const std::string& actor) {
  require(job_id);
  session_.queue.cancel(job_id);  // a worker holding one of its tasks drops its result
  db::Connection& db = session_.db();
  db::Transaction tx(db);
  auto exec = [&](const std::string& sql) { return db.prepare(sql)->bind(1, job_id).run(); };
  // Documents of this job in no other job: erased with the job.
  std::vector<int64_t> orphan_docs;
  {
    auto q = db.prepare(
        "SELECT document_id FROM job_documents jd WHERE job_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM job_documents o WHERE o.document_id = jd.document_id AND o.job_id <> jd.job_id)");
    q->bind(1, job_id);
    while (q->step()) orphan_docs.push_back(q->int64(0));
  }
  exec("DELETE FROM samples WHERE result_id IN (SELECT id FROM results WHERE job_id = ?)");
  exec("DELETE FROM results WHERE job_id = ?");
  exec("DELETE FROM run_tasks WHERE run_id IN (SELECT id FROM runs WHERE job_id = ?)");
  exec("DELETE FROM runs WHERE job_id = ?");
  const int64_t tasks = exec("DELETE FROM tasks WHERE job_id = ?");
  exec("DELETE FROM job_documents WHERE job_id = ?");
  std::set<int64_t> candidates;
  for (int64_t doc : orphan_docs) {
    auto q = db.prepare("SELECT candidate_id FROM documents WHERE id = ?");
    q->bind(1, doc);
    if (q->step()) candidates.insert(q->int64(0));
    q.reset();
    for (const char* sql : {"DELETE FROM originals WHERE document_id = ?",
                            "DELETE FROM samples WHERE result_id IN (SELECT id FROM results WHERE document_id = ?)",
                            "DELETE FROM results WHERE document_id = ?", "DELETE FROM documents WHERE id = ?"}) {
      db.prepare(sql)->bind(1, doc).run();
    }
  }
  for (int64_t c : candidates) {
    db.prepare("DELETE FROM candidates WHERE id = ? AND NOT EXISTS (SELECT 1 FROM documents WHERE candidate_id = ?)")
        ->bind(1, c)
        .bind(2, c)
        .run();
  }
  exec("DELETE FROM jobs WHERE id = ?");
  db.prepare("INSERT INTO audit_log (at, actor, action, subject, detail_json) VALUES (?, ?, ?, ?, ?)")
      ->bind(1, utc_now_iso8601())
      .bind(2, actor)
      .bind(3, "job.delete")
      .bind(4, "job:" + std::to_string(job_id))
      .bind(5, Json{{"erased_documents", orphan_docs}, {"tasks", tasks}}.dump())
      .run();
  tx.commit();
  if (db.dialect() == db::Dialect::kSqlite) db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace hirelm::service
