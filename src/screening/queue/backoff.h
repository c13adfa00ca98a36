// Retry backoff of the durable queue: exponential, base 2 s, doubling per failed attempt, capped at 5 min.
#pragma once

#include <cstdint>

namespace hirelm::queue {

constexpr int64_t kBackoffBaseSeconds = 2;
constexpr int64_t kBackoffCapSeconds = 300;

// Seconds a task waits before it may be claimed again after its `attempts`-th attempt failed
// (attempts >= 1): 2, 4, 8, ... seconds, at most kBackoffCapSeconds. attempts < 1 is treated as 1.
int64_t backoff_seconds(int attempts);

}  // namespace hirelm::queue
