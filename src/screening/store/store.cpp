#include "screening/store/store.h"

#include <sqlite3.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "screening/profile/profile_checks.h"
#include "screening/store/migrations.h"
#include "util/check.h"
#include "util/error.h"

namespace hirelm::store {

namespace {

std::string now_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string flags_to_json(const std::vector<std::string>& flags) { return nlohmann::json(flags).dump(); }

std::vector<std::string> flags_from_json(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& f : j) {
    if (f.is_string()) out.push_back(f.get<std::string>());
  }
  return out;
}

}  // namespace

// A prepared statement: bind by 1-based index, step, read columns by 0-based index.
class Store::Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail("prepare");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, int64_t v) {
    check(sqlite3_bind_int64(stmt_, i, v), "bind");
    return *this;
  }
  Statement& bind(int i, const std::string& v) {
    check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT), "bind");
    return *this;
  }
  Statement& bind(int i, const char* v) { return bind(i, std::string(v)); }
  Statement& bind_null(int i) {
    check(sqlite3_bind_null(stmt_, i), "bind");
    return *this;
  }
  template <typename T>
  Statement& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  // True while a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail("step");
  }
  void run() {
    while (step()) {
    }
  }
  // For an INSERT ... RETURNING id: the returned id, the statement run to its end.
  int64_t returning_id() {
    HIRELM_CHECK(step());
    const int64_t id = int64(0);
    run();
    return id;
  }

  int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }

 private:
  void check(int rc, const char* what) {
    if (rc != SQLITE_OK) fail(what);
  }
  [[noreturn]] void fail(const char* what) {
    throw IoError(std::string("store: sqlite ") + what + " failed: " + sqlite3_errmsg(db_) +
                  (stmt_ ? std::string(" in: ") + sqlite3_sql(stmt_) : std::string()));
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT; rolled back when destroyed uncommitted (an exception unwinding).
class Store::Transaction {
 public:
  explicit Transaction(const Store& store) : store_(store) { store_.exec("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!done_) sqlite3_exec(store_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    store_.exec("COMMIT");
    done_ = true;
  }

 private:
  const Store& store_;
  bool done_ = false;
};

const StageResult* DocumentResults::stage(const std::string& name) const {
  for (const StageResult& s : stages) {
    if (s.stage == name) return &s;
  }
  return nullptr;
}

int latest_schema_version() { return migrations().back().version; }

Store::Store(const std::string& path) : path_(path) {
  const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw IoError("store: cannot open database '" + path + "': " + msg);
  }
  try {
    sqlite3_busy_timeout(db_, 30000);
    // WAL + FULL: a committed transaction survives kill -9 and power loss; readers never block the writer.
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = FULL");
    exec("PRAGMA foreign_keys = ON");
    exec("PRAGMA secure_delete = ON");  // erased candidates' bytes are overwritten, not left in free pages
    migrate();
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Store::~Store() {
  if (db_) sqlite3_close(db_);
}

void Store::exec(const char* sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw IoError("store: '" + path_ + "': " + msg);
  }
}

void Store::migrate() {
  exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
  Transaction tx(*this);
  const int current = schema_version();
  if (current > latest_schema_version()) {
    throw UnsupportedError("store: '" + path_ + "' has schema version " + std::to_string(current) +
                           ", newer than this hirelm supports (" + std::to_string(latest_schema_version()) + ")");
  }
  for (const Migration& m : migrations()) {
    if (m.version <= current) continue;
    exec(render_migration(m, SqlDialect::kSqlite).c_str());
    Statement(db_, "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")
        .bind(1, static_cast<int64_t>(m.version))
        .bind(2, now_utc())
        .run();
  }
  tx.commit();
}

int Store::schema_version() const {
  Statement q(db_, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
  return q.step() ? static_cast<int>(q.int64(0)) : 0;
}

int64_t Store::upsert_job(const JobInput& job) {
  Transaction tx(*this);
  Statement(db_,
            "INSERT INTO jobs (content_hash, title, text, source_path, created_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (content_hash) DO NOTHING")
      .bind(1, job.content_hash)
      .bind(2, job.title)
      .bind(3, job.text)
      .bind(4, job.source_path)
      .bind(5, now_utc())
      .run();
  Statement q(db_, "SELECT id FROM jobs WHERE content_hash = ?");
  q.bind(1, job.content_hash);
  HIRELM_CHECK(q.step());
  const int64_t id = q.int64(0);
  tx.commit();
  return id;
}

AddedDocument Store::add_candidate_document(int64_t job_id, const DocumentInput& doc) {
  Transaction tx(*this);
  AddedDocument out;
  {
    Statement q(db_, "SELECT id, candidate_id FROM documents WHERE content_hash = ?");
    q.bind(1, doc.content_hash);
    if (q.step()) {
      out.document_id = q.int64(0);
      out.candidate_id = q.int64(1);
      out.existing = true;
    }
  }
  if (!out.existing) {
    const std::string now = now_utc();
    out.candidate_id =
        Statement(db_, "INSERT INTO candidates (created_at) VALUES (?) RETURNING id").bind(1, now).returning_id();
    out.document_id = Statement(db_,
                                "INSERT INTO documents (candidate_id, content_hash, path, text, language, method, "
                                "meta_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")
                          .bind(1, out.candidate_id)
                          .bind(2, doc.content_hash)
                          .bind(3, doc.path)
                          .bind(4, doc.text)
                          .bind(5, doc.language)
                          .bind(6, doc.method)
                          .bind(7, doc.meta_json)
                          .bind(8, now)
                          .returning_id();
  }
  Statement(db_,
            "INSERT INTO job_documents (job_id, document_id, path, added_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (job_id, document_id) DO NOTHING")
      .bind(1, job_id)
      .bind(2, out.document_id)
      .bind(3, doc.path)
      .bind(4, now_utc())
      .run();
  tx.commit();
  return out;
}

ContactLink Store::link_contact(int64_t document_id, const std::optional<std::string>& email,
                                const std::optional<std::string>& phone, const std::optional<std::string>& name) {
  const std::string email_norm = email ? profile::normalize_email(*email) : std::string();
  const std::string phone_norm = phone ? profile::normalize_phone(*phone) : std::string();
  Transaction tx(*this);
  ContactLink out;
  {
    Statement q(db_, "SELECT candidate_id FROM documents WHERE id = ?");
    q.bind(1, document_id);
    if (!q.step()) throw NotFoundError("store: no document with id " + std::to_string(document_id));
    out.candidate_id = q.int64(0);
  }
  std::optional<int64_t> other;
  if (!email_norm.empty() || !phone_norm.empty()) {
    Statement q(db_,
                "SELECT id FROM candidates WHERE id <> ? AND ((email_norm = ? AND ? <> '') OR "
                "(phone_norm = ? AND ? <> '')) ORDER BY id LIMIT 1");
    q.bind(1, out.candidate_id).bind(2, email_norm).bind(3, email_norm).bind(4, phone_norm).bind(5, phone_norm);
    if (q.step()) other = q.int64(0);
  }
  const int64_t target = other.value_or(out.candidate_id);
  if (other) {
    Statement(db_, "UPDATE documents SET candidate_id = ? WHERE id = ?").bind(1, *other).bind(2, document_id).run();
    Statement(db_,
              "DELETE FROM candidates WHERE id = ? AND NOT EXISTS "
              "(SELECT 1 FROM documents WHERE candidate_id = ?)")
        .bind(1, out.candidate_id)
        .bind(2, out.candidate_id)
        .run();
    out.candidate_id = *other;
    out.duplicate_of = *other;
  }
  Statement(db_,
            "UPDATE candidates SET email_norm = COALESCE(email_norm, NULLIF(?, '')), "
            "phone_norm = COALESCE(phone_norm, NULLIF(?, '')), name = COALESCE(name, NULLIF(?, '')) WHERE id = ?")
      .bind(1, email_norm)
      .bind(2, phone_norm)
      .bind(3, name.value_or(""))
      .bind(4, target)
      .run();
  tx.commit();
  return out;
}

int64_t Store::begin_run(const RunInput& run) {
  Transaction tx(*this);
  const std::string now = now_utc();
  const int64_t id =
      Statement(db_,
                "INSERT INTO runs (job_id, model_id, prompt_hash, parameters_json, seeds_json, actor, started_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")
          .bind(1, run.job_id)
          .bind(2, run.model_id)
          .bind(3, run.prompt_hash)
          .bind(4, run.parameters_json)
          .bind(5, run.seeds_json)
          .bind(6, run.actor)
          .bind(7, now)
          .returning_id();
  insert_audit(now, run.actor, "run.start", "run:" + std::to_string(id),
               nlohmann::json{{"job_id", run.job_id}, {"model_id", run.model_id}, {"prompt_hash", run.prompt_hash}}
                   .dump());
  tx.commit();
  return id;
}

void Store::finish_run(int64_t run_id) {
  Transaction tx(*this);
  Statement(db_, "UPDATE runs SET finished_at = ? WHERE id = ?").bind(1, now_utc()).bind(2, run_id).run();
  tx.commit();
}

std::vector<int64_t> Store::list_pending(int64_t job_id, const std::string& stage) const {
  Statement q(db_,
              "SELECT jd.document_id FROM job_documents jd WHERE jd.job_id = ? AND NOT EXISTS "
              "(SELECT 1 FROM results r WHERE r.job_id = jd.job_id AND r.document_id = jd.document_id "
              "AND r.stage = ?) ORDER BY jd.id");
  q.bind(1, job_id).bind(2, stage);
  std::vector<int64_t> out;
  while (q.step()) out.push_back(q.int64(0));
  return out;
}

int64_t Store::save_stage_result(const StageResult& r) {
  Transaction tx(*this);
  {
    Statement old(db_, "SELECT id FROM results WHERE job_id = ? AND document_id = ? AND stage = ?");
    old.bind(1, r.job_id).bind(2, r.document_id).bind(3, r.stage);
    if (old.step()) {
      const int64_t old_id = old.int64(0);
      Statement(db_, "DELETE FROM samples WHERE result_id = ?").bind(1, old_id).run();
      Statement(db_, "DELETE FROM results WHERE id = ?").bind(1, old_id).run();
    }
  }
  Statement ins(db_,
                "INSERT INTO results (job_id, document_id, run_id, stage, status, value_json, flags_json, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  ins.bind(1, r.job_id).bind(2, r.document_id);
  if (r.run_id > 0) ins.bind(3, r.run_id);
  else ins.bind_null(3);
  ins.bind(4, r.stage).bind(5, r.status).bind(6, r.value_json).bind(7, flags_to_json(r.flags)).bind(8, now_utc());
  const int64_t id = ins.returning_id();
  for (const Sample& s : r.samples) {
    Statement(db_,
              "INSERT INTO samples (result_id, sample_index, seed, reasoning, answer, parsed_json) "
              "VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, id)
        .bind(2, static_cast<int64_t>(s.index))
        .bind(3, s.seed)
        .bind(4, s.reasoning)
        .bind(5, s.answer)
        .bind(6, s.parsed_json)
        .run();
  }
  tx.commit();
  return id;
}

std::vector<StageResult> Store::load_stages(int64_t job_id, int64_t document_id,
                                           const std::optional<std::string>& stage) const {
  Statement q(db_,
              "SELECT id, run_id, stage, status, value_json, flags_json FROM results "
              "WHERE job_id = ? AND document_id = ? AND (? IS NULL OR stage = ?) ORDER BY stage");
  q.bind(1, job_id).bind(2, document_id).bind(3, stage).bind(4, stage);
  std::vector<StageResult> out;
  while (q.step()) {
    StageResult r;
    r.job_id = job_id;
    r.document_id = document_id;
    r.run_id = q.is_null(1) ? 0 : q.int64(1);
    r.stage = q.text(2);
    r.status = q.text(3);
    r.value_json = q.text(4);
    r.flags = flags_from_json(q.text(5));
    Statement s(db_,
                "SELECT sample_index, seed, reasoning, answer, parsed_json FROM samples WHERE result_id = ? "
                "ORDER BY sample_index");
    s.bind(1, q.int64(0));
    while (s.step()) {
      Sample sample;
      sample.index = static_cast<int>(s.int64(0));
      if (!s.is_null(1)) sample.seed = s.int64(1);
      sample.reasoning = s.text(2);
      sample.answer = s.text(3);
      sample.parsed_json = s.text(4);
      r.samples.push_back(std::move(sample));
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<StageResult> Store::load_stage_result(int64_t job_id, int64_t document_id,
                                                    const std::string& stage) const {
  std::vector<StageResult> found = load_stages(job_id, document_id, stage);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<DocumentResults> Store::load_results(int64_t job_id) const {
  std::vector<DocumentResults> out;
  {
    Statement q(db_,
                "SELECT jd.document_id, d.candidate_id, jd.path, d.content_hash FROM job_documents jd "
                "JOIN documents d ON d.id = jd.document_id WHERE jd.job_id = ? ORDER BY jd.id");
    q.bind(1, job_id);
    while (q.step()) {
      DocumentResults d;
      d.document_id = q.int64(0);
      d.candidate_id = q.int64(1);
      d.path = q.text(2);
      d.content_hash = q.text(3);
      out.push_back(std::move(d));
    }
  }
  for (DocumentResults& d : out) d.stages = load_stages(job_id, d.document_id, std::nullopt);
  return out;
}

void Store::erase_candidate(int64_t candidate_id, const std::string& actor, const std::string& reason) {
  {
    Transaction tx(*this);
    {
      Statement q(db_, "SELECT 1 FROM candidates WHERE id = ?");
      q.bind(1, candidate_id);
      if (!q.step()) throw NotFoundError("store: no candidate with id " + std::to_string(candidate_id));
    }
    nlohmann::json docs = nlohmann::json::array();
    {
      Statement q(db_, "SELECT id, content_hash FROM documents WHERE candidate_id = ? ORDER BY id");
      q.bind(1, candidate_id);
      while (q.step()) docs.push_back({{"document_id", q.int64(0)}, {"content_hash", q.text(1)}});
    }
    static constexpr const char* kDocs = "(SELECT id FROM documents WHERE candidate_id = ?)";
    Statement(db_, (std::string("DELETE FROM samples WHERE result_id IN (SELECT id FROM results WHERE "
                                "document_id IN ") + kDocs + ")").c_str())
        .bind(1, candidate_id)
        .run();
    Statement(db_, (std::string("DELETE FROM results WHERE document_id IN ") + kDocs).c_str())
        .bind(1, candidate_id)
        .run();
    Statement(db_, (std::string("DELETE FROM job_documents WHERE document_id IN ") + kDocs).c_str())
        .bind(1, candidate_id)
        .run();
    Statement(db_, "DELETE FROM documents WHERE candidate_id = ?").bind(1, candidate_id).run();
    Statement(db_, "DELETE FROM candidates WHERE id = ?").bind(1, candidate_id).run();
    insert_audit(now_utc(), actor, "candidate.erase", "candidate:" + std::to_string(candidate_id),
                 nlohmann::json{{"reason", reason}, {"documents", docs}}.dump());
    tx.commit();
  }
  // Old page images of the erased rows may still sit in the WAL file: copy back and truncate it.
  exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

void Store::audit(const std::string& actor, const std::string& action, const std::string& subject,
                  const std::string& detail_json) {
  Transaction tx(*this);
  insert_audit(now_utc(), actor, action, subject, detail_json);
  tx.commit();
}

void Store::insert_audit(const std::string& at, const std::string& actor, const std::string& action,
                         const std::string& subject, const std::string& detail_json) {
  Statement(db_, "INSERT INTO audit_log (at, actor, action, subject, detail_json) VALUES (?, ?, ?, ?, ?)")
      .bind(1, at)
      .bind(2, actor)
      .bind(3, action)
      .bind(4, subject)
      .bind(5, detail_json)
      .run();
}

std::vector<AuditEntry> Store::audit_log() const {
  Statement q(db_, "SELECT id, at, actor, action, subject, detail_json FROM audit_log ORDER BY id");
  std::vector<AuditEntry> out;
  while (q.step()) out.push_back({q.int64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5)});
  return out;
}

std::optional<int64_t> Store::candidate_of(int64_t document_id) const {
  Statement q(db_, "SELECT candidate_id FROM documents WHERE id = ?");
  q.bind(1, document_id);
  if (!q.step()) return std::nullopt;
  return q.int64(0);
}

}  // namespace hirelm::store
