// kill -9 at arbitrary points of a batch, then resume: nothing lost, nothing duplicated, finished work kept.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <thread>

#include "screening/db/connection.h"
#include "screening/store/store.h"
#include "store_test_util.h"

namespace hirelm::store {
namespace {

constexpr int kDocuments = 60;
constexpr int kSamples = 3;

std::string hash_of(int i) { return "sha256:doc" + std::to_string(i); }

// The batch as the pipeline runs it: add every document, then finish each pending one in its own
// transaction. Idempotent: running it again after a crash completes what is missing.
void run_batch(const std::string& path) {
  Store s(path);
  const int64_t job = s.upsert_job({"sha256:job", "Backend", "JD", "job.md"});
  for (int i = 0; i < kDocuments; ++i) {
    s.add_candidate_document(job, {"r/" + std::to_string(i) + ".txt", hash_of(i), "text " + std::to_string(i),
                                   "en", "text", "{}"});
  }
  for (int64_t doc : s.list_pending(job, "score")) {
    StageResult r;
    r.job_id = job;
    r.document_id = doc;
    r.stage = "score";
    r.status = "ok";
    r.value_json = "{\"doc\":" + std::to_string(doc) + "}";
    for (int k = 0; k < kSamples; ++k) r.samples.push_back({k, k, std::string(2000, 'r'), "\\boxed{7}", "{}"});
    s.save_stage_result(r);
  }
}

int64_t count(db::Connection& db, const char* sql) {
  auto q = db.prepare(sql);
  return q->step() ? q->int64(0) : -1;
}

struct Counts {
  int64_t documents, job_documents, candidates, results, samples, incomplete_results, orphan_samples;
};

Counts counts(const std::string& spec) {
  std::unique_ptr<db::Connection> db = db::open(spec);
  Counts c{count(*db, "SELECT COUNT(*) FROM documents"),
           count(*db, "SELECT COUNT(*) FROM job_documents"),
           count(*db, "SELECT COUNT(*) FROM candidates"),
           count(*db, "SELECT COUNT(*) FROM results"),
           count(*db, "SELECT COUNT(*) FROM samples"),
           count(*db, "SELECT COUNT(*) FROM results r WHERE (SELECT COUNT(*) FROM samples s WHERE s.result_id = r.id) <> 3"),
           count(*db, "SELECT COUNT(*) FROM samples s WHERE NOT EXISTS (SELECT 1 FROM results r WHERE r.id = s.result_id)")};
  if (db->dialect() == db::Dialect::kSqlite) {
    auto q = db->prepare("PRAGMA integrity_check");
    EXPECT_TRUE(q->step());
    EXPECT_EQ(q->text(0), "ok");
  }
  return c;
}

// Results stored so far; nullopt while the schema does not exist yet (the child was killed before it
// migrated the database).
std::optional<int64_t> stored_results_or_no_schema(const std::string& spec) {
  if (!db::is_postgres_url(spec)) {
    // SQLite: a read-only connection, as a bystander; it never creates the file nor changes its journal mode
    // while the child is opening it.
    sqlite3* db = nullptr;
    std::optional<int64_t> n;
    if (sqlite3_open_v2(spec.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_busy_timeout(db, 1000);
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM results", -1, &st, nullptr) == SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW) {
        n = sqlite3_column_int64(st, 0);
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return n;
  }
  try {
    std::unique_ptr<db::Connection> db = db::open(spec, {.busy_timeout_ms = 1000});
    return count(*db, "SELECT COUNT(*) FROM results");
  } catch (const IoError&) {
    return std::nullopt;
  }
}

int64_t stored_results(const std::string& spec) { return stored_results_or_no_schema(spec).value_or(0); }

// When the parent kills the child: after a delay, or once `results` results are stored (a point in the
// middle of the batch however fast or slow the machine is).
struct KillPoint {
  std::chrono::microseconds delay{0};
  int64_t results = -1;  // >= 0: wait for this many stored results instead of the delay
};

// Forks a child that runs the batch and kills it with SIGKILL at `when`. True when the child was killed
// (rather than finishing first).
bool run_and_kill(const std::string& path, const KillPoint& when) {
  const pid_t pid = fork();
  if (pid == 0) {
    try {
      run_batch(path);
    } catch (...) {
      _exit(3);
    }
    _exit(0);
  }
  EXPECT_GT(pid, 0);
  int status = 0;
  bool exited = false;
  if (when.results >= 0) {
    while (!(exited = waitpid(pid, &status, WNOHANG) == pid) && stored_results(path) < when.results) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  } else {
    std::this_thread::sleep_for(when.delay);
  }
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  if (WIFEXITED(status)) {
    EXPECT_EQ(WEXITSTATUS(status), 0) << "the batch failed by itself";
  }
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

class StoreCrash : public test::StoreBackendTest {};

TEST_P(StoreCrash, KillNineAnywhereThenResumeLosesAndDuplicatesNothing) {
  // Delays from "before the schema exists" to "near the end"; the first run measures the full length.
  const std::string probe = fresh_db("crash_probe");
  const auto t0 = std::chrono::steady_clock::now();
  run_batch(probe);
  const auto full = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);

  int killed_midway = 0;
  // Six trials cover every (kill count, kill mode) pair; SQLite runs each twice.
  const int trials = is_sqlite() ? 12 : 6;
  for (int trial = 0; trial < trials; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    const std::string path = fresh_db("crash" + std::to_string(trial));
    // One to three kills in a row at spread-out points, then a clean resume.
    for (int kill_no = 0; kill_no <= trial % 3; ++kill_no) {
      // Even trials kill after a share of the probe's time (from before the schema exists to past the
      // end); odd ones once some results are stored, so that kills land mid-batch on any machine.
      KillPoint when;
      if (trial % 2 == 0) {
        when.delay = std::chrono::microseconds(full.count() * ((trial * 7 + kill_no * 3) % 12) / 10);
      } else {
        when.results = (trial * 11 + kill_no * 17) % (kDocuments - 10) + 5;
      }
      const bool killed = run_and_kill(path, when);
      if (stored_results_or_no_schema(path)) {
        const Counts c = counts(path);
        EXPECT_EQ(c.incomplete_results, 0);  // a result is there with all its samples or not at all
        EXPECT_EQ(c.orphan_samples, 0);
        EXPECT_LE(c.documents, kDocuments);
        EXPECT_EQ(c.documents, c.job_documents);
        EXPECT_EQ(c.documents, c.candidates);
        EXPECT_LE(c.results, c.documents);
        if (killed && c.results > 0 && c.results < kDocuments) ++killed_midway;
      }
    }
    run_batch(path);
    const Counts c = counts(path);
    EXPECT_EQ(c.documents, kDocuments);
    EXPECT_EQ(c.job_documents, kDocuments);
    EXPECT_EQ(c.candidates, kDocuments);
    EXPECT_EQ(c.results, kDocuments);
    EXPECT_EQ(c.samples, kDocuments * kSamples);
    EXPECT_EQ(c.incomplete_results, 0);
    Store s(path);
    const auto results = s.load_results(1);
    ASSERT_EQ(results.size(), static_cast<size_t>(kDocuments));
    for (const auto& d : results) {
      const StageResult* r = d.stage("score");
      ASSERT_NE(r, nullptr);
      EXPECT_EQ(r->value_json, "{\"doc\":" + std::to_string(d.document_id) + "}");
    }
  }
  // The test is only meaningful if some kills landed in the middle of the batch.
  EXPECT_GT(killed_midway, 0) << "full batch took " << full.count() << " us";
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreCrash, ::testing::ValuesIn(db::testing::test_backends()),
                         db::testing::backend_param_name);

}  // namespace
}  // namespace hirelm::store
