// Several processes on one database at once: migrations and the store's check-then-write calls stay
// race-free on both backends (SQLite: BEGIN IMMEDIATE; PostgreSQL: ON CONFLICT and advisory locks).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "screening/db/connection.h"
#include "screening/store/migrations.h"
#include "screening/store/store.h"
#include "store_test_util.h"

namespace hirelm::store {
namespace {

class StoreConcurrency : public test::StoreBackendTest {
 protected:
  // Forks `n` children that wait for a common start, run body(i), and exit 0 (3 when it threw; the message on
  // stderr). Returns the exit status of each.
  std::vector<int> run_together(int n, const std::function<void(int)>& body) {
    int start[2];
    EXPECT_EQ(pipe(start), 0);
    std::vector<pid_t> children;
    for (int i = 0; i < n; ++i) {
      const pid_t pid = fork();
      if (pid == 0) {
        close(start[1]);
        char go = 0;
        if (read(start[0], &go, 1) < 0) _exit(4);  // 0 bytes once the parent closes: all start together
        int code = 0;
        try {
          body(i);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "child %d: %s\n", i, e.what());
          code = 3;
        }
        _exit(code);
      }
      children.push_back(pid);
    }
    close(start[0]);
    close(start[1]);
    std::vector<int> statuses;
    for (const pid_t pid : children) {
      int status = 0;
      EXPECT_EQ(waitpid(pid, &status, 0), pid);
      statuses.push_back(status);
    }
    return statuses;
  }
  static int64_t count(db::Connection& db, const std::string& sql) {
    auto q = db.prepare(sql);
    EXPECT_TRUE(q->step()) << sql;
    return q->int64(0);
  }
};

TEST_P(StoreConcurrency, ThreeProcessesMigratingOneDatabaseAtOnceAllSucceed) {
  const std::string spec = fresh_db("migrate_race");
  for (const int status : run_together(3, [&](int) {
         Store s(spec);
         if (s.schema_version() != latest_schema_version()) _exit(5);
       })) {
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  }
  auto db = db::open(spec);
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM schema_version"), static_cast<int64_t>(migrations().size()));
  EXPECT_EQ(schema_version(*db), latest_schema_version());
}

TEST_P(StoreConcurrency, FourWritersOfTheSameDocumentsNeitherFailNorDuplicate) {
  constexpr int kWriters = 4;
  constexpr int kDocuments = 24;
  constexpr int kPeople = 5;  // documents share e-mails: i % kPeople
  const std::string spec = fresh_db("writers");
  { Store init(spec); }
  for (const int status : run_together(kWriters, [&](int w) {
         Store s(spec);
         const int64_t job = s.upsert_job({"sha256:job", "Backend", "JD", "job.md"});
         for (int k = 0; k < kDocuments; ++k) {
           const int i = (k + w * 7) % kDocuments;  // each writer starts elsewhere, all meet on every document
           const AddedDocument d = s.add_candidate_document(
               job, {"r/" + std::to_string(i) + ".pdf", "sha256:doc" + std::to_string(i), "text", "en", "text", "{}"});
           // Built whole (GCC 12 at -O3 warns maybe-uninitialized on member-by-member assignment here).
           StageResult r{.job_id = job,
                         .document_id = d.document_id,
                         .stage = "score",
                         .status = "ok",
                         .value_json = "{\"writer\":" + std::to_string(w) + "}"};
           for (int k2 = 0; k2 < 3; ++k2) r.samples.push_back({k2, k2, "think", "\\boxed{7}", "{}"});
           s.save_stage_result(r);
           s.link_contact(d.document_id, "person" + std::to_string(i % kPeople) + "@example.com", std::nullopt,
                          std::nullopt);
         }
       })) {
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  }
  Store s(spec);
  db::Connection& db = s.connection();
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM jobs"), 1);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM documents"), kDocuments);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM job_documents"), kDocuments);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM results"), kDocuments);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM samples"), kDocuments * 3);
  // One candidate per person: every document of a person ended on one candidate, no empty candidate is left.
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM candidates"), kPeople);
  EXPECT_EQ(count(db, "SELECT COUNT(DISTINCT email_norm) FROM candidates"), kPeople);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM candidates c WHERE NOT EXISTS "
                      "(SELECT 1 FROM documents d WHERE d.candidate_id = c.id)"),
            0);
  EXPECT_EQ(s.list_pending(1, "score").size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConcurrency, ::testing::ValuesIn(db::testing::test_backends()),
                         db::testing::backend_param_name);

}  // namespace
}  // namespace hirelm::store
