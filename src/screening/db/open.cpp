#include "screening/db/connection.h"
#include "screening/db/postgres_connection.h"
#include "screening/db/sqlite_connection.h"

namespace hirelm::db {

bool is_postgres_url(std::string_view spec) {
  return spec.starts_with("postgresql://") || spec.starts_with("postgres://");
}

std::string redact_spec(const std::string& spec) {
  if (!is_postgres_url(spec)) return spec;
  std::string out = spec;
  // scheme://[user[:password]@]host...: the password runs from the first ':' of the user info to the '@' that
  // ends it (the last '@' before the path or query).
  const size_t start = out.find("://") + 3;
  size_t end = out.find_first_of("/?#", start);
  if (end == std::string::npos) end = out.size();
  const size_t at = out.rfind('@', end);
  if (at != std::string::npos && at >= start) {
    const size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) out = out.substr(0, colon + 1) + "***" + out.substr(at);
  }
  // A password may also come as a query parameter.
  for (size_t q = out.find("password=", start); q != std::string::npos; q = out.find("password=", q + 1)) {
    if (out[q - 1] != '?' && out[q - 1] != '&') continue;
    const size_t value = q + 9;
    const size_t value_end = out.find('&', value);
    out = out.substr(0, value) + "***" + (value_end == std::string::npos ? "" : out.substr(value_end));
  }
  return out;
}

std::unique_ptr<Connection> open(const std::string& spec, const OpenOptions& options) {
  if (is_postgres_url(spec)) return std::make_unique<PostgresConnection>(spec);
  return std::make_unique<SqliteConnection>(spec, options.busy_timeout_ms);
}

}  // namespace hirelm::db
