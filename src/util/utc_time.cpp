#include "util/utc_time.h"

#include <chrono>
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

int64_t utc_now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string utc_now_iso8601() { return utc_iso8601(utc_now_seconds()); }

}  // namespace hirelm
