#include "auth/auth_store.h"

#include <nlohmann/json.hpp>

#include "auth/secret_token.h"
#include "screening/db/connection.h"

namespace hirelm::auth {

namespace {

// A session's stored expiry is rewritten only when it would move by at least this much, so a burst of
// requests costs one write, not one per request.
constexpr int64_t kSlideGranularitySeconds = 60;
// last_used_at of a token is rewritten at most this often.
constexpr int64_t kTokenUseGranularitySeconds = 60;

Role role_from_column(const std::string& text, const db::Connection& db) {
  const auto role = parse_role(text);
  if (!role) throw IoError(db.name() + ": users.role holds '" + text + "', expected viewer, recruiter or admin");
  return *role;
}

User read_user(const db::Statement& row, const db::Connection& db) {
  User user;
  user.id = row.int64(0);
  user.username = row.text(1);
  user.role = role_from_column(row.text(2), db);
  user.created_at = row.int64(3);
  return user;
}

ApiToken read_token(const db::Statement& row) {
  ApiToken token;
  token.id = row.int64(0);
  token.user_id = row.int64(1);
  token.name = row.text(2);
  token.created_at = row.int64(3);
  token.last_used_at = row.optional_int64(4);
  return token;
}

constexpr const char* kUserColumns = "SELECT id, username, role, created_at FROM users ";
constexpr const char* kTokenColumns = "SELECT id, user_id, name, created_at, last_used_at FROM api_tokens ";

}  // namespace

void validate_username(const std::string& username) {
  if (username.empty() || username.size() > kMaxUsernameLength) {
    throw InvalidInputError("username: expected 1-" + std::to_string(kMaxUsernameLength) + " characters, got " +
                            std::to_string(username.size()));
  }
  for (char c : username) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '@' || c == '-';
    if (!ok) throw InvalidInputError("username: only letters, digits and . _ @ - are allowed");
  }
}

void validate_password(const std::string& password) {
  if (password.size() < kMinPasswordLength) {
    throw InvalidInputError("password: expected at least " + std::to_string(kMinPasswordLength) +
                            " characters, got " + std::to_string(password.size()));
  }
  if (password.size() > kMaxPasswordLength) {
    throw InvalidInputError("password: expected at most " + std::to_string(kMaxPasswordLength) +
                            " characters, got " + std::to_string(password.size()));
  }
}

AuthStore::AuthStore(db::Connection& db, AuthStoreOptions options) : db_(db), options_(std::move(options)) {
  if (!options_.clock) options_.clock = utc_now_seconds;
}

void AuthStore::audit(const std::string& actor, const std::string& action, const std::string& subject,
                      const std::string& detail_json) {
  db_.prepare("INSERT INTO audit_log (at, actor, action, subject, detail_json) VALUES (?, ?, ?, ?, ?)")
      ->bind(1, utc_iso8601(now()))
      .bind(2, actor)
      .bind(3, action)
      .bind(4, subject)
      .bind(5, detail_json)
      .run();
}

User AuthStore::create_user(const std::string& username, const std::string& password, Role role,
                            const std::string& actor) {
  validate_username(username);
  validate_password(password);
  const std::string hash = hash_password(password, options_.password_cost);
  User user;
  user.username = username;
  user.role = role;
  user.created_at = now();
  db::Transaction tx(db_);
  {
    auto exists = db_.prepare("SELECT id FROM users WHERE username = ?");
    exists->bind(1, username);
    if (exists->step()) throw ConflictError("username '" + username + "' is taken");
  }
  try {
    const auto id =
        db_.prepare("INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id")
            ->bind(1, username)
            .bind(2, role_name(role))
            .bind(3, hash)
            .bind(4, user.created_at)
            .run_returning_id();
    if (!id) throw IoError(db_.name() + ": INSERT INTO users returned no id");
    user.id = *id;
  } catch (const db::ConstraintError&) {
    throw ConflictError("username '" + username + "' is taken");
  }
  audit(actor, "user.create", "user:" + std::to_string(user.id),
        nlohmann::json{{"username", username}, {"role", role_name(role)}}.dump());
  tx.commit();
  return user;
}

std::vector<User> AuthStore::list_users() {
  auto q = db_.prepare(std::string(kUserColumns) + "ORDER BY id");
  std::vector<User> users;
  while (q->step()) users.push_back(read_user(*q, db_));
  return users;
}

std::optional<User> AuthStore::find_user(int64_t id) {
  auto q = db_.prepare(std::string(kUserColumns) + "WHERE id = ?");
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return read_user(*q, db_);
}

std::optional<User> AuthStore::find_user(const std::string& username) {
  auto q = db_.prepare(std::string(kUserColumns) + "WHERE username = ?");
  q->bind(1, username);
  if (!q->step()) return std::nullopt;
  return read_user(*q, db_);
}

bool AuthStore::delete_user(int64_t id, const std::string& actor) {
  db::Transaction tx(db_);
  auto q = db_.prepare(std::string(kUserColumns) + "WHERE id = ?");
  q->bind(1, id);
  if (!q->step()) return false;
  const User user = read_user(*q, db_);
  db_.prepare("DELETE FROM sessions WHERE user_id = ?")->bind(1, id).run();
  db_.prepare("DELETE FROM api_tokens WHERE user_id = ?")->bind(1, id).run();
  db_.prepare("DELETE FROM users WHERE id = ?")->bind(1, id).run();
  audit(actor, "user.delete", "user:" + std::to_string(id),
        nlohmann::json{{"username", user.username}, {"role", role_name(user.role)}}.dump());
  tx.commit();
  return true;
}

int64_t AuthStore::count_admins() {
  auto q = db_.prepare("SELECT COUNT(*) FROM users WHERE role = 'admin'");
  return q->step() ? q->int64(0) : 0;
}

