#include "auth/auth_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "auth/secret_token.h"
#include "auth_test_db.h"
#include "test_db.h"

namespace hirelm::auth {
namespace {

using db::testing::Backend;

class AuthStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    spec_ = db::testing::fresh_database_spec(GetParam());
    db_ = testing::open_migrated(spec_);
    AuthStoreOptions options;
    options.password_cost = kMinimumCost;
    options.clock = [this] { return now_; };
    store_ = std::make_unique<AuthStore>(*db_, options);
  }

  int64_t count(const std::string& sql) {
    auto q = db_->prepare(sql);
    return q->step() ? q->int64(0) : -1;
  }

  std::string spec_;
  int64_t now_ = 1'800'000'000;
  std::unique_ptr<db::Connection> db_;
  std::unique_ptr<AuthStore> store_;
};

TEST_P(AuthStoreTest, CreateListFindUsers) {
  const User alice = store_->create_user("alice@example.com", "password1", Role::kAdmin, "cli");
  const User bob = store_->create_user("bob.smith-2_x", "password2", Role::kViewer, "alice@example.com");
  EXPECT_GT(alice.id, 0);
  EXPECT_NE(alice.id, bob.id);
  EXPECT_EQ(alice.created_at, now_);
  const auto users = store_->list_users();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].username, "alice@example.com");
  EXPECT_EQ(users[0].role, Role::kAdmin);
  EXPECT_EQ(users[1].role, Role::kViewer);
  ASSERT_TRUE(store_->find_user("bob.smith-2_x"));
  EXPECT_EQ(store_->find_user("bob.smith-2_x")->id, bob.id);
  EXPECT_EQ(store_->find_user(bob.id)->username, "bob.smith-2_x");
  EXPECT_FALSE(store_->find_user("carol"));
  EXPECT_FALSE(store_->find_user(bob.id + 100));
  EXPECT_EQ(store_->count_admins(), 1);
}

TEST_P(AuthStoreTest, ValidatesUsernameAndPassword) {
  EXPECT_THROW(store_->create_user("", "password1", Role::kViewer, "t"), InvalidInputError);
  EXPECT_THROW(store_->create_user(std::string(65, 'a'), "password1", Role::kViewer, "t"), InvalidInputError);
  EXPECT_NO_THROW(store_->create_user(std::string(64, 'a'), "password1", Role::kViewer, "t"));
  EXPECT_THROW(store_->create_user("has space", "password1", Role::kViewer, "t"), InvalidInputError);
  EXPECT_THROW(store_->create_user("slash/name", "password1", Role::kViewer, "t"), InvalidInputError);
  EXPECT_THROW(store_->create_user("ünïcode", "password1", Role::kViewer, "t"), InvalidInputError);
  EXPECT_THROW(store_->create_user("shortpw", "1234567", Role::kViewer, "t"), InvalidInputError);
  EXPECT_NO_THROW(store_->create_user("okpw", "12345678", Role::kViewer, "t"));
  EXPECT_EQ(store_->list_users().size(), 2u);
}

TEST_P(AuthStoreTest, DuplicateUsernameIsAConflict) {
  store_->create_user("alice", "password1", Role::kViewer, "t");
  EXPECT_THROW(store_->create_user("alice", "password2", Role::kAdmin, "t"), ConflictError);
  EXPECT_EQ(store_->list_users().size(), 1u);
  EXPECT_EQ(store_->find_user("alice")->role, Role::kViewer);
}

TEST_P(AuthStoreTest, VerifyLogin) {
  const User alice = store_->create_user("alice", "correct horse", Role::kRecruiter, "t");
  const auto ok = store_->verify_login("alice", "correct horse");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->user_id, alice.id);
  EXPECT_EQ(ok->username, "alice");
  EXPECT_EQ(ok->role, Role::kRecruiter);
  EXPECT_FALSE(store_->verify_login("alice", "wrong horse"));
  EXPECT_FALSE(store_->verify_login("nobody", "correct horse"));
  EXPECT_FALSE(store_->verify_login("alice", std::string(5000, 'x')));
  // Failures are audited; the audit never holds a password.
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login_failed'"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE detail_json LIKE '%horse%'"), 0);
}

TEST_P(AuthStoreTest, LoginRehashesAPasswordMadeAtAnotherCost) {
  const User alice = store_->create_user("alice", "correct horse", Role::kViewer, "t");
  // Pretend the hash was made at a higher cost (e.g. before a configuration change).
  db_->prepare("UPDATE users SET password_hash = ? WHERE id = ?")
      ->bind(1, hash_password("correct horse", PasswordCost{3, kMinimumCost.memlimit}))
      .bind(2, alice.id)
      .run();
  ASSERT_TRUE(store_->verify_login("alice", "correct horse"));
  auto q = db_->prepare("SELECT password_hash FROM users WHERE id = ?");
  q->bind(1, alice.id);
  ASSERT_TRUE(q->step());
  EXPECT_FALSE(password_needs_rehash(q->text(0), kMinimumCost));
  EXPECT_TRUE(store_->verify_login("alice", "correct horse"));
}

TEST_P(AuthStoreTest, SessionsSlideAndExpire) {
  const User alice = store_->create_user("alice", "password1", Role::kViewer, "t");
  const int64_t t0 = now_;
  const NewSession session = store_->create_session(alice.id);
  EXPECT_EQ(session.expires_at, t0 + 12 * 3600);
  ASSERT_TRUE(store_->session_principal(session.secret));
  EXPECT_EQ(store_->session_principal(session.secret)->user_id, alice.id);
  // Used after 11 h: the expiry slides to 11 h + 12 h.
  now_ = t0 + 11 * 3600;
  ASSERT_TRUE(store_->session_principal(session.secret));
  now_ = t0 + 23 * 3600 - 1;
  ASSERT_TRUE(store_->session_principal(session.secret)) << "still live: it slid at 11 h";
  // Idle for 12 h after the last use: expired.
  now_ = t0 + 35 * 3600;
  EXPECT_FALSE(store_->session_principal(session.secret));
  EXPECT_FALSE(store_->session_principal("not-a-session"));
  EXPECT_EQ(store_->delete_expired_sessions(), 1);
}

