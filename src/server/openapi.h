// The OpenAPI 3.1 description of every route hirelm serve answers (GET /openapi.json); the
// Swagger UI page at /docs (swagger_ui.h) renders it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace hirelm::server {

struct OpenApiOptions {
  std::string served_model_name;  // shown as the `model` example
  bool api_keys_required = false;  // adds the bearer security requirement to every route but /health
};

// The document. Its `paths` name exactly the routes the server registers (a test checks it).
nlohmann::ordered_json openapi_document(const OpenApiOptions& options);

}  // namespace hirelm::server
