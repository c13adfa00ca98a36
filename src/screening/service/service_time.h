// Times of the service: UTC ISO-8601 text ("2026-11-29T21:10:43Z"), as the store writes them.
#pragma once

#include <cstdint>
#include <string>

namespace hirelm::service {

std::string utc_now_iso();
// Seconds since the Unix epoch as ISO-8601 UTC text.
std::string iso_from_epoch(int64_t seconds);

}  // namespace hirelm::service