TEST_P(AuthStoreTest, UnusedSessionExpiresAfterTwelveHours) {
  const User alice = store_->create_user("alice", "password1", Role::kViewer, "t");
  const NewSession session = store_->create_session(alice.id);
  now_ += 12 * 3600 - 1;
  EXPECT_TRUE(store_->session_principal(session.secret));
  const NewSession other = store_->create_session(alice.id);
  now_ += 12 * 3600;
  EXPECT_FALSE(store_->session_principal(other.secret));
}

TEST_P(AuthStoreTest, LogoutDeletesTheSession) {
  const User alice = store_->create_user("alice", "password1", Role::kViewer, "t");
  const NewSession a = store_->create_session(alice.id);
  const NewSession b = store_->create_session(alice.id);
  store_->delete_session(a.secret);
  EXPECT_FALSE(store_->session_principal(a.secret));
  EXPECT_TRUE(store_->session_principal(b.secret));
}

TEST_P(AuthStoreTest, ApiTokensWorkAndRecordUse) {
  const User alice = store_->create_user("alice", "password1", Role::kRecruiter, "t");
  const NewApiToken created = store_->create_api_token(alice.id, "ci");
  EXPECT_EQ(created.secret.rfind("hlm_", 0), 0u);
  EXPECT_FALSE(created.token.last_used_at);
  now_ += 100;
  const auto principal = store_->api_token_principal(created.secret);
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->user_id, alice.id);
  EXPECT_EQ(principal->role, Role::kRecruiter);
  const auto listed = store_->list_api_tokens(alice.id);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "ci");
  ASSERT_TRUE(listed[0].last_used_at);
  EXPECT_EQ(*listed[0].last_used_at, now_);
  EXPECT_FALSE(store_->api_token_principal(created.secret + "x"));
  EXPECT_FALSE(store_->api_token_principal(created.secret.substr(4)));  // the secret without its prefix
  EXPECT_THROW(store_->create_api_token(alice.id, ""), InvalidInputError);
  EXPECT_TRUE(store_->delete_api_token(created.token.id));
  EXPECT_FALSE(store_->delete_api_token(created.token.id));
  EXPECT_FALSE(store_->api_token_principal(created.secret));
}

TEST_P(AuthStoreTest, SecretsAreStoredOnlyAsHashes) {
  const User alice = store_->create_user("alice", "plaintext-password", Role::kViewer, "t");
  const NewApiToken token = store_->create_api_token(alice.id, "ci");
  const NewSession session = store_->create_session(alice.id);
  auto q = db_->prepare("SELECT token_hash FROM api_tokens");
  ASSERT_TRUE(q->step());
  EXPECT_EQ(q->text(0), sha256_hex(token.secret));
  auto s = db_->prepare("SELECT token_hash FROM sessions");
  ASSERT_TRUE(s->step());
  EXPECT_EQ(s->text(0), sha256_hex(session.secret));
  if (GetParam() == Backend::kSqlite) {
    db_.reset();  // closes the file (WAL checkpointed) so every byte is in it
    store_.reset();
    std::string bytes;
    for (const std::string& path : {spec_, spec_ + "-wal"}) {
      std::ifstream in(path, std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    ASSERT_NE(bytes.find("alice"), std::string::npos) << "the file was read";
    EXPECT_EQ(bytes.find(token.secret), std::string::npos);
    EXPECT_EQ(bytes.find(token.secret.substr(4)), std::string::npos);
    EXPECT_EQ(bytes.find(session.secret), std::string::npos);
    EXPECT_EQ(bytes.find("plaintext-password"), std::string::npos);
  }
}

TEST_P(AuthStoreTest, DeleteUserTakesSessionsAndTokensAndIsAudited) {
  const User alice = store_->create_user("alice", "password1", Role::kViewer, "admin1");
  const User bob = store_->create_user("bob", "password1", Role::kViewer, "admin1");
  const NewSession session = store_->create_session(alice.id);
  const NewApiToken token = store_->create_api_token(alice.id, "ci");
  const NewApiToken bob_token = store_->create_api_token(bob.id, "ci");
  EXPECT_TRUE(store_->delete_user(alice.id, "admin1"));
  EXPECT_FALSE(store_->delete_user(alice.id, "admin1"));
  EXPECT_FALSE(store_->find_user(alice.id));
  EXPECT_FALSE(store_->session_principal(session.secret));
  EXPECT_FALSE(store_->api_token_principal(token.secret));
  EXPECT_TRUE(store_->api_token_principal(bob_token.secret));
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM api_tokens"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.create' AND actor = 'admin1'"), 2);
  auto q = db_->prepare("SELECT actor, subject, detail_json FROM audit_log WHERE action = 'user.delete'");
  ASSERT_TRUE(q->step());
  EXPECT_EQ(q->text(0), "admin1");
  EXPECT_EQ(q->text(1), "user:" + std::to_string(alice.id));
  EXPECT_NE(q->text(2).find("\"alice\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthStoreTest, ::testing::ValuesIn(db::testing::test_backends()),
                         db::testing::backend_param_name);

}  // namespace
}  // namespace hirelm::auth
