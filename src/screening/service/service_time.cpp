#include "screening/service/service_time.h"

#include "util/utc_time.h"

namespace hirelm::service {

std::string iso_from_epoch(int64_t seconds) { return utc_iso8601(seconds); }

std::string utc_now_iso() { return utc_now_iso8601(); }

}  // namespace hirelm::service
