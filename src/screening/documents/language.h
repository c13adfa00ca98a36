// Language of a resume by script proportions.
#pragma once

#include <string>
#include <string_view>

namespace hirelm::documents {

// "zh", "en", "mixed", or "unknown" when the text has neither Han characters nor Latin letters.
// A Han character carries about as much as a Latin word, so Latin letters count a quarter each:
// share = han / (han + latin / 4); share >= 0.8 is zh, <= 0.2 is en, anything between is mixed.
// A Chinese resume listing "Java, Python, Kubernetes" in its skills therefore stays zh.
std::string detect_language(std::string_view utf8);

}  // namespace hirelm::documents
