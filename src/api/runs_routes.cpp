// Runs (docs/api.md "Runs"): start, list, poll, SSE progress, pause/resume/cancel.
#include <chrono>
#include <thread>

#include "api/http_error.h"
#include "api/route_context.h"
#include "screening/service/job_service.h"
#include "screening/service/run_service.h"

namespace hirelm::api {

using auth::Role;
using server::HttpRequest;
using server::HttpResponse;

namespace {

service::RunOptions run_options(const Json& body) {
  service::RunOptions o;
  for (const auto& [key, value] : body.items()) {
    if (key == "samples") {
      if (!value.is_number_integer()) throw HttpError::bad_request("samples: expected an integer 1..20");
      const int64_t n = value.get<int64_t>();
      if (n < 1 || n > 20) throw HttpError::bad_request("samples: expected 1..20, got " + std::to_string(n));
      o.samples = static_cast<int>(n);
    } else if (key == "blind") {
      if (!value.is_boolean()) throw HttpError::bad_request("blind: expected true or false");
      o.blind = value.get<bool>();
    } else if (key == "lang") {
      if (!value.is_string()) throw HttpError::bad_request("lang: expected \"\", \"zh\" or \"en\"");
      o.lang = value.get<std::string>();
      if (!o.lang.empty() && o.lang != "zh" && o.lang != "en") {
        throw HttpError::bad_request("lang: expected \"\", \"zh\" or \"en\", got \"" + o.lang + "\"");
      }
    } else if (key == "seed") {
      if (!value.is_number_unsigned() || value.get<uint64_t>() >= (uint64_t{1} << 53)) {
        throw HttpError::bad_request("seed: expected an integer 0..2^53-1");
      }
      o.seed = value.get<uint64_t>();
    } else {
      throw HttpError::bad_request(key + ": unknown field (expected samples, blind, lang, seed)");
    }
  }
  return o;
}

std::string sse_progress(const Json& run) { return "event: progress\ndata: " + run.dump() + "\n\n"; }

}  // namespace

void register_run_routes(RouteContext& c) {
  c.add("POST", "/api/jobs/{id}/runs", [c](const HttpRequest& r) {
    const auth::Principal who = c.authorizer.require(r, Role::kRecruiter);
    const int64_t job_id = path_id(r, "id");
    const service::RunOptions options = run_options(json_body(r));
    auto s = c.pool.acquire();
    return json_response({{"run", service::RunService(*s).start(job_id, options, who.username)}}, 202);
  });
  c.add("GET", "/api/jobs/{id}/runs", [c](const HttpRequest& r) {
    c.authorizer.require(r, Role::kViewer);
    const int64_t job_id = path_id(r, "id");
    auto s = c.pool.acquire();
    service::JobService(*s).require(job_id);
    return json_response({{"runs", service::RunService(*s).list(job_id)}});
  });
  c.add("GET", "/api/runs/{id}", [c](const HttpRequest& r) {
    c.authorizer.require(r, Role::kViewer);
    auto s = c.pool.acquire();
    return json_response({{"run", service::RunService(*s).get(path_id(r, "id"))}});
  });
  c.add("GET", "/api/runs/{id}/events", [c](const HttpRequest& r) {
    c.authorizer.require(r, Role::kViewer);
    const int64_t run_id = path_id(r, "id");
    Json first;
    {
      auto s = c.pool.acquire();
      first = service::RunService(*s).get(run_id);  // 404 before the stream starts
    }
    HttpResponse response;
    response.content_type = "text/event-stream";
    response.headers.push_back({"Cache-Control", "no-cache"});
    response.headers.push_back({"X-Accel-Buffering", "no"});
    service::SessionPool* pool = &c.pool;
    const auto poll = std::chrono::milliseconds(c.options.events_poll_ms);
    const auto ping = std::chrono::milliseconds(c.options.events_ping_ms);
    response.stream = [pool, run_id, first, poll, ping](const server::ChunkWriter& write) {
      auto is_final = [](const Json& run) { return run["state"] == "done" || run["state"] == "cancelled"; };
      Json last = first;
      if (!write(sse_progress(last))) return;
      auto last_write = std::chrono::steady_clock::now();
      while (!is_final(last)) {
        std::this_thread::sleep_for(poll);
        Json now;
        try {
          auto s = pool->acquire();
          now = service::RunService(*s).get(run_id);
        } catch (const std::exception& e) {  // erased or the database went away: say so and end
          write("event: error\ndata: " + Json{{"error", {{"code", "unavailable"}, {"message", e.what()}}}}.dump() + "\n\n");
          return;
        }
        Json a = now, b = last;
        a.erase("finished_at");
        b.erase("finished_at");
        if (a != b) {
          last = now;
          if (!write(sse_progress(last))) return;
          last_write = std::chrono::steady_clock::now();
        } else if (std::chrono::steady_clock::now() - last_write >= ping) {
          if (!write(": ping\n\n")) return;
          last_write = std::chrono::steady_clock::now();
        }
      }
      write("event: end\ndata: " + last.dump() + "\n\n");
    };
    return response;
  });
  for (const char* action : {"pause", "resume", "cancel"}) {
    const std::string a = action;
    c.add("POST", "/api/runs/{id}/" + a, [c, a](const HttpRequest& r) {
      const auth::Principal who = c.authorizer.require(r, Role::kRecruiter);
      const int64_t run_id = path_id(r, "id");
      auto s = c.pool.acquire();
      service::RunService runs(*s);
      const Json run = a == "pause"    ? runs.pause(run_id, who.username)
                       : a == "resume" ? runs.resume(run_id, who.username)
                                       : runs.cancel(run_id, who.username);
      return json_response({{"run", run}});
    });
  }
}

}  // namespace hirelm::api
