#include "screening/pipeline/resume_files.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "util/error.h"

namespace hirelm::screening {

std::vector<std::string> expand_resume_paths(const std::vector<std::string>& inputs) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& p) {
    if (seen.insert(p).second) out.push_back(p);
  };
  for (const auto& in : inputs) {
    std::error_code ec;
    const auto st = fs::status(in, ec);
    if (ec || !fs::exists(st)) throw NotFoundError(in + ": no such file or directory (--resumes)");
    if (!fs::is_directory(st)) {
      add(in);
      continue;
    }
    std::vector<std::string> files;
    for (auto it = fs::recursive_directory_iterator(in, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file()) files.push_back(it->path().string());
    }
    if (ec) throw IoError(in + ": cannot list the directory: " + ec.message());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) add(f);
  }
  return out;
}

}  // namespace hirelm::screening
