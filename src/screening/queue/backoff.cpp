#include "screening/queue/backoff.h"

namespace hirelm::queue {

int64_t backoff_seconds(int attempts) {
  int64_t wait = kBackoffBaseSeconds;
  for (int i = 1; i < attempts && wait < kBackoffCapSeconds; ++i) wait *= 2;
  return wait < kBackoffCapSeconds ? wait : kBackoffCapSeconds;
}

}  // namespace hirelm::queue
