#include "screening/store/store.h"

#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "screening/profile/profile_checks.h"
#include "screening/store/migrations.h"
#include "util/check.h"
#include "util/error.h"
#include "util/utc_time.h"

namespace hirelm::store {

namespace {

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

// For an INSERT ... RETURNING id that always inserts: the returned id, the statement run to its end.
int64_t returning_id(db::Statement& insert) {
  const std::optional<int64_t> id = insert.run_returning_id();
  HIRELM_CHECK(id.has_value());
  return *id;
}

// Advisory lock keys (db::Connection::lock) of the store's check-then-write sequences; no-ops on SQLite, where
// every write transaction holds the database's write lock.
std::string stage_lock(int64_t job_id, int64_t document_id, const std::string& stage) {
  return "hirelm.results:" + std::to_string(job_id) + ":" + std::to_string(document_id) + ":" + stage;
}
constexpr std::string_view kCandidatesLock = "hirelm.candidates";

// The columns results rows are read with, and the reader of one such row (a StageResult without samples).
constexpr std::string_view kResultColumns = "id, document_id, run_id, stage, status, value_json, flags_json";

StageResult stage_from_row(db::Statement& q, int64_t job_id) {
  StageResult r;
  r.job_id = job_id;
  r.document_id = q.int64(1);
  r.run_id = q.is_null(2) ? 0 : q.int64(2);
  r.stage = q.text(3);
  r.status = q.text(4);
  r.value_json = q.text(5);
  r.flags = flags_from_json(q.text(6));
  return r;
}

// Columns 1..5 of a samples query: sample_index, seed, reasoning, answer, parsed_json.
Sample sample_from_row(db::Statement& s) {
  Sample sample;
  sample.index = static_cast<int>(s.int64(1));
  sample.seed = s.optional_int64(2);
  sample.reasoning = s.text(3);
  sample.answer = s.text(4);
  sample.parsed_json = s.text(5);
  return sample;
}

}  // namespace

const StageResult* DocumentResults::stage(const std::string& name) const {
  for (const StageResult& s : stages) {
    if (s.stage == name) return &s;
  }
  return nullptr;
}

Store::Store(const std::string& spec) : Store(db::open(spec)) {}

Store::Store(std::unique_ptr<db::Connection> connection) : db_(std::move(connection)) {
  HIRELM_CHECK(db_ != nullptr);
  // SQLite: erased candidates' bytes are overwritten, not left in free pages.
  if (db_->dialect() == db::Dialect::kSqlite) db_->exec("PRAGMA secure_delete = ON");
  migrate(*db_);
}

Store::~Store() = default;

int Store::schema_version() const { return store::schema_version(*db_); }

int64_t Store::upsert_job(const JobInput& job) {
  db::Transaction tx(*db_);
  // ON CONFLICT waits for a concurrent inserter of the same hash and then does nothing; the SELECT (a new
  // snapshot on PostgreSQL's READ COMMITTED) sees whichever row won.
  db_->prepare(
         "INSERT INTO jobs (content_hash, title, text, source_path, created_at) VALUES (?, ?, ?, ?, ?) "
         "ON CONFLICT (content_hash) DO NOTHING")
      ->bind(1, job.content_hash)
      .bind(2, job.title)
      .bind(3, job.text)
      .bind(4, job.source_path)
      .bind(5, utc_now_iso8601())
      .run();
  auto q = db_->prepare("SELECT id FROM jobs WHERE content_hash = ?");
  q->bind(1, job.content_hash);
  HIRELM_CHECK(q->step());
  const int64_t id = q->int64(0);
  tx.commit();
  return id;
}

AddedDocument Store::add_candidate_document(int64_t job_id, const DocumentInput& doc) {
  db::Transaction tx(*db_);
  AddedDocument out;
  const auto find_existing = [&] {
    auto q = db_->prepare("SELECT id, candidate_id FROM documents WHERE content_hash = ?");
    q->bind(1, doc.content_hash);
    if (!q->step()) return false;
    out.document_id = q->int64(0);
    out.candidate_id = q->int64(1);
    out.existing = true;
    return true;
  };
  if (!find_existing()) {
    const std::string now = utc_now_iso8601();
    out.candidate_id =
        returning_id(db_->prepare("INSERT INTO candidates (created_at) VALUES (?) RETURNING id")->bind(1, now));
    // A concurrent writer (PostgreSQL) may insert the same content hash between our SELECT and this INSERT:
    // ON CONFLICT then inserts nothing and the stored document wins; our fresh candidate row goes again.
    auto insert = db_->prepare(
        "INSERT INTO documents (candidate_id, content_hash, path, text, language, method, meta_json, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (content_hash) DO NOTHING RETURNING id");
    insert->bind(1, out.candidate_id)
        .bind(2, doc.content_hash)
        .bind(3, doc.path)
        .bind(4, doc.text)
        .bind(5, doc.language)
        .bind(6, doc.method)
        .bind(7, doc.meta_json)
        .bind(8, now);
    if (const std::optional<int64_t> id = insert->run_returning_id()) {
      out.document_id = *id;
    } else {
      db_->prepare("DELETE FROM candidates WHERE id = ?")->bind(1, out.candidate_id).run();
      HIRELM_CHECK(find_existing());
    }
  }
  db_->prepare(
         "INSERT INTO job_documents (job_id, document_id, path, added_at) VALUES (?, ?, ?, ?) "
         "ON CONFLICT (job_id, document_id) DO NOTHING")
      ->bind(1, job_id)
      .bind(2, out.document_id)
      .bind(3, doc.path)
      .bind(4, utc_now_iso8601())
      .run();
  tx.commit();
  return out;
}

ContactLink Store::link_contact(int64_t document_id, const std::optional<std::string>& email,
                                const std::optional<std::string>& phone, const std::optional<std::string>& name) {
  const std::string email_norm = email ? profile::normalize_email(*email) : std::string();
  const std::string phone_norm = phone ? profile::normalize_phone(*phone) : std::string();
  db::Transaction tx(*db_);
  // Two documents of one person linked at once must not both miss each other: one at a time.
  db_->lock(kCandidatesLock);
  ContactLink out;
  {
    auto q = db_->prepare("SELECT candidate_id FROM documents WHERE id = ?");
    q->bind(1, document_id);
    if (!q->step()) throw NotFoundError("store: no document with id " + std::to_string(document_id));
    out.candidate_id = q->int64(0);
  }
  std::optional<int64_t> other;
  if (!email_norm.empty() || !phone_norm.empty()) {
    auto q = db_->prepare(
        "SELECT id FROM candidates WHERE id <> ? AND ((email_norm = ? AND ? <> '') OR "
        "(phone_norm = ? AND ? <> '')) ORDER BY id LIMIT 1");
    q->bind(1, out.candidate_id).bind(2, email_norm).bind(3, email_norm).bind(4, phone_norm).bind(5, phone_norm);
    if (q->step()) other = q->int64(0);
  }
  const int64_t target = other.value_or(out.candidate_id);
  if (other) {
    db_->prepare("UPDATE documents SET candidate_id = ? WHERE id = ?")->bind(1, *other).bind(2, document_id).run();
    db_->prepare("DELETE FROM candidates WHERE id = ? AND NOT EXISTS (SELECT 1 FROM documents WHERE candidate_id = ?)")
        ->bind(1, out.candidate_id)
        .bind(2, out.candidate_id)
        .run();
    out.candidate_id = *other;
    out.duplicate_of = *other;
  }
  db_->prepare(
         "UPDATE candidates SET email_norm = COALESCE(email_norm, NULLIF(?, '')), "
         "phone_norm = COALESCE(phone_norm, NULLIF(?, '')), name = COALESCE(name, NULLIF(?, '')) WHERE id = ?")
      ->bind(1, email_norm)
      .bind(2, phone_norm)
      .bind(3, name.value_or(""))
      .bind(4, target)
      .run();
  tx.commit();
  return out;
}

int64_t Store::begin_run(const RunInput& run) {
  db::Transaction tx(*db_);
  const std::string now = utc_now_iso8601();
  const int64_t id = returning_id(
      db_->prepare(
             "INSERT INTO runs (job_id, model_id, prompt_hash, parameters_json, seeds_json, actor, started_at) "
             "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")
          ->bind(1, run.job_id)
          .bind(2, run.model_id)
          .bind(3, run.prompt_hash)
          .bind(4, run.parameters_json)
          .bind(5, run.seeds_json)
          .bind(6, run.actor)
          .bind(7, now));
  insert_audit(now, run.actor, "run.start", "run:" + std::to_string(id),
               nlohmann::json{{"job_id", run.job_id}, {"model_id", run.model_id}, {"prompt_hash", run.prompt_hash}}
                   .dump());
  tx.commit();
  return id;
}

void Store::finish_run(int64_t run_id) {
  db::Transaction tx(*db_);
  db_->prepare("UPDATE runs SET finished_at = ? WHERE id = ?")->bind(1, utc_now_iso8601()).bind(2, run_id).run();
  tx.commit();
}

std::vector<int64_t> Store::list_pending(int64_t job_id, const std::string& stage) const {
  auto q = db_->prepare(
      "SELECT jd.document_id FROM job_documents jd WHERE jd.job_id = ? AND NOT EXISTS "
      "(SELECT 1 FROM results r WHERE r.job_id = jd.job_id AND r.document_id = jd.document_id "
      "AND r.stage = ?) ORDER BY jd.id");
  q->bind(1, job_id).bind(2, stage);
  std::vector<int64_t> out;
  while (q->step()) out.push_back(q->int64(0));
  return out;
}

int64_t Store::save_stage_result(const StageResult& r) {
  db::Transaction tx(*db_);
  // Two writers of the same (job, document, stage) would both find no old result and collide on the unique
  // key: one at a time.
  db_->lock(stage_lock(r.job_id, r.document_id, r.stage));
  {
    auto old = db_->prepare("SELECT id FROM results WHERE job_id = ? AND document_id = ? AND stage = ?");
    old->bind(1, r.job_id).bind(2, r.document_id).bind(3, r.stage);
    if (old->step()) {
      const int64_t old_id = old->int64(0);
      db_->prepare("DELETE FROM samples WHERE result_id = ?")->bind(1, old_id).run();
      db_->prepare("DELETE FROM results WHERE id = ?")->bind(1, old_id).run();
    }
  }
  auto ins = db_->prepare(
      "INSERT INTO results (job_id, document_id, run_id, stage, status, value_json, flags_json, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  ins->bind(1, r.job_id).bind(2, r.document_id);
  if (r.run_id > 0) ins->bind(3, r.run_id);
  else ins->bind_null(3);
  ins->bind(4, r.stage).bind(5, r.status).bind(6, r.value_json).bind(7, flags_to_json(r.flags)).bind(8, utc_now_iso8601());
  const int64_t id = returning_id(*ins);
  auto sample = db_->prepare(
      "INSERT INTO samples (result_id, sample_index, seed, reasoning, answer, parsed_json) VALUES (?, ?, ?, ?, ?, ?)");
  for (const Sample& s : r.samples) {
    sample->bind(1, id)
        .bind(2, s.index)
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
  // Two texts rather than `? IS NULL OR stage = ?`: PostgreSQL cannot type a parameter that is only tested
  // for NULL.
  auto q = db_->prepare("SELECT " + std::string(kResultColumns) + " FROM results WHERE job_id = ? AND document_id = ?" +
                        (stage ? " AND stage = ?" : "") + " ORDER BY stage");
  q->bind(1, job_id).bind(2, document_id);
  if (stage) q->bind(3, *stage);
  auto s = db_->prepare(
      "SELECT result_id, sample_index, seed, reasoning, answer, parsed_json FROM samples WHERE result_id = ? "
      "ORDER BY sample_index");
  std::vector<StageResult> out;
  while (q->step()) {
    StageResult r = stage_from_row(*q, job_id);
    s->bind(1, q->int64(0));
    while (s->step()) r.samples.push_back(sample_from_row(*s));
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
  // Three queries whatever the batch size: the documents, every stored stage of the job, every sample of those.
  std::vector<DocumentResults> out;
  std::unordered_map<int64_t, size_t> document_at;  // document id -> index in out
  {
    auto q = db_->prepare(
        "SELECT jd.document_id, d.candidate_id, jd.path, d.content_hash FROM job_documents jd "
        "JOIN documents d ON d.id = jd.document_id WHERE jd.job_id = ? ORDER BY jd.id");
    q->bind(1, job_id);
    while (q->step()) {
      DocumentResults d;
      d.document_id = q->int64(0);
      d.candidate_id = q->int64(1);
      d.path = q->text(2);
      d.content_hash = q->text(3);
      document_at.emplace(d.document_id, out.size());
      out.push_back(std::move(d));
    }
  }
  std::unordered_map<int64_t, std::pair<size_t, size_t>> result_at;  // result id -> (document, stage) index
  {
    auto q = db_->prepare("SELECT " + std::string(kResultColumns) +
                          " FROM results WHERE job_id = ? ORDER BY document_id, stage");
    q->bind(1, job_id);
    while (q->step()) {
      const auto doc = document_at.find(q->int64(1));
      if (doc == document_at.end()) continue;  // not (or no longer) in the job's batch
      std::vector<StageResult>& stages = out[doc->second].stages;
      result_at.emplace(q->int64(0), std::make_pair(doc->second, stages.size()));
      stages.push_back(stage_from_row(*q, job_id));
    }
  }
  auto s = db_->prepare(
      "SELECT s.result_id, s.sample_index, s.seed, s.reasoning, s.answer, s.parsed_json FROM samples s "
      "JOIN results r ON r.id = s.result_id WHERE r.job_id = ? ORDER BY s.result_id, s.sample_index");
  s->bind(1, job_id);
  while (s->step()) {
    const auto at = result_at.find(s->int64(0));
    if (at == result_at.end()) continue;
    out[at->second.first].stages[at->second.second].samples.push_back(sample_from_row(*s));
  }
  return out;
}

void Store::erase_candidate(int64_t candidate_id, const std::string& actor, const std::string& reason) {
  {
    db::Transaction tx(*db_);
    // Not while link_contact moves documents onto this candidate, nor twice at once.
    db_->lock(kCandidatesLock);
    {
      auto q = db_->prepare("SELECT 1 FROM candidates WHERE id = ?");
      q->bind(1, candidate_id);
      if (!q->step()) throw NotFoundError("store: no candidate with id " + std::to_string(candidate_id));
    }
    nlohmann::json docs = nlohmann::json::array();
    {
      auto q = db_->prepare("SELECT id, content_hash FROM documents WHERE candidate_id = ? ORDER BY id");
      q->bind(1, candidate_id);
      while (q->step()) docs.push_back({{"document_id", q->int64(0)}, {"content_hash", q->text(1)}});
    }
    static constexpr std::string_view kDocs = "(SELECT id FROM documents WHERE candidate_id = ?)";
    for (const std::string& sql :
         {"DELETE FROM samples WHERE result_id IN (SELECT id FROM results WHERE document_id IN " +
              std::string(kDocs) + ")",
          "DELETE FROM results WHERE document_id IN " + std::string(kDocs),
          "DELETE FROM job_documents WHERE document_id IN " + std::string(kDocs),
          std::string("DELETE FROM documents WHERE candidate_id = ?"), std::string("DELETE FROM candidates WHERE id = ?")}) {
      db_->prepare(sql)->bind(1, candidate_id).run();
    }
    insert_audit(utc_now_iso8601(), actor, "candidate.erase", "candidate:" + std::to_string(candidate_id),
                 nlohmann::json{{"reason", reason}, {"documents", docs}}.dump());
    tx.commit();
  }
  // SQLite: old page images of the erased rows may still sit in the WAL file: copy back and truncate it.
  // PostgreSQL keeps dead row versions until VACUUM (docs/store.md).
  if (db_->dialect() == db::Dialect::kSqlite) db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

void Store::audit(const std::string& actor, const std::string& action, const std::string& subject,
                  const std::string& detail_json) {
  db::Transaction tx(*db_);
  insert_audit(utc_now_iso8601(), actor, action, subject, detail_json);
  tx.commit();
}

void Store::insert_audit(const std::string& at, const std::string& actor, const std::string& action,
                         const std::string& subject, const std::string& detail_json) {
  db_->prepare("INSERT INTO audit_log (at, actor, action, subject, detail_json) VALUES (?, ?, ?, ?, ?)")
      ->bind(1, at)
      .bind(2, actor)
      .bind(3, action)
      .bind(4, subject)
      .bind(5, detail_json)
      .run();
}

std::vector<AuditEntry> Store::audit_log() const {
  auto q = db_->prepare("SELECT id, at, actor, action, subject, detail_json FROM audit_log ORDER BY id");
  std::vector<AuditEntry> out;
  while (q->step()) out.push_back({q->int64(0), q->text(1), q->text(2), q->text(3), q->text(4), q->text(5)});
  return out;
}

std::optional<int64_t> Store::candidate_of(int64_t document_id) const {
  auto q = db_->prepare("SELECT candidate_id FROM documents WHERE id = ?");
  q->bind(1, document_id);
  if (!q->step()) return std::nullopt;
  return q->int64(0);
}

}  // namespace hirelm::store
