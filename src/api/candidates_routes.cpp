// Candidates (docs/api.md "Candidates"): ranked list with filters, detail, export, erasure, audit log.
#include "api/http_error.h"
#include "api/route_context.h"
#include "screening/service/candidate_service.h"

namespace hirelm::api {

using auth::Role;
using server::HttpRequest;
using server::HttpResponse;

namespace {

service::CandidateFilter candidate_filter(const HttpRequest& r) {
  service::CandidateFilter f;
  if (r.has_query("must_haves")) {
    const std::string v = r.query_value("must_haves");
    if (v != "pass") throw HttpError::bad_request("must_haves: expected 'pass', got '" + v + "'");
    f.must_haves_pass = true;
  }
  f.flags = r.query_values("flag");
  if (r.has_query("no_flags")) {
    const std::string v = r.query_value("no_flags");
    if (v != "1" && v != "true" && v != "0" && v != "false") throw HttpError::bad_request("no_flags: expected 1 or 0");
    f.no_flags = v == "1" || v == "true";
  }
  f.min_score = query_number(r, "min_score");
  f.max_score = query_number(r, "max_score");
  if (r.has_query("status")) {
    const std::string v = r.query_value("status");
    if (v != "scored" && v != "no_score" && v != "error" && v != "pending") {
      throw HttpError::bad_request("status: expected scored, no_score, error or pending, got '" + v + "'");
    }
    f.status = v;
  }
  f.query = r.query_value("q");
  if (r.has_query("sort")) {
    f.sort = r.query_value("sort");
    if (f.sort != "score" && f.sort != "name" && f.sort != "spread" && f.sort != "years") {
      throw HttpError::bad_request("sort: expected score, name, spread or years, got '" + f.sort + "'");
    }
  }
  if (r.has_query("order")) {
    const std::string v = r.query_value("order");
    if (v != "asc" && v != "desc") throw HttpError::bad_request("order: expected asc or desc, got '" + v + "'");
    f.ascending = v == "asc";
  }
  return f;
}

}  // namespace

void register_candidate_routes(RouteContext& c) {
  c.add("GET", "/api/jobs/{id}/candidates", [c](const HttpRequest& r) {
    c.authorizer.require(r, Role::kViewer);
    const int64_t job_id = path_id(r, "id");
    const service::CandidateFilter filter = candidate_filter(r);
    auto s = c.pool.acquire();
    return json_response(service::CandidateService(*s).list(job_id, filter));
  });
  c.add("GET", "/api/jobs/{id}/candidates/{cid}", [c](const HttpRequest& r) {
    c.authorizer.require(r, Role::kViewer);
    auto s = c.pool.acquire();
    return json_response(service::CandidateService(*s).detail(path_id(r, "id"), path_id(r, "cid")));
  });
  c.add("GET", "/api/jobs/{id}/export", [c](const HttpRequest& r) {
    const auth::Principal who = c.authorizer.require(r, Role::kRecruiter);
    const int64_t job_id = path_id(r, "id");
    const std::string format = r.has_query("format") ? r.query_value("format") : "csv";
    if (format != "csv" && format != "xlsx" && format != "json") {
      throw HttpError::bad_request("format: expected csv, xlsx or json, got '" + format + "'");
    }
    auto s = c.pool.acquire();
    service::ExportFile file = service::CandidateService(*s).export_job(job_id, format, who.username);
    HttpResponse response;
    response.content_type = file.content_type;
    response.body = std::move(file.bytes);
    response.headers.push_back({"Content-Disposition", content_disposition(file.file_name)});
    return response;
  });
  c.add("DELETE", "/api/candidates/{cid}", [c](const HttpRequest& r) {
    const auth::Principal who = c.authorizer.require(r, Role::kRecruiter);
    const int64_t candidate_id = path_id(r, "cid");
    const Json body = json_body(r);
    std::string reason;
    if (auto it = body.find("reason"); it != body.end() && !it->is_null()) {
      if (!it->is_string()) throw HttpError::bad_request("reason: expected a string");
      reason = it->get<std::string>();
    }
    auto s = c.pool.acquire();
    service::CandidateService(*s).erase(candidate_id, who.username, reason);
    return no_content();
  });
  c.add("GET", "/api/audit", [c](const HttpRequest& r) {
    c.authorizer.require(r, Role::kAdmin);
    const int64_t limit = query_integer(r, "limit").value_or(100);
    if (limit < 1 || limit > 1000) throw HttpError::bad_request("limit: expected 1..1000, got " + std::to_string(limit));
    auto s = c.pool.acquire();
    return json_response(service::CandidateService(*s).audit(limit));
  });
}

}  // namespace hirelm::api
