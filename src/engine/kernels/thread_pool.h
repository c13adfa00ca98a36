// A persistent pool of worker threads for the kernels. Between parallel regions workers spin (with pause)
// for a few milliseconds, then sleep, so the operations of one forward pass never pay a wake-up, while an
// idle pool costs no CPU.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <type_traits>

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
  // fn must not throw and must not call run() on the same pool. Calls from different threads are serialised.
  void run(const std::function<void(int thread_index, int n_threads)>& fn);

  // The same for any callable, without wrapping it in a std::function (so a lambda capturing many references
  // costs no allocation per call). Preferred by overload resolution for lambdas.
  template <class Fn>
  void run(Fn&& fn) {
    using Callable = std::remove_reference_t<Fn>;
    run_raw([](void* ctx, int thread_index, int n_threads) { (*static_cast<Callable*>(ctx))(thread_index, n_threads); },
            const_cast<void*>(static_cast<const void*>(std::addressof(fn))));
  }

  // Runs call(ctx, thread_index, n_threads) on every thread; what both run() overloads reduce to.
  void run_raw(void (*call)(void* ctx, int thread_index, int n_threads), void* ctx);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace hirelm::kernels
