// The resume files of a batch: `--resumes DIR|FILE...` expanded to a list of paths. Directories are walked
// recursively in sorted order, skipping hidden entries ('.'-prefixed) and the files below; files given
// directly are kept in the order given. A path given twice is listed once.
#pragma once

#include <string>
#include <vector>

namespace hirelm::screening {

// Throws NotFoundError for a path that does not exist.
std::vector<std::string> expand_resume_paths(const std::vector<std::string>& inputs);

}  // namespace hirelm::screening
