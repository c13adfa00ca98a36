// A persistent pool of worker threads for the kernels. Workers spin briefly, then sleep, between
// parallel regions, so the operations of one forward pass do not pay a wake-up each.
#pragma once

#include <cstdint>
#include <functional>

namespace hirelm::kernels {

class ThreadPool {
 public:
  // n_threads includes the calling thread; 1 means everything runs on the caller.
  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const;
  // Runs fn(thread_index, n_threads) on every thread (the caller is index 0) and returns when all are done.
  void run(const std::function<void(int thread_index, int n_threads)>& fn);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace hirelm::kernels
