#include "screening/worker/worker.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "screening/queue/task_queue.h"
#include "screening/scoring/prompt_template.h"
#include "screening/store/store.h"
#include "screening/worker/screen_task.h"
#include "util/error.h"

namespace hirelm::worker {

namespace {

std::string default_worker_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "host");
  return std::string(host) + ":" + std::to_string(::getpid());
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

}  // namespace

void SerializedLanguageModel::complete(const std::vector<llm::ChatRequest>& requests,
                                       const llm::CompletionCallback& on_done) {
  std::lock_guard<std::mutex> lock(mu_);
  inner_.complete(requests, on_done);
}

Worker::Worker(WorkerOptions options, llm::LanguageModel& model) : options_(std::move(options)), model_(model) {
  if (options_.db_spec.empty()) throw InvalidInputError("worker: --db: expected a database path or URL");
  if (options_.concurrency < 1 || options_.concurrency > 256) {
    throw InvalidInputError("worker: --concurrency: expected 1..256, got " + std::to_string(options_.concurrency));
  }
  if (options_.lease_seconds < 1) {
    throw InvalidInputError("worker: --lease-seconds: expected at least 1, got " + std::to_string(options_.lease_seconds));
  }
  if (options_.heartbeat_seconds <= 0) options_.heartbeat_seconds = static_cast<double>(options_.lease_seconds) / 3.0;
  if (options_.worker_id.empty()) options_.worker_id = default_worker_id();
  if (options_.prompts_dir.empty()) options_.prompts_dir = screening::default_prompts_dir();
  // A missing or bad prompt would fail every task: fail here instead.
  for (const char* lang : {"zh", "en"}) {
    for (const char* kind : {"profile", "score", "feedback"}) screening::load_prompt(options_.prompts_dir, lang, kind);
  }
}

Worker::~Worker() {
  stop();
  wait();
}

void Worker::start() {
  stop_ = false;
  heartbeat_ = std::thread([this] { heartbeat_loop(); });
  for (int i = 0; i < options_.concurrency; ++i) threads_.emplace_back([this, i] { run_thread(i); });
}

void Worker::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
}

void Worker::wait() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  stop();  // the heartbeat thread ends with the last task thread
  if (heartbeat_.joinable()) heartbeat_.join();
}

WorkerStats Worker::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

std::string Worker::error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

void Worker::log(const std::string& line) {
  if (options_.log) {
    options_.log(line);
    return;
  }
  std::lock_guard<std::mutex> lock(log_mu_);
  std::fprintf(stderr, "%s\n", line.c_str());
}

bool Worker::idle(double seconds) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return stop_.load(); });
  return !stop_.load();
}

void Worker::hold(int64_t key, const queue::Task& task, const std::string& owner) {
  std::lock_guard<std::mutex> lock(mu_);
  held_[key] = Held{task, owner};
}

void Worker::release(int64_t key) {
  std::lock_guard<std::mutex> lock(mu_);
  held_.erase(key);
}

void Worker::heartbeat_loop() {
  std::unique_ptr<queue::TaskQueue> queue;
  while (idle(options_.heartbeat_seconds)) {
    std::vector<Held> held;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [key, h] : held_) held.push_back(h);
    }
    if (held.empty()) continue;
    try {
      if (!queue) queue = std::make_unique<queue::TaskQueue>(options_.db_spec);
      for (const auto& h : held) {
        if (!queue->heartbeat(h.task, h.owner, options_.lease_seconds)) {
          log("[worker " + h.owner + "] task " + std::to_string(h.task.id) +
              ": lease lost (taken over or cancelled); its result will be dropped");
        }
      }
    } catch (const std::exception& e) {
      log("[worker " + options_.worker_id + "] heartbeat failed: " + e.what());
      queue.reset();
    }
  }
}

void Worker::run_thread(int index) {
  const std::string owner = options_.concurrency == 1 ? options_.worker_id
                                                      : options_.worker_id + "-t" + std::to_string(index + 1);
  const std::string tag = "[worker " + owner + "] ";
  const ScreenSettings settings{options_.prompts_dir};
  std::unique_ptr<queue::TaskQueue> queue;
  std::unique_ptr<store::Store> store;
  while (!stop_.load()) {
    try {
      if (!queue) {
        queue = std::make_unique<queue::TaskQueue>(options_.db_spec);
        store = std::make_unique<store::Store>(options_.db_spec);
      }
      std::optional<queue::Task> task = queue->claim(owner, options_.lease_seconds, options_.kinds);
      if (!task) {
        if (options_.once) {
          const queue::TaskCounts c = queue->counts(std::nullopt);
          if (c.queued - c.held + c.leased == 0) break;  // paused (held) tasks do not keep it
        }
        idle(options_.idle_seconds);
        continue;
      }
      const auto started = std::chrono::steady_clock::now();
      auto elapsed = [&] {
        return seconds_text(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      };
      const std::string what = tag + "task " + std::to_string(task->id);
      int64_t key = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        key = ++next_key_;
      }
      hold(key, *task, owner);
      std::string error;
      bool permanent = false;
      ScreenOutcome outcome;
      std::string doc = "?";
      try {
        const ScreenPayload payload = parse_screen_payload(task->payload_json);
        doc = std::to_string(payload.document_id);
        outcome = screen_document(*store, model_, payload, settings);
        if (outcome.model_error) error = "model: " + outcome.error;
      } catch (const Error& e) {
        error = e.what();
        permanent = e.kind() == ErrorKind::kInvalidInput || e.kind() == ErrorKind::kNotFound ||
                    e.kind() == ErrorKind::kUnsupported;
      } catch (const std::exception& e) {
        error = std::string("unexpected error: ") + e.what();
      }
      release(key);
      const std::string subject = what + " doc " + doc;
      if (error.empty()) {
        const bool completed = queue->complete(*task, owner);
        {
          std::lock_guard<std::mutex> lock(mu_);
          ++(completed ? stats_.done : stats_.dropped);
        }
        log(subject + (completed ? " " + outcome.status + " done in " : " lease lost, result dropped after ") +
            elapsed() + " (" + std::to_string(outcome.redone_stages) + " stages computed, " +
            std::to_string(outcome.reused_stages) + " reused)");
        continue;
      }
      if (permanent) {
        const bool ok = queue->fail_permanently(*task, owner, error);
        {
          std::lock_guard<std::mutex> lock(mu_);
          ++(ok ? stats_.failed : stats_.dropped);
        }
        log(subject + " failed for good after " + elapsed() + ": " + error);
        continue;
      }
      const bool ok = queue->fail(*task, owner, error);
      // fail() queues the task again exactly when this lease was not its last allowed attempt.
      const bool retry = ok && task->attempts < task->max_attempts;
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++(!ok ? stats_.dropped : retry ? stats_.retried : stats_.failed);
      }
      log(subject + (retry ? " failed (will retry)" : ok ? " failed (no attempts left)" : " failed (lease lost)") +
          " after " + elapsed() + ": " + error);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kIo) {
        log(tag + "database error: " + e.what() + " (reconnecting)");
        queue.reset();
        store.reset();
        idle(2.0);
        continue;
      }
      log(tag + "stopped: " + e.what());
      std::lock_guard<std::mutex> lock(mu_);
      if (error_.empty()) error_ = e.what();
      break;
    } catch (const std::exception& e) {
      log(tag + "stopped: " + e.what());
      std::lock_guard<std::mutex> lock(mu_);
      if (error_.empty()) error_ = e.what();
      break;
    }
  }
}

}  // namespace hirelm::worker
