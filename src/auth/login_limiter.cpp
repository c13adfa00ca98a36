#include "auth/login_limiter.h"

#include <algorithm>

namespace hirelm::auth {

int64_t LoginLimiter::retry_after(const std::string& username, int64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(username);
  if (it == entries_.end() || it->second.locked_until <= now) return 0;
  return it->second.locked_until - now;
}

void LoginLimiter::record_failure(const std::string& username, int64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (entries_.size() > prune_above_) {
    prune(now);
    prune_above_ = std::max(kPruneAbove, 2 * entries_.size());
  }
  Entry& entry = entries_[username];
  while (!entry.failures.empty() && entry.failures.front() <= now - limits_.window_seconds) {
    entry.failures.pop_front();
  }
  entry.failures.push_back(now);
  if (static_cast<int>(entry.failures.size()) >= limits_.max_failures) {
    entry.locked_until = now + limits_.lockout_seconds;
    entry.failures.clear();  // after the lockout the count starts again
  }
}

void LoginLimiter::record_success(const std::string& username) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.erase(username);
}

size_t LoginLimiter::tracked_usernames() {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

void LoginLimiter::prune(int64_t now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    const Entry& entry = it->second;
    const bool stale = entry.locked_until <= now &&
                       (entry.failures.empty() || entry.failures.back() <= now - limits_.window_seconds);
    it = stale ? entries_.erase(it) : std::next(it);
  }
}

}  // namespace hirelm::auth
