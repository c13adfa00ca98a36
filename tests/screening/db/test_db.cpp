#include "test_db.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>

#include "screening/db/connection.h"
#include "util/error.h"

namespace hirelm::db::testing {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// Unique across processes (pid), threads and calls (counter) and reruns (time).
std::string unique_suffix() {
  static std::atomic<int> counter{0};
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  return std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count() % 1000000000);
}

// The PostgreSQL databases this process made; dropped at exit (WITH (FORCE): connections a test left open are
// closed by the server), unless HIRELM_TEST_KEEP_DATABASES=1. Forked children never drop: they leave by _exit.
class CreatedDatabases {
 public:
  void add(const std::string& admin_url, const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    admin_url_ = admin_url;
    names_.push_back(name);
  }
  ~CreatedDatabases() {
    if (names_.empty() || env("HIRELM_TEST_KEEP_DATABASES") == "1" || ::getpid() != owner_) return;
    try {
      std::unique_ptr<Connection> db = open(admin_url_);
      for (const std::string& name : names_) db->exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (const std::exception&) {
      // The server is gone already (scripts/test.sh stopped it): nothing left to drop.
    }
  }

 private:
  std::mutex mutex_;
  pid_t owner_ = ::getpid();
  std::string admin_url_;
  std::vector<std::string> names_;
};

CreatedDatabases& created_databases() {
  static CreatedDatabases databases;
  return databases;
}

}  // namespace

std::string backend_name(Backend backend) { return backend == Backend::kSqlite ? "sqlite" : "postgres"; }

std::string backend_param_name(const ::testing::TestParamInfo<Backend>& info) { return backend_name(info.param); }

std::optional<std::string> postgres_admin_url() {
  const std::string url = env("HIRELM_TEST_POSTGRES_URL");
  if (url.empty()) return std::nullopt;
  return url;
}

bool postgres_required() { return env("HIRELM_REQUIRE_POSTGRES") == "1"; }

std::vector<Backend> test_backends() { return {Backend::kSqlite, Backend::kPostgres}; }

std::string with_database(const std::string& url, const std::string& database) {
  const size_t start = url.find("://");
  const size_t authority = start == std::string::npos ? 0 : start + 3;
  const size_t path = url.find('/', authority);
  const size_t query = url.find('?', authority);
  std::string head = url.substr(0, std::min(path, query));
  const std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + database + tail;
}

std::string fresh_database_spec(Backend backend) {
  if (backend == Backend::kSqlite) {
    const std::string path = ::testing::TempDir() + "/hirelm_db_" + unique_suffix() + ".db";
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix);
    return path;
  }
  const std::optional<std::string> admin = postgres_admin_url();
  if (!admin) {
    throw IoError("test_db: a PostgreSQL test needs HIRELM_TEST_POSTGRES_URL (HIRELM_REQUIRE_POSTGRES=1 is set)");
  }
  const std::string name = "hirelm_t_" + unique_suffix();
  std::unique_ptr<Connection> db = open(*admin);
  db->exec("CREATE DATABASE " + name);
  created_databases().add(*admin, name);
  return with_database(*admin, name);
}

}  // namespace hirelm::db::testing
