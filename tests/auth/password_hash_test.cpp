#include "auth/password_hash.h"

#include <gtest/gtest.h>

#include "auth/secret_token.h"

namespace hirelm::auth {
namespace {

TEST(PasswordHash, RoundTripAndWrongPassword) {
  const std::string hash = hash_password("correct horse", kMinimumCost);
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find("correct horse"), std::string::npos);
  EXPECT_TRUE(verify_password(hash, "correct horse"));
  EXPECT_FALSE(verify_password(hash, "correct hors"));
  EXPECT_FALSE(verify_password(hash, "correct horse "));
  EXPECT_FALSE(verify_password(hash, ""));
}

TEST(PasswordHash, SaltedSoEqualPasswordsHashDifferently) {
  const std::string a = hash_password("same password", kMinimumCost);
  const std::string b = hash_password("same password", kMinimumCost);
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify_password(a, "same password"));
  EXPECT_TRUE(verify_password(b, "same password"));
}

TEST(PasswordHash, InteractiveCostIsRecordedInTheHash) {
  const std::string hash = hash_password("an interactive one", kInteractiveCost);
  EXPECT_NE(hash.find("m=65536,t=2"), std::string::npos) << hash;
  EXPECT_TRUE(verify_password(hash, "an interactive one"));
  EXPECT_FALSE(password_needs_rehash(hash, kInteractiveCost));
  EXPECT_TRUE(password_needs_rehash(hash, kMinimumCost));
}

TEST(PasswordHash, MalformedHashIsAMismatch) {
  EXPECT_FALSE(verify_password("", "password"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$garbage", "password"));
  EXPECT_FALSE(verify_password(std::string(500, 'x'), "password"));
}

TEST(SecretToken, RandomAndWellFormed) {
  const std::string a = random_secret();
  const std::string b = random_secret();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  for (char c : a) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << a;
  const std::string token = random_api_token();
  EXPECT_EQ(token.rfind("hlm_", 0), 0u);
  EXPECT_EQ(token.size(), 47u);
}

TEST(SecretToken, Sha256HexMatchesKnownDigest) {
  // FIPS 180-2 test vector.
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace hirelm::auth
