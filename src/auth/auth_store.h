// Users, sessions and API tokens in the screening database (store migration 4: users, sessions, api_tokens;
// docs/auth.md). Works over any db::Connection (SQLite or PostgreSQL); the schema must be migrated already.
//
// Secrets: passwords are stored as Argon2id hashes (password_hash.h); session and API-token secrets only as
// SHA-256 hex (secret_token.h). A plaintext secret exists only in the value returned to the caller.
// Times in the tables are whole seconds since the Unix epoch, from the injectable clock.
//
// Threading: like its connection, an AuthStore belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/password_hash.h"
#include "auth/principal.h"
#include "auth/role.h"
#include "util/error.h"
#include "util/utc_time.h"

namespace hirelm::db {
class Connection;
}

namespace hirelm::auth {

// Seconds since the Unix epoch; the default is the system clock (util/utc_time.h utc_now_seconds).
using Clock = std::function<int64_t()>;

// The thing asked for exists already (a username taken): HTTP 409, CLI exit 2.
class ConflictError : public InvalidInputError {
 public:
  explicit ConflictError(const std::string& message) : InvalidInputError(message) {}
};

struct User {
  int64_t id = 0;
  std::string username;
  Role role = Role::kViewer;
  int64_t created_at = 0;
};

struct ApiToken {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  int64_t created_at = 0;
  std::optional<int64_t> last_used_at;
};

struct NewApiToken {
  ApiToken token;
  std::string secret;  // "hlm_...": shown once, never stored
};

struct NewSession {
  std::string secret;  // the cookie value: shown once, never stored
  int64_t expires_at = 0;
};

struct AuthStoreOptions {
  PasswordCost password_cost = kInteractiveCost;
  int64_t session_ttl_seconds = 12 * 3600;  // sliding: each use moves the expiry this far ahead
  Clock clock = utc_now_seconds;
};

inline constexpr size_t kMaxUsernameLength = 64;
inline constexpr size_t kMinPasswordLength = 8;
inline constexpr size_t kMaxPasswordLength = 1024;  // bounds the work one login request can ask for
inline constexpr size_t kMaxTokenNameLength = 100;

// Throws InvalidInputError naming the rule when `username` is not 1-64 characters of [A-Za-z0-9._@-].
void validate_username(const std::string& username);
// Throws InvalidInputError unless 8 <= length <= 1024 bytes.
void validate_password(const std::string& password);

class AuthStore {
 public:
  explicit AuthStore(db::Connection& db, AuthStoreOptions options = {});

  // Creates a user; `actor` names who did it in the audit log. Throws InvalidInputError for a bad username
  // or password, ConflictError when the username is taken.
  User create_user(const std::string& username, const std::string& password, Role role, const std::string& actor);
  std::vector<User> list_users();  // by id
  std::optional<User> find_user(int64_t id);
  std::optional<User> find_user(const std::string& username);
  // Deletes the user with its sessions and API tokens; false when there is no such user.
  bool delete_user(int64_t id, const std::string& actor);
  // Number of users with role admin.
  int64_t count_admins();

  // The principal when `password` is the user's; nullopt otherwise, with the same cost (one Argon2id
  // verification) whether or not the user exists. A failure is written to the audit log
  // (action "auth.login_failed"). A hash made at another cost than the options' is re-hashed on success.
  std::optional<Principal> verify_login(const std::string& username, const std::string& password);

  // A new session for the user, valid session_ttl_seconds from now.
  NewSession create_session(int64_t user_id);
  // The principal of a live session, moving its expiry to now + ttl; nullopt for unknown or expired ones.
  std::optional<Principal> session_principal(const std::string& secret);
  void delete_session(const std::string& secret);
  // Deletes expired sessions; returns how many.
  int64_t delete_expired_sessions();

  // A new API token for the user. Throws InvalidInputError for an empty or over-long name.
  NewApiToken create_api_token(int64_t user_id, const std::string& name);
  std::vector<ApiToken> list_api_tokens(int64_t user_id);  // by id
  std::optional<ApiToken> find_api_token(int64_t id);
  bool delete_api_token(int64_t id);
  // The principal a token belongs to, recording last_used_at; nullopt for an unknown token.
  std::optional<Principal> api_token_principal(const std::string& secret);

  int64_t now() const { return options_.clock(); }

 private:
  void audit(const std::string& actor, const std::string& action, const std::string& subject,
             const std::string& detail_json);

  db::Connection& db_;
  AuthStoreOptions options_;
};

}  // namespace hirelm::auth
