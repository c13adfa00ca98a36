#include "screening/service/service_time.h"

#include <ctime>

namespace hirelm::service {

std::string iso_from_epoch(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string utc_now_iso() { return iso_from_epoch(static_cast<int64_t>(std::time(nullptr))); }

}  // namespace hirelm::service
