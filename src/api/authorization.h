// Access control of the screening API (docs/api.md "Access", docs/auth.md). ScreeningApi makes one Authorizer
// from its database spec; every /api handler but POST /api/auth/login calls require() first.
//
// Credentials, in this order: `Authorization: Bearer hlm_...` (an API token), else the `hirelm_session`
// cookie set by POST /api/auth/login. A request that carries a bad one of either is 401 even if the other
// would be good: a client learns at once that its credential is wrong.
//
// Threading: handlers run on the HTTP server's pool; each call takes a database connection of its own from
// a small pool (a Connection belongs to one thread at a time), opening more as concurrency needs.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "auth/auth_store.h"
#include "auth/login_limiter.h"
#include "auth/principal.h"
#include "auth/role.h"

namespace hirelm::server {
struct HttpRequest;
class HttpServer;
}  // namespace hirelm::server

namespace hirelm::api {

struct AuthorizerOptions {
  auth::AuthStoreOptions store;  // password cost, session lifetime, clock
  auth::LoginLimits login_limits;
};

class Authorizer {
 public:
  // Opens connections to `db_spec` (SQLite path or PostgreSQL URL) as needed; the schema must be migrated
  // (store migration 4). Throws IoError when the database cannot be opened.
  explicit Authorizer(const std::string& db_spec, AuthorizerOptions options = {});
  ~Authorizer();
  Authorizer(const Authorizer&) = delete;
  Authorizer& operator=(const Authorizer&) = delete;

  // The request's principal when it has at least `minimum`; throws HttpError 401 (no or bad credentials)
  // or 403 (the role is too low; the message names the role needed).
  auth::Principal require(const server::HttpRequest& request, auth::Role minimum);

  // POST /api/auth/login, /api/auth/logout, GET /api/auth/me, GET|POST /api/users, DELETE /api/users/{id},
  // GET|POST /api/tokens, DELETE /api/tokens/{id} (auth_routes.cpp).
  void register_routes(server::HttpServer& server);

  // Runs `fn` with an AuthStore over a pooled connection (the connection is returned afterwards).
  void with_store(const std::function<void(auth::AuthStore&)>& fn);

  // True when the request came over TLS or through a proxy that says so (X-Forwarded-Proto: https): the
  // session cookie is then marked Secure.
  static bool secure_request(const server::HttpRequest& request);

 private:
  class ConnectionPool;

  std::unique_ptr<ConnectionPool> pool_;
  AuthorizerOptions options_;
  auth::LoginLimiter limiter_;
};

}  // namespace hirelm::api
