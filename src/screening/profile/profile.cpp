#include "screening/profile/profile.h"

#include <algorithm>
#include <set>

#include "screening/profile/text_fold.h"

namespace hirelm::profile {

bool Profile::has_flag(const std::string& code) const {
  return std::find(flags.begin(), flags.end(), code) != flags.end();
}

std::vector<std::string> Profile::tech_stack_flat() const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto* list : {&tech_stack.languages, &tech_stack.frameworks}) {
    for (const std::string& item : *list) {
      if (item.empty()) continue;
      if (seen.insert(detail::fold_text(item)).second) out.push_back(item);
    }
  }
  return out;
}

}  // namespace hirelm::profile
