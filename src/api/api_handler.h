// The screening API's route plumbing: the error wrapper every /api handler runs in (HttpError, the service's
// and util/error.h's typed errors -> docs/api.md's {"error": {code, message}} with the status; nothing
// escapes a handler), JSON answers and the path/query parsing helpers the route files share.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "server/http_server.h"

namespace hirelm::api {

using Json = nlohmann::ordered_json;

// {"error": {"code", "message"}} as text.
std::string error_json(const std::string& code, const std::string& message);
// The code word of an HTTP status of docs/api.md's table ("not_found" for 404, ...).
std::string error_code_for_status(int status);

server::HttpResponse json_response(const Json& body, int status = 200);
server::HttpResponse no_content();

// Wraps `handler`: exceptions become error answers (500s are logged to stderr with the route).
server::HttpHandler guarded(std::function<server::HttpResponse(const server::HttpRequest&)> handler);

// The path parameter `name` as a positive id; HttpError 404 when it is not one (no such resource).
int64_t path_id(const server::HttpRequest& request, const std::string& name);
// The request body as a JSON object (an empty body is {}); HttpError 400 naming the problem otherwise.
Json json_body(const server::HttpRequest& request);
// Query parameter parsers; HttpError 400 naming the parameter for a malformed value.
std::optional<double> query_number(const server::HttpRequest& request, const std::string& name);
std::optional<int64_t> query_integer(const server::HttpRequest& request, const std::string& name);

}  // namespace hirelm::api
