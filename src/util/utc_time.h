// UTC timestamps as the store writes them: ISO-8601 with seconds and a Z ("2026-11-29T22:33:30Z").
#pragma once

#include <cstdint>
#include <string>

namespace hirelm {

// `epoch_seconds` (seconds since the Unix epoch) as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_iso8601(int64_t epoch_seconds);

// The system clock now, in whole seconds since the Unix epoch.
int64_t utc_now_seconds();

// The system clock now, as utc_iso8601 writes it.
std::string utc_now_iso8601();

}  // namespace hirelm
