// Finds text aimed at the screening model rather than at a human reader: prompt-injection phrases in
// English and Chinese and chat-template special-token strings. Matches are flagged, never removed:
// HR should see what the candidate tried.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hirelm::documents {

struct InjectionMatch {
  std::string pattern;  // which rule matched, e.g. "ignore previous instructions"
  std::string snippet;  // the matched text with up to ~30 characters of context on each side, one line
};

// Scans normalized UTF-8 text (case-insensitive for Latin letters, whitespace-tolerant). Returns at most
// `max_matches` matches in text order, one per rule and location.
std::vector<InjectionMatch> scan_for_injection(std::string_view text, size_t max_matches = 16);

}  // namespace hirelm::documents
