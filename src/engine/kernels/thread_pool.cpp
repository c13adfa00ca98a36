// A fork-join pool: the caller publishes a job by bumping a generation counter; workers spin on the counter
// for a few milliseconds (so back-to-back kernels of one forward pass, and consecutive decode steps, find
// them awake) and then sleep on a condition variable. run() allocates nothing: the job is passed as a function pointer and a context pointer.
#include "engine/kernels/thread_pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "util/check.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HIRELM_CPU_RELAX() _mm_pause()
#else
#define HIRELM_CPU_RELAX() std::this_thread::yield()
#endif

namespace hirelm::kernels {
namespace {
// A waiting thread polls for up to kSpinBudget before it sleeps on the condition variable: that covers the
// gaps between the kernels of one forward pass and between the forward calls of a decode loop (microseconds
// to a millisecond), so those never pay a futex wake-up, while an idle engine soon burns nothing. Polling is
// pause instructions, with a yield of the core every kPausesPerYield pauses: on an idle machine the yield
// returns at once, on an oversubscribed one it lets the threads that still have work run. The clock is read
// at each yield.
constexpr std::chrono::nanoseconds kSpinBudget = std::chrono::milliseconds(3);
constexpr int kPausesPerYield = 256;

template <class Done>
bool spin_then_yield(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + kSpinBudget;
  do {
    for (int i = 0; i < kPausesPerYield; ++i) {
      if (done()) return true;
      HIRELM_CPU_RELAX();
    }
    std::this_thread::yield();
  } while (std::chrono::steady_clock::now() < deadline);
  return done();
}
}  // namespace

struct ThreadPool::Impl {
  int n_threads = 1;
  std::vector<std::thread> workers;
  std::atomic<uint64_t> generation{0};
  std::atomic<int> pending{0};
  std::atomic<bool> stopping{false};
  void (*job_call)(void*, int, int) = nullptr;
  void* job_ctx = nullptr;
  std::mutex wake_mutex;
  std::condition_variable wake;
  std::mutex run_mutex;  // serialises run() calls from different threads

  void worker_loop(int index) {
    uint64_t seen = 0;
    for (;;) {
      const auto published = [&] { return generation.load(std::memory_order_acquire) != seen; };
      if (!spin_then_yield(published)) {
        std::unique_lock<std::mutex> lock(wake_mutex);
        wake.wait(lock, published);
      }
      seen = generation.load(std::memory_order_acquire);
      if (stopping.load(std::memory_order_acquire)) return;
      job_call(job_ctx, index, n_threads);
      pending.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  void publish() {
    {
      std::lock_guard<std::mutex> lock(wake_mutex);
      generation.fetch_add(1, std::memory_order_acq_rel);
    }
    wake.notify_all();
  }
};

ThreadPool::ThreadPool(int n_threads) : impl_(new Impl) {
  HIRELM_CHECK_MSG(n_threads >= 1, "ThreadPool needs at least one thread");
  impl_->n_threads = n_threads;
  impl_->workers.reserve(static_cast<size_t>(n_threads - 1));
  for (int i = 1; i < n_threads; ++i) impl_->workers.emplace_back([this, i] { impl_->worker_loop(i); });
}

ThreadPool::~ThreadPool() {
  impl_->stopping.store(true, std::memory_order_release);
  impl_->publish();
  for (auto& t : impl_->workers) t.join();
  delete impl_;
}

int ThreadPool::size() const { return impl_->n_threads; }

void ThreadPool::run(const std::function<void(int thread_index, int n_threads)>& fn) {
  run_raw([](void* ctx, int thread_index, int n_threads) {
    (*static_cast<const std::function<void(int, int)>*>(ctx))(thread_index, n_threads);
  }, const_cast<void*>(static_cast<const void*>(&fn)));
}

void ThreadPool::run_raw(void (*call)(void* ctx, int thread_index, int n_threads), void* ctx) {
  if (impl_->n_threads == 1) {
    call(ctx, 0, 1);
    return;
  }
  std::lock_guard<std::mutex> run_lock(impl_->run_mutex);
  impl_->job_call = call;
  impl_->job_ctx = ctx;
  impl_->pending.store(impl_->n_threads - 1, std::memory_order_release);
  impl_->publish();
  call(ctx, 0, impl_->n_threads);
  // Wait for the workers: spin first, then keep yielding the core (they may be descheduled on a busy machine).
  const auto finished = [&] { return impl_->pending.load(std::memory_order_acquire) == 0; };
  while (!spin_then_yield(finished)) {
  }
}

}  // namespace hirelm::kernels
