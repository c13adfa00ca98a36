#include "api/authorization.h"

#include <mutex>
#include <vector>

#include "api/http_error.h"
#include "auth/credentials.h"
#include "screening/db/connection.h"
#include "server/http_server.h"

namespace hirelm::api {

// Connections not in use, opened on demand; one is lent to each call for its duration.
class Authorizer::ConnectionPool {
 public:
  explicit ConnectionPool(std::string spec) : spec_(std::move(spec)) {}

  std::unique_ptr<db::Connection> acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        return connection;
      }
    }
    return db::open(spec_);
  }

  void release(std::unique_ptr<db::Connection> connection) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(connection));
  }

 private:
  static constexpr size_t kMaxIdle = 16;
  std::string spec_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<db::Connection>> idle_;
};

Authorizer::Authorizer(const std::string& db_spec, AuthorizerOptions options)
    : pool_(std::make_unique<ConnectionPool>(db_spec)), options_(std::move(options)), limiter_(options_.login_limits) {
  pool_->release(pool_->acquire());  // fails now, not on the first request, when the database cannot be opened
}

Authorizer::~Authorizer() = default;

void Authorizer::with_store(const std::function<void(auth::AuthStore&)>& fn) {
  auto connection = pool_->acquire();
  auth::AuthStore store(*connection, options_.store);
  fn(store);  // on an exception the connection is dropped, not pooled: it may be mid-transaction
  pool_->release(std::move(connection));
}

bool Authorizer::secure_request(const server::HttpRequest& request) {
  if (request.tls) return true;
  std::string proto = request.header("x-forwarded-proto");
  const size_t comma = proto.find(',');  // a chain of proxies: the first is the client's side
  if (comma != std::string::npos) proto.resize(comma);
  while (!proto.empty() && proto.back() == ' ') proto.pop_back();
  while (!proto.empty() && proto.front() == ' ') proto.erase(0, 1);
  for (char& c : proto) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return proto == "https";
}

auth::Principal Authorizer::require(const server::HttpRequest& request, auth::Role minimum) {
  std::optional<auth::Principal> principal;
  const std::string authorization = request.header("authorization");
  if (!authorization.empty()) {
    const auto token = auth::bearer_token(authorization);
    if (token) with_store([&](auth::AuthStore& store) { principal = store.api_token_principal(*token); });
    if (!principal) throw HttpError::unauthenticated("the API token is not valid (expected Authorization: Bearer hlm_...)");
  } else {
    const std::string cookies = request.header("cookie");
    const auto secret = auth::cookie_value(cookies, auth::kSessionCookie);
    if (!secret) throw HttpError::unauthenticated("sign in first, or send an API token (Authorization: Bearer hlm_...)");
    with_store([&](auth::AuthStore& store) { principal = store.session_principal(*secret); });
    if (!principal) throw HttpError::unauthenticated("the session has expired or is not valid; sign in again");
  }
  if (!auth::role_at_least(principal->role, minimum)) {
    throw HttpError::forbidden("this needs the " + std::string(auth::role_name(minimum)) + " role; '" +
                               principal->username + "' is a " + std::string(auth::role_name(principal->role)));
  }
  return *principal;
}

}  // namespace hirelm::api
