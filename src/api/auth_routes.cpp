// The account routes of docs/api.md "Access": login/logout/me, users (admin) and the caller's API tokens.
#include <nlohmann/json.hpp>

#include "api/authorization.h"
#include "api/api_handler.h"
#include "api/http_error.h"
#include "auth/credentials.h"
#include "server/http_server.h"
#include "util/utc_time.h"

namespace hirelm::api {

namespace {

using nlohmann::json;
using server::HttpRequest;
using server::HttpResponse;

json user_json(const auth::User& user) {
  return {{"id", user.id},
          {"username", user.username},
          {"role", auth::role_name(user.role)},
          {"created_at", utc_iso8601(user.created_at)}};
}

json token_json(const auth::ApiToken& token) {
  return {{"id", token.id},
          {"name", token.name},
          {"created_at", utc_iso8601(token.created_at)},
          {"last_used_at", token.last_used_at ? json(utc_iso8601(*token.last_used_at)) : json(nullptr)}};
}

HttpResponse json_response(int status, const json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

json parse_object(const HttpRequest& request) {
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) throw HttpError::bad_request("the body must be a JSON object");
  return body;
}

std::string string_field(const json& body, const std::string& name) {
  const auto it = body.find(name);
  if (it == body.end() || !it->is_string()) throw HttpError::bad_request("field '" + name + "': expected a string");
  return it->get<std::string>();
}

int64_t id_param(const HttpRequest& request) {
  const std::string text = request.path_param("id");
  int64_t id = 0;
  if (text.empty() || text.size() > 18) throw HttpError::not_found("no such id: '" + text + "'");
  for (char c : text) {
    if (c < '0' || c > '9') throw HttpError::not_found("no such id: '" + text + "'");
    id = id * 10 + (c - '0');
  }
  return id;
}

}  // namespace

void Authorizer::register_routes(server::HttpServer& server) {
  server.post("/api/auth/login", guarded([this](const HttpRequest& request) {
    const json body = parse_object(request);
    const std::string username = string_field(body, "username");
    const std::string password = string_field(body, "password");
    const int64_t now = options_.store.clock ? options_.store.clock() : utc_now_seconds();
    if (const int64_t wait = limiter_.retry_after(username, now); wait > 0) {
      HttpResponse response;
      response.status = 429;
      response.body =
          error_json("rate_limited", "too many failed sign-ins for this user; try again in " + std::to_string(wait) + " s");
      response.headers.emplace_back("Retry-After", std::to_string(wait));
      return response;
    }
    std::optional<auth::User> user;
    std::string secret;
    with_store([&](auth::AuthStore& store) {
      const auto principal = store.verify_login(username, password);
      if (!principal) return;
      store.delete_expired_sessions();
      secret = store.create_session(principal->user_id).secret;
      user = store.find_user(principal->user_id);
    });
    if (!user) {
      limiter_.record_failure(username, now);
      throw HttpError::unauthenticated("wrong username or password");
    }
    limiter_.record_success(username);
    HttpResponse response = json_response(200, {{"user", user_json(*user)}});
    response.headers.emplace_back(
        "Set-Cookie", auth::session_set_cookie(secret, options_.store.session_ttl_seconds, secure_request(request)));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  }));

  server.post("/api/auth/logout", guarded([this](const HttpRequest& request) {
    require(request, auth::Role::kViewer);
    if (const auto secret = auth::cookie_value(request.header("cookie"), auth::kSessionCookie)) {
      with_store([&](auth::AuthStore& store) { store.delete_session(*secret); });
    }
    HttpResponse response = no_content();
    response.headers.emplace_back("Set-Cookie", auth::session_clear_cookie(secure_request(request)));
    return response;
  }));

  server.get("/api/auth/me", guarded([this](const HttpRequest& request) {
    const auth::Principal principal = require(request, auth::Role::kViewer);
    std::optional<auth::User> user;
    with_store([&](auth::AuthStore& store) { user = store.find_user(principal.user_id); });
    if (!user) throw HttpError::unauthenticated("the user no longer exists");
    return json_response(200, {{"user", user_json(*user)}});
  }));

  server.get("/api/users", guarded([this](const HttpRequest& request) {
    require(request, auth::Role::kAdmin);
    json users = json::array();
    with_store([&](auth::AuthStore& store) {
      for (const auth::User& user : store.list_users()) users.push_back(user_json(user));
    });
    return json_response(200, {{"users", users}});
  }));

  server.post("/api/users", guarded([this](const HttpRequest& request) {
    const auth::Principal admin = require(request, auth::Role::kAdmin);
    const json body = parse_object(request);
    const std::string username = string_field(body, "username");
    const std::string password = string_field(body, "password");
    const std::string role_text = string_field(body, "role");
    const auto role = auth::parse_role(role_text);
    if (!role) throw HttpError::bad_request("field 'role': expected viewer, recruiter or admin, got '" + role_text + "'");
    std::optional<auth::User> user;
    with_store([&](auth::AuthStore& store) { user = store.create_user(username, password, *role, admin.username); });
    return json_response(201, {{"user", user_json(*user)}});
  }));

  server.del("/api/users/{id}", guarded([this](const HttpRequest& request) {
    const auth::Principal admin = require(request, auth::Role::kAdmin);
    const int64_t id = id_param(request);
    with_store([&](auth::AuthStore& store) {
      const auto user = store.find_user(id);
      if (!user) throw HttpError::not_found("no user with id " + std::to_string(id));
      if (user->role == auth::Role::kAdmin && store.count_admins() <= 1) {
        throw HttpError::conflict("'" + user->username + "' is the last admin and cannot be deleted");
      }
      if (!store.delete_user(id, admin.username)) throw HttpError::not_found("no user with id " + std::to_string(id));
    });
    return no_content();
  }));

  server.post("/api/tokens", guarded([this](const HttpRequest& request) {
    const auth::Principal principal = require(request, auth::Role::kViewer);
    const json body = parse_object(request);
    const std::string name = string_field(body, "name");
    auth::NewApiToken created;
    with_store([&](auth::AuthStore& store) { created = store.create_api_token(principal.user_id, name); });
    HttpResponse response =
        json_response(201, {{"id", created.token.id}, {"name", created.token.name}, {"token", created.secret}});
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  }));

  server.get("/api/tokens", guarded([this](const HttpRequest& request) {
    const auth::Principal principal = require(request, auth::Role::kViewer);
    json tokens = json::array();
    with_store([&](auth::AuthStore& store) {
      for (const auth::ApiToken& token : store.list_api_tokens(principal.user_id)) tokens.push_back(token_json(token));
    });
    return json_response(200, {{"tokens", tokens}});
  }));

  server.del("/api/tokens/{id}", guarded([this](const HttpRequest& request) {
    const auth::Principal principal = require(request, auth::Role::kViewer);
    const int64_t id = id_param(request);
    with_store([&](auth::AuthStore& store) {
      const auto token = store.find_api_token(id);
      // Someone else's token is "not found" to a non-admin: its existence is not theirs to learn.
      if (!token || (token->user_id != principal.user_id && principal.role != auth::Role::kAdmin)) {
        throw HttpError::not_found("no API token with id " + std::to_string(id));
      }
      store.delete_api_token(id);
    });
    return no_content();
  }));
}

}  // namespace hirelm::api
