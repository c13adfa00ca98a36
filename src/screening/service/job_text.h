// The canonical job file of a job given field by field (POST /api/jobs {title, description, must_have?,
// criteria?}): what jobs.text stores, so every reader parses a job one way (screening::parse_job).
#pragma once

#include <string>
#include <vector>

#include "screening/job/job.h"

namespace hirelm::service {

// A job given field by field (POST /api/jobs {title, description, must_have?, criteria?}).
struct JobDraft {
  std::string title;
  std::string description;
  std::vector<std::string> must_have;
  std::vector<screening::Criterion> criteria;  // empty: the defaults
};

// The canonical job file of `draft`: a front matter block (title, must_have, criteria) then the description.
// Throws InvalidInputError naming the field for an empty description, a title/requirement/criterion name
// with a line break or empty, a weight not in (0, 1000], or duplicate criterion names. parse_job of the result
// gives the draft back.
std::string render_job_text(const JobDraft& draft);

}  // namespace hirelm::service
