// The database handles one service call works with: a Store and a TaskQueue over the same database (each owns
// a connection), and a pool of them for the HTTP server's threads (a connection belongs to one thread at a
// time). Sessions are opened lazily, as concurrency needs them, and reused.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "screening/queue/task_queue.h"
#include "screening/store/store.h"

namespace hirelm::service {

struct ServiceSession {
  explicit ServiceSession(const std::string& spec) : store(spec), queue(spec) {}
  store::Store store;
  queue::TaskQueue queue;
  db::Connection& db() { return store.connection(); }
};

class SessionPool {
 public:
  // Opens one session at once (migrating the database), so a bad spec fails here: IoError / UnsupportedError.
  explicit SessionPool(std::string spec);

  // A session borrowed until the lease is destroyed.
  class Lease {
   public:
    Lease(SessionPool& pool, std::unique_ptr<ServiceSession> session) : pool_(&pool), session_(std::move(session)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    ServiceSession& operator*() { return *session_; }
    ServiceSession* operator->() { return session_.get(); }

   private:
    SessionPool* pool_;
    std::unique_ptr<ServiceSession> session_;
  };

  Lease acquire();
  const std::string& spec() const { return spec_; }

 private:
  std::string spec_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<ServiceSession>> idle_;
};

}  // namespace hirelm::service
