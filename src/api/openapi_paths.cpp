// The OpenAPI 3.1 description of the /api routes (GET /api/openapi.json; merged into /openapi.json for /docs).
// Built from the routes actually registered, so it lists every one of them; summaries, roles, request bodies
// and success statuses come from the table below (docs/api.md is the prose of the same contract).
#include <map>

#include "api/route_context.h"

namespace hirelm::api {

namespace {

struct Operation {
  const char* tag;
  const char* summary;
  const char* role;  // "none", "any", "viewer", "recruiter", "admin"
  int status;        // success status
  const char* request;   // request body media type, or nullptr
  const char* response;  // success media type, or nullptr (204)
};

const std::map<std::string, Operation>& operations() {
  static const std::map<std::string, Operation> kOps = {
      {"POST /api/auth/login", {"auth", "Log in: sets the hirelm_session cookie", "none", 200, "application/json", "application/json"}},
      {"POST /api/auth/logout", {"auth", "Log out: deletes the session, clears the cookie", "any", 204, nullptr, nullptr}},
      {"GET /api/auth/me", {"auth", "The caller", "any", 200, nullptr, "application/json"}},
      {"GET /api/users", {"auth", "List users", "admin", 200, nullptr, "application/json"}},
      {"POST /api/users", {"auth", "Create a user {username, password, role}", "admin", 201, "application/json", "application/json"}},
      {"DELETE /api/users/{id}", {"auth", "Delete a user with its sessions and tokens", "admin", 204, nullptr, nullptr}},
      {"POST /api/tokens", {"auth", "Create an API token for the caller (shown once)", "any", 201, "application/json", "application/json"}},
      {"GET /api/tokens", {"auth", "The caller's API tokens", "any", 200, nullptr, "application/json"}},
      {"DELETE /api/tokens/{id}", {"auth", "Delete an API token", "any", 204, nullptr, nullptr}},
      {"GET /api/jobs", {"jobs", "List jobs, newest first", "viewer", 200, nullptr, "application/json"}},
      {"POST /api/jobs", {"jobs", "Create a job from {title, description, must_have?, criteria?} or {text}", "recruiter", 201, "application/json", "application/json"}},
      {"GET /api/jobs/{id}", {"jobs", "One job with counts and its active run", "viewer", 200, nullptr, "application/json"}},
      {"PUT /api/jobs/{id}", {"jobs", "Replace a job (stored results become stale)", "recruiter", 200, "application/json", "application/json"}},
      {"DELETE /api/jobs/{id}", {"jobs", "Delete a job, its tasks and results", "admin", 204, nullptr, nullptr}},
      {"POST /api/jobs/{id}/documents", {"documents", "Upload resumes (multipart parts named files; zips expanded)", "recruiter", 200, "multipart/form-data", "application/json"}},
      {"GET /api/jobs/{id}/documents", {"documents", "The job's documents", "viewer", 200, nullptr, "application/json"}},
      {"GET /api/documents/{id}/original", {"documents", "The uploaded file as it was", "viewer", 200, nullptr, "application/octet-stream"}},
      {"POST /api/jobs/{id}/runs", {"runs", "Start a screening run {samples?, blind?, lang?}", "recruiter", 202, "application/json", "application/json"}},
      {"GET /api/jobs/{id}/runs", {"runs", "The job's runs, newest first", "viewer", 200, nullptr, "application/json"}},
      {"GET /api/runs/{id}", {"runs", "One run's progress", "viewer", 200, nullptr, "application/json"}},
      {"GET /api/runs/{id}/events", {"runs", "Progress as server-sent events (progress ... end)", "viewer", 200, nullptr, "text/event-stream"}},
      {"POST /api/runs/{id}/pause", {"runs", "Hold the run's queued tasks", "recruiter", 200, nullptr, "application/json"}},
      {"POST /api/runs/{id}/resume", {"runs", "Release the run's held tasks", "recruiter", 200, nullptr, "application/json"}},
      {"POST /api/runs/{id}/cancel", {"runs", "Cancel the run's queued and leased tasks", "recruiter", 200, nullptr, "application/json"}},
      {"GET /api/jobs/{id}/candidates", {"candidates", "Ranked candidates with filters", "viewer", 200, nullptr, "application/json"}},
      {"GET /api/jobs/{id}/candidates/{cid}", {"candidates", "One candidate's detail", "viewer", 200, nullptr, "application/json"}},
      {"GET /api/jobs/{id}/export", {"candidates", "Export as csv, xlsx or json", "recruiter", 200, nullptr, "application/octet-stream"}},
      {"DELETE /api/candidates/{cid}", {"candidates", "Erase a candidate (an audit line stays)", "recruiter", 204, "application/json", nullptr}},
      {"GET /api/audit", {"audit", "The audit log, newest first", "admin", 200, nullptr, "application/json"}},
      {"GET /api/openapi.json", {"meta", "This description", "none", 200, nullptr, "application/json"}},
  };
  return kOps;
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

}  // namespace

Json openapi_api_document(const std::vector<std::pair<std::string, std::string>>& routes) {
  Json doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {{"title", "hirelm screening API"},
                 {"version", "0.1.0"},
                 {"description", "Jobs, resume uploads, screening runs and candidates (docs/api.md). Errors are "
                                 "`{\"error\": {\"code\", \"message\"}}`."}};
  doc["tags"] = Json::array({{{"name", "auth"}, {"description", "screening API: sessions, users, tokens"}},
                             {{"name", "jobs"}, {"description", "screening API: jobs"}},
                             {{"name", "documents"}, {"description", "screening API: resumes"}},
                             {{"name", "runs"}, {"description", "screening API: runs"}},
                             {{"name", "candidates"}, {"description", "screening API: ranked candidates"}},
                             {{"name", "audit"}, {"description", "screening API: audit log"}},
                             {{"name", "meta"}, {"description", "screening API: this description"}}});
  Json error_schema = {
      {"type", "object"},
      {"required", {"error"}},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"required", {"code", "message"}},
          {"properties", {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}};
  doc["components"] = {
      {"schemas", {{"ApiError", error_schema}}},
      {"securitySchemes",
       {{"apiSession", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "hirelm_session"}}},
        {"apiToken", {{"type", "http"}, {"scheme", "bearer"}, {"description", "an API token (hlm_...)"}}}}}};
  Json paths = Json::object();
  for (const auto& [method, pattern] : routes) {
    const std::string key = method + " " + pattern;
    auto it = operations().find(key);
    const Operation op = it != operations().end() ? it->second
                                                  : Operation{"meta", "", "viewer", 200, nullptr, "application/json"};
    Json o;
    o["tags"] = Json::array({op.tag});
    o["summary"] = op.summary;
    std::string id = lower(method);
    for (char ch : pattern.substr(5)) id += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    o["operationId"] = "api_" + id;
    o["description"] = std::string("Role: ") + op.role + ".";
    Json params = Json::array();
    for (size_t at = pattern.find('{'); at != std::string::npos; at = pattern.find('{', at + 1)) {
      const std::string name = pattern.substr(at + 1, pattern.find('}', at) - at - 1);
      params.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "integer"}}}});
    }
    if (!params.empty()) o["parameters"] = params;
    if (op.request) {
      o["requestBody"] = {{"required", std::string(op.request) != "application/json" || method != "DELETE"},
                          {"content", {{op.request, {{"schema", {{"type", "object"}}}}}}}};
    }
    Json responses = Json::object();
    Json ok = {{"description", "success"}};
    if (op.response) {
      const bool json = std::string(op.response) == "application/json";
      ok["content"] = {{op.response, {{"schema", {{"type", json ? "object" : "string"}}}}}};
    }
    responses[std::to_string(op.status)] = ok;
    const Json error_ref = {{"description", "error"},
                            {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/ApiError"}}}}}}}};
    for (const char* status : {"400", "401", "403", "404", "409", "413", "500"}) responses[status] = error_ref;
    o["responses"] = responses;
    if (std::string(op.role) != "none") o["security"] = Json::array({{{"apiSession", Json::array()}}, {{"apiToken", Json::array()}}});
    paths[pattern][lower(method)] = o;
  }
  doc["paths"] = paths;
  return doc;
}

void merge_openapi(Json& document, const Json& api) {
  for (const auto& [path, item] : api["paths"].items()) document["paths"][path] = item;
  for (const auto& [group, entries] : api["components"].items()) {
    for (const auto& [name, value] : entries.items()) document["components"][group][name] = value;
  }
  if (!document.contains("tags")) document["tags"] = Json::array();
  for (const auto& tag : api["tags"]) {
    Json t = tag;
    t["name"] = "api-" + tag["name"].get<std::string>();
    document["tags"].push_back(t);
  }
  for (auto& [path, item] : document["paths"].items()) {
    if (path.rfind("/api/", 0) != 0) continue;
    for (auto& [method, op] : item.items()) {
      if (op.contains("tags")) op["tags"] = Json::array({"api-" + op["tags"][0].get<std::string>()});
    }
  }
}

}  // namespace hirelm::api
