// Parsing of the credentials a request carries, and the Set-Cookie values the server sends back. Input is
// whatever a client sent (untrusted, any bytes); parsing never throws and bounds what it accepts.
//
//   Cookie: a=b; hirelm_session=<secret>        -> session_cookie()
//   Authorization: Bearer hlm_<secret>           -> bearer_token()
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hirelm::auth {

inline constexpr std::string_view kSessionCookie = "hirelm_session";

// Longest credential accepted (a real one is 43 or 47 characters); longer ones are ignored.
inline constexpr size_t kMaxCredentialLength = 256;

// The value of cookie `name` in a Cookie header ("n1=v1; n2=v2", RFC 6265 section 4.2), surrounding double
// quotes removed. The first occurrence wins. nullopt when absent, empty, longer than kMaxCredentialLength or
// holding a character outside the base64url alphabet (our secrets use only that).
std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name);

// The token of an "Authorization: Bearer <token>" header (scheme case-insensitive, spaces around allowed).
// nullopt for another scheme, an empty or over-long token, or characters outside base64url and '_'.
std::optional<std::string> bearer_token(std::string_view authorization_header);

// Set-Cookie value that stores the session: HttpOnly; SameSite=Strict; Path=/; Max-Age; Secure when `secure`.
std::string session_set_cookie(std::string_view secret, int64_t max_age_seconds, bool secure);

// Set-Cookie value that removes the session cookie (empty value, Max-Age=0, same attributes).
std::string session_clear_cookie(bool secure);

}  // namespace hirelm::auth
