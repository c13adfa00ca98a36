#include "screening/service/job_text.h"

#include <charconv>
#include <set>

#include "util/error.h"

namespace hirelm::service {

namespace {

void require_one_line(const std::string& value, const std::string& field) {
  if (value.find_first_of("\r\n") != std::string::npos) {
    throw InvalidInputError(field + ": expected one line, got a line break");
  }
}

std::string format_weight(double w) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, w);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(w);
}

}  // namespace

std::string render_job_text(const JobDraft& draft) {
  require_one_line(draft.title, "title");
  std::string description = draft.description;
  while (!description.empty() && (description.back() == '\n' || description.back() == ' ' || description.back() == '\r')) {
    description.pop_back();
  }
  if (description.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw InvalidInputError("description: expected the job description, got nothing");
  }
  std::string out = "---\n";
  if (!draft.title.empty()) out += "title: \"" + draft.title + "\"\n";
  if (!draft.must_have.empty()) {
    out += "must_have:\n";
    for (size_t i = 0; i < draft.must_have.size(); ++i) {
      const std::string field = "must_have[" + std::to_string(i) + "]";
      require_one_line(draft.must_have[i], field);
      if (draft.must_have[i].find_first_not_of(" \t") == std::string::npos) throw InvalidInputError(field + ": empty requirement");
      out += "  - \"" + draft.must_have[i] + "\"\n";
    }
  }
  if (!draft.criteria.empty()) {
    out += "criteria:\n";
    std::set<std::string> names;
    for (size_t i = 0; i < draft.criteria.size(); ++i) {
      const auto& c = draft.criteria[i];
      const std::string field = "criteria[" + std::to_string(i) + "]";
      require_one_line(c.name, field + ".name");
      if (c.name.find_first_not_of(" \t") == std::string::npos) throw InvalidInputError(field + ".name: empty name");
      if (!(c.weight > 0) || c.weight > 1000) {
        throw InvalidInputError(field + ".weight: expected a number in (0, 1000], got " + format_weight(c.weight));
      }
      if (!names.insert(c.name).second) throw InvalidInputError(field + ".name: criterion '" + c.name + "' given twice");
      out += "  - name: \"" + c.name + "\"\n    weight: " + format_weight(c.weight) + "\n";
    }
  }
  out += "---\n" + description + "\n";
  screening::parse_job(out, "job text");  // anything the front matter cannot carry fails here, not later in a worker
  return out;
}

}  // namespace hirelm::service
