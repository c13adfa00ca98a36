// Fuzz target for what clients send as credentials: the Cookie and Authorization header parsers
// (src/auth/credentials.h). The input is a Cookie header, a NUL, then an Authorization header. Checks that
// parsing never crashes and that whatever it accepts is a bounded base64url string that survives a round
// trip through the Set-Cookie value the server would send.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/credentials.h"
#include "util/check.h"

namespace {

void check_accepted(const std::string& value) {
  HIRELM_CHECK(!value.empty() && value.size() <= hirelm::auth::kMaxCredentialLength);
  for (char c : value) {
    HIRELM_CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view cookie = input.substr(0, nul);
  const std::string_view authorization = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);

  if (const auto value = hirelm::auth::cookie_value(cookie, hirelm::auth::kSessionCookie)) {
    check_accepted(*value);
    const std::string set_cookie = hirelm::auth::session_set_cookie(*value, 60, true);
    const auto again = hirelm::auth::cookie_value(set_cookie.substr(0, set_cookie.find(';')), hirelm::auth::kSessionCookie);
    HIRELM_CHECK(again && *again == *value);
  }
  if (const auto token = hirelm::auth::bearer_token(authorization)) {
    check_accepted(*token);
    const auto again = hirelm::auth::bearer_token("Bearer " + *token);
    HIRELM_CHECK(again && *again == *token);
  }
  return 0;
}
