// The account routes and require() through real HTTP: api::Authorizer's routes on a server::HttpServer bound to
// an ephemeral port, called with cpp-httplib's client, on SQLite and (when configured) PostgreSQL.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/authorization.h"
#include "api/http_error.h"
#include "auth/auth_store.h"
#include "auth_test_db.h"
#include "server/http_server.h"
#include "test_db.h"

namespace hirelm::api {
namespace {

using db::testing::Backend;
using nlohmann::json;

class AuthHttpTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    spec_ = db::testing::fresh_database_spec(GetParam());
    db_ = auth::testing::open_migrated(spec_);
    AuthorizerOptions options;
    options.store.password_cost = auth::kMinimumCost;
    options.store.clock = [this] { return now_.load(); };
    {
      auth::AuthStore store(*db_, options.store);
      admin_id_ = store.create_user("admin", "admin-password", auth::Role::kAdmin, "test").id;
      recruiter_id_ = store.create_user("rita", "rita-password", auth::Role::kRecruiter, "test").id;
      viewer_id_ = store.create_user("victor", "victor-password", auth::Role::kViewer, "test").id;
    }
    authorizer_ = std::make_unique<Authorizer>(spec_, options);
    server_ = std::make_unique<server::HttpServer>(server::HttpServerOptions{});
    authorizer_->register_routes(*server_);
    // A stand-in screening route, as the API's handlers use require(): recruiter and up.
    server_->post("/api/test/recruiter-only", [this](const server::HttpRequest& request) {
      server::HttpResponse response;
      try {
        const auth::Principal p = authorizer_->require(request, auth::Role::kRecruiter);
        response.body = json{{"user", p.username}}.dump();
      } catch (const HttpError& e) {
        response.status = e.status();
        response.body = json{{"error", {{"code", e.code()}, {"message", e.what()}}}}.dump();
      }
      return response;
    });
    port_ = server_->bind("127.0.0.1", 0);
    thread_ = std::thread([this] { server_->serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  }

  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  // Logs in and returns the session cookie's value ("" when it failed).
  std::string login(const std::string& user, const std::string& password) {
    auto res = client_->Post("/api/auth/login", json{{"username", user}, {"password", password}}.dump(),
                             "application/json");
    if (!res || res->status != 200) return "";
    const std::string set_cookie = res->get_header_value("Set-Cookie");
    const size_t eq = set_cookie.find('='), semi = set_cookie.find(';');
    return set_cookie.substr(eq + 1, semi - eq - 1);
  }

  static httplib::Headers cookie(const std::string& session) { return {{"Cookie", "hirelm_session=" + session}}; }
  static httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

  static std::string error_code(const httplib::Result& res) {
    const json body = json::parse(res->body, nullptr, false);
    return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
  }

  std::string spec_;
  std::atomic<int64_t> now_{1'800'000'000};
  std::unique_ptr<db::Connection> db_;
  int64_t admin_id_ = 0, recruiter_id_ = 0, viewer_id_ = 0;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<server::HttpServer> server_;
  int port_ = 0;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_P(AuthHttpTest, LoginSetsAStrictHttpOnlySessionCookie) {
  auto res = client_->Post("/api/auth/login", R"({"username":"rita","password":"rita-password"})", "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json body = json::parse(res->body);
  EXPECT_EQ(body["user"]["username"], "rita");
  EXPECT_EQ(body["user"]["role"], "recruiter");
  EXPECT_EQ(body["user"]["id"], recruiter_id_);
  EXPECT_EQ(body["user"]["created_at"], "2027-01-15T08:00:00Z");
  const std::string set_cookie = res->get_header_value("Set-Cookie");
  EXPECT_EQ(set_cookie.rfind("hirelm_session=", 0), 0u) << set_cookie;
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("Path=/"), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "plain HTTP: " << set_cookie;

  auto proxied = client_->Post("/api/auth/login", {{"X-Forwarded-Proto", "https"}},
                               R"({"username":"rita","password":"rita-password"})", "application/json");
  ASSERT_TRUE(proxied);
  ASSERT_EQ(proxied->status, 200);
  EXPECT_NE(proxied->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
}

TEST_P(AuthHttpTest, WrongPairIs401WithTheSameMessageForUnknownUsers) {
  auto wrong = client_->Post("/api/auth/login", R"({"username":"rita","password":"nope-nope"})", "application/json");
  auto unknown = client_->Post("/api/auth/login", R"({"username":"nobody","password":"nope-nope"})", "application/json");
  ASSERT_TRUE(wrong && unknown);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(wrong->body, unknown->body);
  EXPECT_EQ(error_code(wrong), "unauthenticated");
  EXPECT_TRUE(wrong->get_header_value("Set-Cookie").empty());
  auto malformed = client_->Post("/api/auth/login", R"({"username":"rita"})", "application/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
  EXPECT_EQ(error_code(malformed), "invalid_request");
}

TEST_P(AuthHttpTest, FiveFailuresLockTheUsernameForAMinute) {
  for (int i = 0; i < 5; ++i) {
    auto res = client_->Post("/api/auth/login", R"({"username":"rita","password":"guess-guess"})", "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << i;
  }
  auto locked = client_->Post("/api/auth/login", R"({"username":"rita","password":"rita-password"})", "application/json");
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->status, 429) << "even the right password waits";
  EXPECT_EQ(locked->get_header_value("Retry-After"), "60");
  EXPECT_EQ(login("victor", "victor-password").empty(), false) << "other users are not affected";
  now_ += 61;
  EXPECT_FALSE(login("rita", "rita-password").empty());
}

TEST_P(AuthHttpTest, SessionCookieAuthenticatesUntilLogoutOrExpiry) {
  const std::string session = login("victor", "victor-password");
  ASSERT_FALSE(session.empty());
  auto me = client_->Get("/api/auth/me", cookie(session));
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(json::parse(me->body)["user"]["username"], "victor");

  auto anonymous = client_->Get("/api/auth/me");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(error_code(anonymous), "unauthenticated");
  auto forged = client_->Get("/api/auth/me", cookie("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);

  auto logout = client_->Post("/api/auth/logout", cookie(session), "", "application/json");
  ASSERT_TRUE(logout);
  EXPECT_EQ(logout->status, 204);
  EXPECT_NE(logout->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  auto after = client_->Get("/api/auth/me", cookie(session));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);

  const std::string second = login("victor", "victor-password");
  now_ += 12 * 3600 + 1;
  auto expired = client_->Get("/api/auth/me", cookie(second));
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status, 401);
}

TEST_P(AuthHttpTest, RoleMatrixOnAdminAndRecruiterRoutes) {
  const std::string admin = login("admin", "admin-password");
  const std::string recruiter = login("rita", "rita-password");
  const std::string viewer = login("victor", "victor-password");
  ASSERT_FALSE(admin.empty() || recruiter.empty() || viewer.empty());

  struct Case {
    std::string session;
    int list_users, recruiter_only;
  };
  const std::vector<Case> cases = {{"", 401, 401}, {viewer, 403, 403}, {recruiter, 403, 200}, {admin, 200, 200}};
  for (const Case& c : cases) {
    const httplib::Headers h = c.session.empty() ? httplib::Headers{} : cookie(c.session);
    auto users = client_->Get("/api/users", h);
    ASSERT_TRUE(users);
    EXPECT_EQ(users->status, c.list_users) << users->body;
    auto create = client_->Post("/api/users", h, R"({"username":"new","password":"new-password","role":"viewer"})",
                                "application/json");
    ASSERT_TRUE(create);
    if (c.list_users == 200) {
      EXPECT_EQ(create->status, 201) << create->body;
    } else {
      EXPECT_EQ(create->status, c.list_users) << create->body;
    }
    auto del = client_->Delete("/api/users/" + std::to_string(viewer_id_ + 1000), h);
    ASSERT_TRUE(del);
    EXPECT_EQ(del->status, c.list_users == 200 ? 404 : c.list_users) << del->body;
    auto recruiter_only = client_->Post("/api/test/recruiter-only", h, "{}", "application/json");
    ASSERT_TRUE(recruiter_only);
    EXPECT_EQ(recruiter_only->status, c.recruiter_only) << recruiter_only->body;
    if (c.list_users == 403) {
      EXPECT_EQ(error_code(users), "forbidden");
      EXPECT_NE(users->body.find("admin role"), std::string::npos) << "names the role needed: " << users->body;
    }
  }
  auto viewer_forbidden = client_->Post("/api/test/recruiter-only", cookie(viewer), "{}", "application/json");
  EXPECT_NE(viewer_forbidden->body.find("recruiter role"), std::string::npos) << viewer_forbidden->body;
}

TEST_P(AuthHttpTest, AdminManagesUsers) {
  const std::string admin = login("admin", "admin-password");
  auto create = client_->Post("/api/users", cookie(admin),
                              R"({"username":"nina","password":"nina-password","role":"recruiter"})", "application/json");
  ASSERT_TRUE(create);
  ASSERT_EQ(create->status, 201) << create->body;
  const int64_t nina = json::parse(create->body)["user"]["id"];
  auto duplicate = client_->Post("/api/users", cookie(admin),
                                 R"({"username":"nina","password":"other-password","role":"viewer"})", "application/json");
  EXPECT_EQ(duplicate->status, 409);
  EXPECT_EQ(error_code(duplicate), "conflict");
  auto short_password = client_->Post("/api/users", cookie(admin),
                                      R"({"username":"omar","password":"short","role":"viewer"})", "application/json");
  EXPECT_EQ(short_password->status, 400);
  auto bad_role = client_->Post("/api/users", cookie(admin),
                                R"({"username":"omar","password":"long-enough","role":"root"})", "application/json");
  EXPECT_EQ(bad_role->status, 400);
  auto list = client_->Get("/api/users", cookie(admin));
  EXPECT_EQ(json::parse(list->body)["users"].size(), 4u);
  EXPECT_EQ(list->body.find("password"), std::string::npos) << "no hash leaves the server";

  const std::string nina_session = login("nina", "nina-password");
  ASSERT_FALSE(nina_session.empty());
  auto del = client_->Delete("/api/users/" + std::to_string(nina), cookie(admin));
  EXPECT_EQ(del->status, 204);
  auto gone = client_->Get("/api/auth/me", cookie(nina_session));
  EXPECT_EQ(gone->status, 401) << "her session went with her";
  auto last_admin = client_->Delete("/api/users/" + std::to_string(admin_id_), cookie(admin));
  EXPECT_EQ(last_admin->status, 409);
  auto bad_id = client_->Delete("/api/users/x1", cookie(admin));
  EXPECT_EQ(bad_id->status, 404);
}

TEST_P(AuthHttpTest, ApiTokens) {
  const std::string viewer = login("victor", "victor-password");
  auto created = client_->Post("/api/tokens", cookie(viewer), R"({"name":"laptop"})", "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const json token = json::parse(created->body);
  const std::string secret = token["token"];
  EXPECT_EQ(secret.rfind("hlm_", 0), 0u);

  auto me = client_->Get("/api/auth/me", bearer(secret));
  ASSERT_EQ(me->status, 200);
  EXPECT_EQ(json::parse(me->body)["user"]["username"], "victor");
  auto too_low = client_->Post("/api/test/recruiter-only", bearer(secret), "{}", "application/json");
  EXPECT_EQ(too_low->status, 403) << "a token carries its user's role, no more";

  auto list = client_->Get("/api/tokens", bearer(secret));
  const json tokens = json::parse(list->body)["tokens"];
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0]["name"], "laptop");
  EXPECT_FALSE(tokens[0]["last_used_at"].is_null());
  EXPECT_EQ(list->body.find(secret.substr(4)), std::string::npos) << "the secret is shown once only";

  // A bad token is 401 even beside a good cookie.
  httplib::Headers both = cookie(viewer);
  both.emplace("Authorization", "Bearer hlm_wrong");
  EXPECT_EQ(client_->Get("/api/auth/me", both)->status, 401);

  // Someone else's token: not found to a recruiter, deletable by an admin.
  const std::string recruiter = login("rita", "rita-password");
  const std::string path = "/api/tokens/" + std::to_string(token["id"].get<int64_t>());
  EXPECT_EQ(client_->Delete(path, cookie(recruiter))->status, 404);
  EXPECT_EQ(client_->Get("/api/auth/me", bearer(secret))->status, 200);
  const std::string admin = login("admin", "admin-password");
  EXPECT_EQ(client_->Delete(path, cookie(admin))->status, 204);
  EXPECT_EQ(client_->Get("/api/auth/me", bearer(secret))->status, 401);

  auto own = client_->Post("/api/tokens", cookie(viewer), R"({"name":"ci"})", "application/json");
  const json own_token = json::parse(own->body);
  EXPECT_EQ(client_->Delete("/api/tokens/" + std::to_string(own_token["id"].get<int64_t>()), cookie(viewer))->status,
            204);
  EXPECT_EQ(client_->Post("/api/tokens", cookie(viewer), R"({"name":""})", "application/json")->status, 400);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthHttpTest, ::testing::ValuesIn(db::testing::test_backends()),
                         db::testing::backend_param_name);

}  // namespace
}  // namespace hirelm::api
