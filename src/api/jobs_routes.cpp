// GET/POST /api/jobs, GET/PUT/DELETE /api/jobs/{id} (docs/api.md "Jobs").
#include "api/job_body.h"
#include "api/route_context.h"
#include "screening/service/job_service.h"

namespace hirelm::api {

using auth::Role;
using server::HttpRequest;

void register_job_routes(RouteContext& c) {
  c.add("GET", "/api/jobs", [c](const HttpRequest& r) {
    c.authorizer.require(r, Role::kViewer);
    auto s = c.pool.acquire();
    return json_response({{"jobs", service::JobService(*s).list()}});
  });
  c.add("POST", "/api/jobs", [c](const HttpRequest& r) {
    const auth::Principal who = c.authorizer.require(r, Role::kRecruiter);
    const std::string text = parse_job_body(r.body);
    auto s = c.pool.acquire();
    return json_response({{"job", service::JobService(*s).create(text, who.username)}}, 201);
  });
  c.add("GET", "/api/jobs/{id}", [c](const HttpRequest& r) {
    c.authorizer.require(r, Role::kViewer);
    auto s = c.pool.acquire();
    return json_response({{"job", service::JobService(*s).get(path_id(r, "id"))}});
  });
  c.add("PUT", "/api/jobs/{id}", [c](const HttpRequest& r) {
    const auth::Principal who = c.authorizer.require(r, Role::kRecruiter);
    const int64_t id = path_id(r, "id");
    const std::string text = parse_job_body(r.body);
    auto s = c.pool.acquire();
    return json_response({{"job", service::JobService(*s).update(id, text, who.username)}});
  });
  c.add("DELETE", "/api/jobs/{id}", [c](const HttpRequest& r) {
    const auth::Principal who = c.authorizer.require(r, Role::kAdmin);
    auto s = c.pool.acquire();
    service::JobService(*s).remove(path_id(r, "id"), who.username);
    return no_content();
  });
}

}  // namespace hirelm::api
