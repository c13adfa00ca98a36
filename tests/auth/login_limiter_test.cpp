#include "auth/login_limiter.h"

#include <gtest/gtest.h>

namespace hirelm::auth {
namespace {

TEST(LoginLimiter, FiveFailuresWithinFiveMinutesLockForOneMinute) {
  LoginLimiter limiter;
  const int64_t t0 = 1'000'000;
  for (int i = 0; i < 4; ++i) {
    limiter.record_failure("alice", t0 + i * 60);
    EXPECT_EQ(limiter.retry_after("alice", t0 + i * 60), 0) << i;
  }
  limiter.record_failure("alice", t0 + 240);
  EXPECT_EQ(limiter.retry_after("alice", t0 + 240), 60);
  EXPECT_EQ(limiter.retry_after("alice", t0 + 299), 1);
  EXPECT_EQ(limiter.retry_after("alice", t0 + 300), 0);
  EXPECT_EQ(limiter.retry_after("bob", t0 + 240), 0) << "per username";
}

TEST(LoginLimiter, FailuresOlderThanTheWindowDoNotCount) {
  LoginLimiter limiter;
  const int64_t t0 = 1'000'000;
  for (int i = 0; i < 4; ++i) limiter.record_failure("alice", t0 + i);
  limiter.record_failure("alice", t0 + 301);  // the first four are out of the 5-minute window by now
  EXPECT_EQ(limiter.retry_after("alice", t0 + 301), 0);
}

TEST(LoginLimiter, SuccessForgetsFailures) {
  LoginLimiter limiter;
  for (int i = 0; i < 4; ++i) limiter.record_failure("alice", 100 + i);
  limiter.record_success("alice");
  limiter.record_failure("alice", 110);
  EXPECT_EQ(limiter.retry_after("alice", 110), 0);
}

TEST(LoginLimiter, CustomLimits) {
  LoginLimiter limiter(LoginLimits{2, 10, 5});
  limiter.record_failure("x", 0);
  limiter.record_failure("x", 9);
  EXPECT_EQ(limiter.retry_after("x", 9), 5);
}

TEST(LoginLimiter, UsernameSprayStaysBoundedAndFast) {
  LoginLimiter limiter;
  // 50,000 distinct usernames over 500 s: those whose failures left the 5-minute window are swept.
  for (int i = 0; i < 50000; ++i) limiter.record_failure("user" + std::to_string(i), i / 100);
  EXPECT_LT(limiter.tracked_usernames(), 45000u);
  EXPECT_GT(limiter.tracked_usernames(), 20000u) << "failures still in the window are kept";
  for (int i = 0; i < 5; ++i) limiter.record_failure("victim", 500);
  EXPECT_EQ(limiter.retry_after("victim", 500), 60);
}

}  // namespace
}  // namespace hirelm::auth
