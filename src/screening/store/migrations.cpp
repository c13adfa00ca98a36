#include "screening/store/migrations.h"

namespace hirelm::store {

namespace {

// Version 1: the whole screening schema. Timestamps are UTC ISO-8601 TEXT written by the program (not a
// database clock function) so the SQL stays portable; JSON columns are TEXT.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE jobs (
  id {{id}},
  content_hash TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  source_path TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE candidates (
  id {{id}},
  name TEXT,
  email_norm TEXT,
  phone_norm TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX candidates_email ON candidates (email_norm);
CREATE INDEX candidates_phone ON candidates (phone_norm);
CREATE TABLE documents (
  id {{id}},
  candidate_id INTEGER NOT NULL REFERENCES candidates (id),
  content_hash TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL,
  text TEXT NOT NULL,
  language TEXT NOT NULL,
  method TEXT NOT NULL,
  meta_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX documents_candidate ON documents (candidate_id);
CREATE TABLE job_documents (
  id {{id}},
  job_id INTEGER NOT NULL REFERENCES jobs (id),
  document_id INTEGER NOT NULL REFERENCES documents (id),
  path TEXT NOT NULL,
  added_at TEXT NOT NULL,
  UNIQUE (job_id, document_id)
);
CREATE TABLE runs (
  id {{id}},
  job_id INTEGER NOT NULL REFERENCES jobs (id),
  model_id TEXT NOT NULL,
  prompt_hash TEXT NOT NULL,
  parameters_json TEXT NOT NULL,
  seeds_json TEXT NOT NULL,
  actor TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE TABLE results (
  id {{id}},
  job_id INTEGER NOT NULL REFERENCES jobs (id),
  document_id INTEGER NOT NULL REFERENCES documents (id),
  run_id INTEGER REFERENCES runs (id),
  stage TEXT NOT NULL,
  status TEXT NOT NULL,
  value_json TEXT NOT NULL,
  flags_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (job_id, document_id, stage)
);
CREATE TABLE samples (
  id {{id}},
  result_id INTEGER NOT NULL REFERENCES results (id),
  sample_index INTEGER NOT NULL,
  seed BIGINT,
  reasoning TEXT NOT NULL,
  answer TEXT NOT NULL,
  parsed_json TEXT NOT NULL,
  UNIQUE (result_id, sample_index)
);
CREATE TABLE audit_log (
  id {{id}},
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail_json TEXT NOT NULL
)
)sql";

// Version 2: the durable task queue (src/screening/queue, docs/queue.md). Times here are whole seconds since
// the Unix epoch (BIGINT, from the queue's injectable clock) because claiming compares them. dedup_key is
// UNIQUE when not null (NULLs are distinct in SQLite and PostgreSQL alike). job_id has no foreign key: a task
// may name a job the queue's caller manages elsewhere.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE tasks (
  id {{id}},
  kind TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  job_id BIGINT,
  dedup_key TEXT UNIQUE,
  state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'failed', 'cancelled')),
  attempts INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  not_before BIGINT NOT NULL,
  lease_owner TEXT,
  lease_expires_at BIGINT,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX tasks_claim ON tasks (state, id);
CREATE INDEX tasks_lease ON tasks (state, lease_expires_at);
CREATE INDEX tasks_job ON tasks (job_id, state)
)sql";

// Version 3 (the screening service, src/screening/service, docs/api.md): jobs made through the API keep their
// whole job file in jobs.text and an updated_at; runs started through the API have a state (running, paused,
// cancelled; NULL for CLI runs) and their queue tasks listed in run_tasks (one per document); originals keeps
// an uploaded file's bytes (one per document, no foreign key so erasure can delete it first).
constexpr std::string_view kV3 = R"sql(
ALTER TABLE jobs ADD COLUMN updated_at TEXT;
ALTER TABLE runs ADD COLUMN state TEXT;
CREATE TABLE run_tasks (
  run_id BIGINT NOT NULL REFERENCES runs (id),
  document_id BIGINT NOT NULL,
  task_id BIGINT NOT NULL,
  PRIMARY KEY (run_id, document_id)
);
CREATE INDEX run_tasks_task ON run_tasks (task_id);
CREATE TABLE originals (
  document_id BIGINT PRIMARY KEY,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  bytes BLOB NOT NULL
)
)sql";

// Version 4: accounts (src/auth, docs/auth.md). Times are whole seconds since the Unix epoch from the auth
// store's injectable clock. Secrets are never stored: password_hash is an Argon2id string, token_hash the
// SHA-256 hex of a session or API-token secret. Deleting a user deletes its sessions and tokens (the auth store
// does it explicitly; ON DELETE CASCADE backs it up).
constexpr std::string_view kV4 = R"sql(
CREATE TABLE users (
  id {{id}},
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'recruiter', 'admin')),
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE sessions (
  id {{id}},
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE TABLE api_tokens (
  id {{id}},
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id)
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kAll = {{1, kV1}, {2, kV2}, {3, kV3}, {4, kV4}};
  return kAll;
}

namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Replaces every occurrence of `word` that stands as a whole word (not part of a longer identifier).
void replace_word(std::string& sql, std::string_view word, std::string_view with) {
  for (size_t at = sql.find(word); at != std::string::npos; at = sql.find(word, at)) {
    const bool starts = at == 0 || !is_word_char(sql[at - 1]);
    const bool ends = at + word.size() == sql.size() || !is_word_char(sql[at + word.size()]);
    if (starts && ends) {
      sql.replace(at, word.size(), with);
      at += with.size();
    } else {
      at += word.size();
    }
  }
}

}  // namespace

std::string render_migration(const Migration& migration, SqlDialect dialect) {
  std::string sql(migration.sql);
  if (dialect == SqlDialect::kSqlite) {
    replace_word(sql, "{{id}}", "INTEGER PRIMARY KEY");
  } else {
    replace_word(sql, "{{id}}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    replace_word(sql, "BLOB", "BYTEA");
  }
  return sql;
}

}  // namespace hirelm::store
