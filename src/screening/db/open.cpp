#include <algorithm>

#include "screening/db/connection.h"
#include "screening/db/postgres_connection.h"
#include "screening/db/sqlite_connection.h"

namespace hirelm::db {

bool is_postgres_url(std::string_view spec) {
  return spec.starts_with("postgresql://") || spec.starts_with("postgres://");
}

std::vector<std::pair<size_t, size_t>> url_password_spans(std::string_view url) {
  std::vector<std::pair<size_t, size_t>> spans;
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return spans;
  // scheme://[user[:password]@]host...: the password runs from the first ':' of the user info to the '@' that
  // ends it (the last '@' before the path or query).
  const size_t start = scheme_end + 3;
  size_t scan_from = start;
  size_t end = url.find_first_of("/?#", start);
  if (end == std::string_view::npos) end = url.size();
  const size_t at = url.rfind('@', end);
  if (at != std::string_view::npos && at >= start) {
    const size_t colon = url.find(':', start);
    if (colon != std::string_view::npos && colon < at) {
      spans.emplace_back(colon + 1, at - colon - 1);
      scan_from = at;
    }
  }
  // A password may also come as a query parameter.
  for (size_t q = url.find("password=", scan_from); q != std::string_view::npos; q = url.find("password=", q + 1)) {
    if (url[q - 1] != '?' && url[q - 1] != '&') continue;
    const size_t value = q + 9;
    const size_t value_end = std::min(url.find('&', value), url.size());
    spans.emplace_back(value, value_end - value);
  }
  return spans;
}

std::string redact_spec(const std::string& spec) {
  if (!is_postgres_url(spec)) return spec;
  std::string out = spec;
  const auto spans = url_password_spans(spec);
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) out.replace(it->first, it->second, "***");
  return out;
}

std::unique_ptr<Connection> open(const std::string& spec, const OpenOptions& options) {
  if (is_postgres_url(spec)) return std::make_unique<PostgresConnection>(spec);
  return std::make_unique<SqliteConnection>(spec, options.busy_timeout_ms);
}

}  // namespace hirelm::db
