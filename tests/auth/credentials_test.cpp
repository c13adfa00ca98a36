#include "auth/credentials.h"

#include <gtest/gtest.h>

namespace hirelm::auth {
namespace {

TEST(CookieValue, FindsTheNamedCookie) {
  EXPECT_EQ(cookie_value("hirelm_session=abc", kSessionCookie), "abc");
  EXPECT_EQ(cookie_value("a=1; hirelm_session=abc-_9; b=2", kSessionCookie), "abc-_9");
  EXPECT_EQ(cookie_value("a=1;hirelm_session=abc", kSessionCookie), "abc");
  EXPECT_EQ(cookie_value("  hirelm_session = \"abc\" ", kSessionCookie), "abc");
}

TEST(CookieValue, FirstOccurrenceWins) {
  EXPECT_EQ(cookie_value("hirelm_session=first; hirelm_session=second", kSessionCookie), "first");
}

TEST(CookieValue, NameMustMatchWholly) {
  EXPECT_FALSE(cookie_value("xhirelm_session=abc", kSessionCookie));
  EXPECT_FALSE(cookie_value("hirelm_session_old=abc", kSessionCookie));
  EXPECT_FALSE(cookie_value("a=hirelm_session=abc", kSessionCookie));
}

TEST(CookieValue, RejectsEmptyOverlongAndForeignCharacters) {
  EXPECT_FALSE(cookie_value("", kSessionCookie));
  EXPECT_FALSE(cookie_value("hirelm_session=", kSessionCookie));
  EXPECT_FALSE(cookie_value("hirelm_session", kSessionCookie));
  EXPECT_FALSE(cookie_value("hirelm_session=" + std::string(kMaxCredentialLength + 1, 'a'), kSessionCookie));
  EXPECT_TRUE(cookie_value("hirelm_session=" + std::string(kMaxCredentialLength, 'a'), kSessionCookie));
  EXPECT_FALSE(cookie_value("hirelm_session=a%20b", kSessionCookie));
  EXPECT_FALSE(cookie_value("hirelm_session=a b", kSessionCookie));
  EXPECT_FALSE(cookie_value(std::string("hirelm_session=a\0b", 18), kSessionCookie));
  EXPECT_FALSE(cookie_value("hirelm_session=\"", kSessionCookie));
}

TEST(BearerToken, ParsesTheScheme) {
  EXPECT_EQ(bearer_token("Bearer hlm_abc"), "hlm_abc");
  EXPECT_EQ(bearer_token("bearer hlm_abc"), "hlm_abc");
  EXPECT_EQ(bearer_token("BEARER   hlm_abc  "), "hlm_abc");
  EXPECT_EQ(bearer_token(" Bearer\thlm_abc"), "hlm_abc");
}

TEST(BearerToken, RejectsOtherSchemesAndBadTokens) {
  EXPECT_FALSE(bearer_token(""));
  EXPECT_FALSE(bearer_token("Bearer"));
  EXPECT_FALSE(bearer_token("Bearer "));
  EXPECT_FALSE(bearer_token("Bearerhlm_abc"));
  EXPECT_FALSE(bearer_token("Basic dXNlcjpwYXNz"));
  EXPECT_FALSE(bearer_token("Bearer hlm_a b"));
  EXPECT_FALSE(bearer_token("Bearer hlm_a=="));
  EXPECT_FALSE(bearer_token("Bearer " + std::string(kMaxCredentialLength + 1, 'x')));
}

TEST(SetCookie, SessionCookieCarriesTheFlags) {
  const std::string plain = session_set_cookie("secret", 43200, false);
  EXPECT_EQ(plain.rfind("hirelm_session=secret;", 0), 0u) << plain;
  EXPECT_NE(plain.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(plain.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(plain.find("; Path=/"), std::string::npos);
  EXPECT_NE(plain.find("; Max-Age=43200"), std::string::npos);
  EXPECT_EQ(plain.find("Secure;"), std::string::npos);
  EXPECT_EQ(plain.find("; Secure"), std::string::npos);
  EXPECT_NE(session_set_cookie("secret", 1, true).find("; Secure"), std::string::npos);
}

TEST(SetCookie, ClearingCookieExpiresAtOnce) {
  const std::string cleared = session_clear_cookie(true);
  EXPECT_EQ(cleared.rfind("hirelm_session=;", 0), 0u) << cleared;
  EXPECT_NE(cleared.find("; Max-Age=0"), std::string::npos);
  EXPECT_NE(cleared.find("; Secure"), std::string::npos);
  EXPECT_EQ(cookie_value(cleared.substr(0, cleared.find(';')), kSessionCookie), std::nullopt);
}

}  // namespace
}  // namespace hirelm::auth
