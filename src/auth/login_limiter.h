// Login rate limit per username (docs/auth.md): after LoginLimits::max_failures failed logins for one username
// within the window, further attempts for it are refused (HTTP 429) for the lockout, without checking the password.
// Counting is per username, not per address: a guesser spreading attempts over many addresses is still
// limited, at the price that someone can keep a known username locked (one minute at a time).
//
// In memory, per process, thread-safe. Times are whole seconds from the caller's clock.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hirelm::auth {

struct LoginLimits {
  int max_failures = 5;
  int64_t window_seconds = 300;
  int64_t lockout_seconds = 60;
};

class LoginLimiter {
 public:
  explicit LoginLimiter(LoginLimits limits = {}) : limits_(limits) {}

  // Seconds until `username` may try again (> 0 while locked out), 0 when it may try now.
  int64_t retry_after(const std::string& username, int64_t now);
  // A failed attempt at `now`; the max_failures-th failure within the window starts a lockout.
  void record_failure(const std::string& username, int64_t now);
  // A successful login forgets the username's failures.
  void record_success(const std::string& username);
  // How many usernames are tracked (for tests of the memory bound).
  size_t tracked_usernames();

 private:
  struct Entry {
    std::deque<int64_t> failures;  // times of recent failures, oldest first
    int64_t locked_until = 0;
  };
  void prune(int64_t now);  // drops stale entries so memory stays bounded under a username-spraying attack

  static constexpr size_t kPruneAbove = 10000;  // entries kept before stale ones are first swept

  LoginLimits limits_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  size_t prune_above_ = kPruneAbove;  // next sweep when the map grows past this (doubles: sweeps stay amortised O(1))
};

}  // namespace hirelm::auth
