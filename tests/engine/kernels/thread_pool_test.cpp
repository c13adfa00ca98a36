// The pool runs every index exactly once per run, the caller is index 0, runs are back to back without
// lost wake-ups (also after the workers fall asleep), and it shuts down cleanly.
#include "engine/kernels/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

namespace hirelm::kernels {
namespace {

TEST(ThreadPoolTest, EveryIndexRunsOncePerRun) {
  for (int n : {1, 2, 5}) {
    ThreadPool pool(n);
    EXPECT_EQ(pool.size(), n);
    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
    for (int run = 0; run < 500; ++run) {
      pool.run([&](int index, int count) {
        EXPECT_EQ(count, n);
        hits[static_cast<size_t>(index)].fetch_add(1);
      });
    }
    for (int i = 0; i < n; ++i) EXPECT_EQ(hits[static_cast<size_t>(i)].load(), 500) << n;
  }
}

TEST(ThreadPoolTest, CallerIsIndexZero) {
  ThreadPool pool(3);
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<int> zero_on_caller{0};
  std::atomic<int> others_on_caller{0};
  pool.run([&](int index, int) {
    const bool on_caller = std::this_thread::get_id() == caller;
    if (index == 0 && on_caller) zero_on_caller.fetch_add(1);
    if (index != 0 && on_caller) others_on_caller.fetch_add(1);
  });
  EXPECT_EQ(zero_on_caller.load(), 1);
  EXPECT_EQ(others_on_caller.load(), 0);
}

TEST(ThreadPoolTest, WakesSleepingWorkers) {
  ThreadPool pool(3);
  std::atomic<int> total{0};
  for (int round = 0; round < 3; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // longer than the spin phase
    pool.run([&](int, int) { total.fetch_add(1); });
  }
  EXPECT_EQ(total.load(), 9);
}

TEST(ThreadPoolTest, RunReturnsOnlyAfterAllWorkIsDone) {
  ThreadPool pool(4);
  std::vector<int> out(4000, 0);
  for (int round = 1; round <= 50; ++round) {
    pool.run([&](int index, int count) {
      for (size_t i = static_cast<size_t>(index); i < out.size(); i += static_cast<size_t>(count)) out[i] += 1;
    });
    for (int v : out) ASSERT_EQ(v, round);
  }
}

TEST(ThreadPoolTest, StdFunctionAndMutableLambdaOverloadsBothRun) {
  ThreadPool pool(3);
  std::atomic<int> calls{0};
  const std::function<void(int, int)> fn = [&](int, int) { calls.fetch_add(1); };
  pool.run(fn);
  EXPECT_EQ(calls.load(), 3);
  int caller_runs = 0;  // the lambda's state is touched by index 0 only
  pool.run([&, local = 0](int index, int) mutable {
    if (index == 0) caller_runs = ++local;
  });
  EXPECT_EQ(caller_runs, 1);
}

}  // namespace
}  // namespace hirelm::kernels
