// The job a batch is screened against, read from the file HR writes: Markdown or plain text (the job
// description), optionally opened by a YAML-ish front-matter block between `---` lines:
//
//   ---
//   title: Backend Engineer
//   must_have:
//     - 3+ years of C++ or Go
//     - Bachelor's degree in CS
//   criteria:                    # scored criteria with weights; default skills, experience, education (1 each)
//     - name: skills
//       weight: 3
//     - {name: experience, weight: 2}
//     - education                # weight 1
//   ---
//
// Only that subset is read: `key: value`, block lists (`- item`) and flow lists (`[a, b]`), mappings in list
// items (block or `{...}` flow form), quoted strings ("..." or '...'), and `#` comments on their own lines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hirelm::screening {

struct Criterion {
  std::string name;
  double weight = 1.0;  // relative; > 0
};

struct Job {
  std::string title;                   // front matter title, else the first Markdown heading, else ""
  std::string description;             // the text after the front matter, trimmed
  std::vector<std::string> must_have;  // requirements reported pass/fail/unclear apart from the score
  std::vector<Criterion> criteria;     // never empty (defaults when the file names none)
  std::string content_hash;            // "sha256:" + hex of the whole file text

  static std::vector<Criterion> default_criteria();
};

// Parses job text; `name_for_errors` (the path) prefixes error messages, with the line number:
// "job.md:4: criteria[1].weight: expected a positive number, got 'heavy'". Throws InvalidInputError for
// bad front matter, an empty description or duplicate criterion names.
Job parse_job(std::string_view text, const std::string& name_for_errors);

// Reads and parses the file. Throws NotFoundError / IoError / InvalidInputError.
Job load_job(const std::string& path);

}  // namespace hirelm::screening
