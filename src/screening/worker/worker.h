// The screening worker: threads that take `screen_document` tasks from the durable queue (src/screening/queue)
// and screen them (screen_task.h), for `hirelm worker` and the embedded worker of `hirelm serve`.
//
// Each of the `concurrency` threads owns its TaskQueue and Store (one database connection each) and loops:
// claim -> screen -> complete. While a task runs, one shared heartbeat thread (its own connection) extends
// every held lease every `heartbeat_seconds`, so a long model call does not lose its lease; a worker killed
// with kill -9 stops heartbeating and its lease expires, after which another worker takes the task over.
//
// Outcomes of a claimed task:
//   * screened, every stage answered            -> complete (done); false from complete = the lease was lost
//                                                  (taken over or cancelled): logged, result dropped
//   * a stage got no answer from the model       -> fail: queued again after the queue's backoff, or failed
//     (server down, HTTP error), or the database   when the attempts are used up; the retry redoes only
//     failed                                       the stages that are missing
//   * corrupt payload, job or document gone      -> failed at once (no retry), last_error says why
// Nothing a task does crashes the worker; only a broken setup (prompts missing) stops it (error()).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "llm/language_model.h"
#include "screening/queue/task.h"

namespace hirelm::worker {

struct WorkerOptions {
  std::string db_spec;          // SQLite path or postgresql:// URL
  std::string worker_id;        // lease owner; threads beyond the first add "-t<N>"; default host:pid
  int concurrency = 1;          // tasks in flight (threads), 1..256
  int64_t lease_seconds = 60;   // lease length; a dead worker's task is taken over after this
  double heartbeat_seconds = 0; // lease extension period; 0 = lease_seconds / 3
  std::vector<std::string> kinds = {"screen_document"};
  std::string prompts_dir;      // prompt templates
  bool once = false;            // threads end when no task is queued (paused ones aside) or leased any more
  double idle_seconds = 0.5;    // wait between claims while nothing is claimable
  // Progress lines ("[worker w1] task 12 doc 5 done in 2.1 s"); default: stderr.
  std::function<void(const std::string&)> log;
};

struct WorkerStats {
  int64_t done = 0;     // completed
  int64_t retried = 0;  // failed with attempts left (queued again)
  int64_t failed = 0;   // failed for good
  int64_t dropped = 0;  // lease lost: result dropped
};

class Worker {
 public:
  // `model` must outlive the worker and allow complete() from several threads at once (OpenAiClient does;
  // wrap an in-process model in SerializedLanguageModel). Throws InvalidInputError for bad options.
  Worker(WorkerOptions options, llm::LanguageModel& model);
  ~Worker();  // stop() and wait()
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Starts the threads. The database is opened by each thread; a thread that cannot open it logs, waits and
  // retries until stopped.
  void start();
  // Asks every thread to stop after its current task (which runs to its end: the model's own timeouts bound
  // it). Safe from any thread; does not block.
  void stop();
  // Waits for the threads to end (after stop(), or by themselves with `once`).
  void wait();
  bool stopping() const { return stop_.load(); }

  WorkerStats stats() const;
  // The setup error that ended a thread ("" when none).
  std::string error() const;
  const std::string& worker_id() const { return options_.worker_id; }

 private:
  void run_thread(int index);
  void heartbeat_loop();
  void log(const std::string& line);
  // Sleeps up to `seconds` or until stop(); false once stopping.
  bool idle(double seconds);
  void hold(int64_t key, const queue::Task& task, const std::string& owner);
  void release(int64_t key);

  WorkerOptions options_;
  llm::LanguageModel& model_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  struct Held {
    queue::Task task;
    std::string owner;
  };
  std::map<int64_t, Held> held_;  // leases being worked on, by a per-claim key
  int64_t next_key_ = 0;
  WorkerStats stats_;
  std::string error_;
  std::vector<std::thread> threads_;
  std::thread heartbeat_;
  std::mutex log_mu_;
};

// A LanguageModel that lets one complete() run at a time: for models that are not safe to call from several
// threads (the in-process engine).
class SerializedLanguageModel : public llm::LanguageModel {
 public:
  explicit SerializedLanguageModel(llm::LanguageModel& inner) : inner_(inner) {}
  void complete(const std::vector<llm::ChatRequest>& requests, const llm::CompletionCallback& on_done) override;
  std::string model_id() const override { return inner_.model_id(); }

 private:
  llm::LanguageModel& inner_;
  std::mutex mu_;
};

}  // namespace hirelm::worker
