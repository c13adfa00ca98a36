// The screening store: a SQLite file (--db, default ./hirelm.db) or a PostgreSQL database (a postgresql:// URL)
// holding jobs, candidates, documents, runs, per-stage results with every sample, and an audit log, through
// the db layer (src/screening/db). Schema, migrations and the PostgreSQL differences: docs/store.md.
//
// Crash safety: every public write is one transaction (SQLite: WAL journal, synchronous=FULL), so a process
// killed with kill -9 at any point leaves either all of a call's effect or none of it. Re-running the same
// batch finds documents by content hash and stage results by (job, document, stage), so nothing is redone,
// lost or duplicated. Concurrent writers (several processes or machines) stay race-free on both backends.
//
// Threading: one Store per thread (the connection is not shared); several processes may open one database.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "screening/db/connection.h"

namespace hirelm::store {

struct JobInput {
  std::string content_hash;  // identity of the job description (e.g. "sha256:..." of the file bytes)
  std::string title;
  std::string text;
  std::string source_path;
};

// A resume file of a batch. content_hash is the document's identity ("sha256:..." of the file bytes).
struct DocumentInput {
  std::string path;  // as given on the command line
  std::string content_hash;
  std::string text;  // extracted text ("" for a file that failed intake)
  std::string language;
  std::string method;
  std::string meta_json = "{}";  // intake warnings/flags etc., opaque here
};

struct AddedDocument {
  int64_t candidate_id = 0;
  int64_t document_id = 0;
  bool existing = false;  // the content hash was already stored: ids are the stored ones, nothing was added
};

struct ContactLink {
  int64_t candidate_id = 0;  // the candidate the document belongs to now
  // The candidate id the document was merged into because another document has the same normalized
  // email or phone; nullopt when it stayed on its own.
  std::optional<int64_t> duplicate_of;
};

struct RunInput {
  int64_t job_id = 0;
  std::string model_id;
  std::string prompt_hash;      // hash of the prompts and rubric used
  std::string parameters_json;  // sampling parameters, samples, blind, lang, ...
  std::string seeds_json;       // e.g. "[1,2,3]"
  std::string actor;            // who ran it (user name), for the audit log
};

struct Sample {
  int index = 0;  // 0-based within the stage
  std::optional<int64_t> seed;
  std::string reasoning;    // raw <think> text
  std::string answer;       // raw answer text after </think>
  std::string parsed_json;  // what the caller parsed from it ("null" when nothing)
};

// One finished stage of one document in one job: "profile", "score", "feedback", "intake", ...
struct StageResult {
  int64_t job_id = 0;
  int64_t document_id = 0;
  int64_t run_id = 0;
  std::string stage;
  std::string status;            // caller-defined, e.g. "ok", "no_score", "error"
  std::string value_json = "{}";  // the stage's parsed outcome
  std::vector<std::string> flags;
  std::vector<Sample> samples;
};

// What export needs of one document of a job: identity plus every stage's stored result.
struct DocumentResults {
  int64_t document_id = 0;
  int64_t candidate_id = 0;
  std::string path;
  std::string content_hash;
  std::vector<StageResult> stages;  // ordered by stage name

  const StageResult* stage(const std::string& name) const;
};

struct AuditEntry {
  int64_t id = 0;
  std::string at;  // UTC ISO-8601
  std::string actor;
  std::string action;
  std::string subject;
  std::string detail_json;
};

class Store {
 public:
  // Opens `spec` (a SQLite path, created when missing, or a PostgreSQL URL) and migrates it to
  // latest_schema_version(). Throws IoError when the database cannot be opened or reached or the file is not a
  // database, UnsupportedError when its schema is newer than this build's.
  explicit Store(const std::string& spec);
  // The same over a connection the caller opened (db::open); the store owns it from now on.
  explicit Store(std::unique_ptr<db::Connection> connection);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int schema_version() const;

  // The store's connection, for callers that keep their own tables in the same database (the service, auth)
  // and want to share it. Same thread rules as the Store.
  db::Connection& connection() { return *db_; }

  // Inserts the job or returns the id of the stored one with the same content hash.
  int64_t upsert_job(const JobInput& job);

  // Adds a document (and a new candidate for it) to the store and to the job's batch. A document whose
  // content hash is stored already is returned as is (existing = true) and only linked to the job.
  AddedDocument add_candidate_document(int64_t job_id, const DocumentInput& doc);

  // Records the contact the profile stage found (raw; normalized here by profile::normalize_email /
  // normalize_phone). When another live candidate has the same normalized email or phone, the document moves to
  // that candidate (its own candidate row is dropped if empty) and duplicate_of names it.
  ContactLink link_contact(int64_t document_id, const std::optional<std::string>& email,
                           const std::optional<std::string>& phone, const std::optional<std::string>& name);

  int64_t begin_run(const RunInput& run);
  void finish_run(int64_t run_id);

  // Documents of the job's batch without a stored result for `stage`, in the order they were added.
  std::vector<int64_t> list_pending(int64_t job_id, const std::string& stage) const;

  // Stores one finished stage with its samples, replacing a stored result of the same (job, document,
  // stage): one transaction.
  int64_t save_stage_result(const StageResult& result);

  std::optional<StageResult> load_stage_result(int64_t job_id, int64_t document_id, const std::string& stage) const;

  // Every document of the job's batch with all its stored stages, in the order they were added.
  std::vector<DocumentResults> load_results(int64_t job_id) const;

  // Deletes the candidate with its documents, results and samples (secure_delete: the bytes are zeroed),
  // leaving an audit line with the ids and content hashes only. Throws NotFoundError for an unknown id.
  void erase_candidate(int64_t candidate_id, const std::string& actor, const std::string& reason);

  void audit(const std::string& actor, const std::string& action, const std::string& subject,
             const std::string& detail_json = "{}");
  std::vector<AuditEntry> audit_log() const;

  // The candidate id a document belongs to, or nullopt.
  std::optional<int64_t> candidate_of(int64_t document_id) const;

 private:
  // The stored results of (job, document) with their samples, ordered by stage name; only `stage` when given.
  std::vector<StageResult> load_stages(int64_t job_id, int64_t document_id,
                                       const std::optional<std::string>& stage) const;
  // One audit_log row, inside the caller's transaction.
  void insert_audit(const std::string& at, const std::string& actor, const std::string& action,
                    const std::string& subject, const std::string& detail_json);

  std::unique_ptr<db::Connection> db_;
};

// Highest migration this build knows (migrations.h).
int latest_schema_version();

}  // namespace hirelm::store
