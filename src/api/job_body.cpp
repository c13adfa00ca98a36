#include "api/job_body.h"

#include <nlohmann/json.hpp>

#include "screening/job/job.h"
#include "screening/service/job_text.h"
#include "util/error.h"

namespace hirelm::api {

namespace {

using nlohmann::json;

std::string string_field(const json& body, const char* key, bool required) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (required) throw InvalidInputError(std::string(key) + ": required");
    return {};
  }
  if (!it->is_string()) throw InvalidInputError(std::string(key) + ": expected a string, got " + it->type_name());
  return it->get<std::string>();
}

}  // namespace

std::string parse_job_body(std::string_view text) {
  const json body = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) throw InvalidInputError("body: not valid JSON");
  if (!body.is_object()) throw InvalidInputError("body: expected a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "title" && key != "description" && key != "must_have" && key != "criteria" && key != "text") {
      throw InvalidInputError(key + ": unknown field (expected title, description, must_have, criteria or text)");
    }
  }
  if (body.contains("text") && !body["text"].is_null()) {
    for (const char* key : {"title", "description", "must_have", "criteria"}) {
      if (body.contains(key)) throw InvalidInputError(std::string(key) + ": give either text or the fields, not both");
    }
    const std::string job_text = string_field(body, "text", true);
    screening::parse_job(job_text, "text");  // InvalidInputError with the line
    return job_text;
  }
  service::JobDraft draft;
  draft.title = string_field(body, "title", true);
  if (draft.title.find_first_not_of(" \t") == std::string::npos) throw InvalidInputError("title: must not be empty");
  draft.description = string_field(body, "description", true);
  if (auto it = body.find("must_have"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) throw InvalidInputError("must_have: expected an array of strings");
    for (size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string()) throw InvalidInputError("must_have[" + std::to_string(i) + "]: expected a string");
      draft.must_have.push_back((*it)[i].get<std::string>());
    }
  }
  if (auto it = body.find("criteria"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) throw InvalidInputError("criteria: expected an array of {name, weight}");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& c = (*it)[i];
      const std::string where = "criteria[" + std::to_string(i) + "]";
      if (!c.is_object()) throw InvalidInputError(where + ": expected an object {name, weight}");
      screening::Criterion criterion;
      for (const auto& [key, value] : c.items()) {
        if (key == "name") {
          if (!value.is_string()) throw InvalidInputError(where + ".name: expected a string");
          criterion.name = value.get<std::string>();
        } else if (key == "weight") {
          if (!value.is_number()) throw InvalidInputError(where + ".weight: expected a number");
          criterion.weight = value.get<double>();
        } else {
          throw InvalidInputError(where + "." + key + ": unknown field (expected name, weight)");
        }
      }
      if (criterion.name.empty()) throw InvalidInputError(where + ".name: required");
      draft.criteria.push_back(std::move(criterion));
    }
  }
  return service::render_job_text(draft);
}

}  // namespace hirelm::api