std::optional<Principal> AuthStore::verify_login(const std::string& username, const std::string& password) {
  if (password.size() > kMaxPasswordLength) return std::nullopt;  // the same answer for every user
  std::optional<std::string> hash;
  Principal principal;
  {
    auto q = db_.prepare("SELECT id, username, role, password_hash FROM users WHERE username = ?");
    q->bind(1, username);
    if (q->step()) {
      principal.user_id = q->int64(0);
      principal.username = q->text(1);
      principal.role = role_from_column(q->text(2), db_);
      hash = q->text(3);
    }
  }
  if (hash && verify_password(*hash, password)) {
    if (password_needs_rehash(*hash, options_.password_cost)) {
      db_.prepare("UPDATE users SET password_hash = ? WHERE id = ?")
          ->bind(1, hash_password(password, options_.password_cost))
          .bind(2, principal.user_id)
          .run();
    }
    return principal;
  }
  if (!hash) dummy_password_verification(password, options_.password_cost);
  // Only well-formed names reach the audit log, so a client cannot write arbitrary text into it.
  bool well_formed = true;
  try {
    validate_username(username);
  } catch (const InvalidInputError&) {
    well_formed = false;
  }
  audit(well_formed ? username : "-", "auth.login_failed", hash ? "user:" + std::to_string(principal.user_id) : "-",
        nlohmann::json{{"known_user", hash.has_value()}}.dump());
  return std::nullopt;
}

NewSession AuthStore::create_session(int64_t user_id) {
  NewSession session;
  session.secret = random_secret();
  const int64_t t = now();
  session.expires_at = t + options_.session_ttl_seconds;
  db_.prepare("INSERT INTO sessions (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)")
      ->bind(1, user_id)
      .bind(2, sha256_hex(session.secret))
      .bind(3, t)
      .bind(4, session.expires_at)
      .run();
  return session;
}

std::optional<Principal> AuthStore::session_principal(const std::string& secret) {
  const std::string hash = sha256_hex(secret);
  const int64_t t = now();
  auto q = db_.prepare(
      "SELECT s.id, s.expires_at, u.id, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id "
      "WHERE s.token_hash = ?");
  q->bind(1, hash);
  if (!q->step()) return std::nullopt;
  const int64_t session_id = q->int64(0);
  const int64_t expires_at = q->int64(1);
  if (expires_at <= t) return std::nullopt;
  Principal principal{q->int64(2), q->text(3), role_from_column(q->text(4), db_)};
  const int64_t slid = t + options_.session_ttl_seconds;
  if (slid - expires_at >= kSlideGranularitySeconds) {
    db_.prepare("UPDATE sessions SET expires_at = ? WHERE id = ? AND expires_at < ?")
        ->bind(1, slid)
        .bind(2, session_id)
        .bind(3, slid)
        .run();
  }
  return principal;
}

void AuthStore::delete_session(const std::string& secret) {
  db_.prepare("DELETE FROM sessions WHERE token_hash = ?")->bind(1, sha256_hex(secret)).run();
}

int64_t AuthStore::delete_expired_sessions() {
  return db_.prepare("DELETE FROM sessions WHERE expires_at <= ?")->bind(1, now()).run();
}

NewApiToken AuthStore::create_api_token(int64_t user_id, const std::string& name) {
  if (name.empty() || name.size() > kMaxTokenNameLength) {
    throw InvalidInputError("name: expected 1-" + std::to_string(kMaxTokenNameLength) + " characters, got " +
                            std::to_string(name.size()));
  }
  NewApiToken created;
  created.secret = random_api_token();
  created.token.user_id = user_id;
  created.token.name = name;
  created.token.created_at = now();
  const auto id =
      db_.prepare("INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id")
          ->bind(1, user_id)
          .bind(2, name)
          .bind(3, sha256_hex(created.secret))
          .bind(4, created.token.created_at)
          .run_returning_id();
  if (!id) throw IoError(db_.name() + ": INSERT INTO api_tokens returned no id");
  created.token.id = *id;
  return created;
}

std::vector<ApiToken> AuthStore::list_api_tokens(int64_t user_id) {
  auto q = db_.prepare(std::string(kTokenColumns) + "WHERE user_id = ? ORDER BY id");
  q->bind(1, user_id);
  std::vector<ApiToken> tokens;
  while (q->step()) tokens.push_back(read_token(*q));
  return tokens;
}

std::optional<ApiToken> AuthStore::find_api_token(int64_t id) {
  auto q = db_.prepare(std::string(kTokenColumns) + "WHERE id = ?");
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return read_token(*q);
}

bool AuthStore::delete_api_token(int64_t id) {
  return db_.prepare("DELETE FROM api_tokens WHERE id = ?")->bind(1, id).run() > 0;
}

std::optional<Principal> AuthStore::api_token_principal(const std::string& secret) {
  if (secret.rfind(kApiTokenPrefix, 0) != 0) return std::nullopt;
  auto q = db_.prepare(
      "SELECT t.id, t.last_used_at, u.id, u.username, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id "
      "WHERE t.token_hash = ?");
  q->bind(1, sha256_hex(secret));
  if (!q->step()) return std::nullopt;
  const int64_t token_id = q->int64(0);
  const std::optional<int64_t> last_used = q->optional_int64(1);
  Principal principal{q->int64(2), q->text(3), role_from_column(q->text(4), db_)};
  const int64_t t = now();
  if (!last_used || t - *last_used >= kTokenUseGranularitySeconds) {
    db_.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")->bind(1, t).bind(2, token_id).run();
  }
  return principal;
}

}  // namespace hirelm::auth
