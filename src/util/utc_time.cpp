#include "util/utc_time.h"

#include <ctime>

namespace hirelm {

std::string utc_iso8601(int64_t epoch_seconds) {
  const auto t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string utc_now_iso8601() { return utc_iso8601(static_cast<int64_t>(std::time(nullptr))); }

}  // namespace hirelm
