#include "auth/credentials.h"

namespace hirelm::auth {

namespace {

bool is_base64url(std::string_view text) {
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<std::string> accept(std::string_view value) {
  if (value.empty() || value.size() > kMaxCredentialLength || !is_base64url(value)) return std::nullopt;
  return std::string(value);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string attributes(bool secure) {
  return std::string("; Path=/; HttpOnly; SameSite=Strict") + (secure ? "; Secure" : "");
}

}  // namespace

std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name) {
  size_t start = 0;
  while (start <= cookie_header.size()) {
    size_t end = cookie_header.find(';', start);
    if (end == std::string_view::npos) end = cookie_header.size();
    const std::string_view pair = trim(cookie_header.substr(start, end - start));
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name) {
      std::string_view value = trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      return accept(value);
    }
    start = end + 1;
  }
  return std::nullopt;
}

std::optional<std::string> bearer_token(std::string_view authorization_header) {
  const std::string_view header = trim(authorization_header);
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size() || !iequals(header.substr(0, kScheme.size()), kScheme)) return std::nullopt;
  const char separator = header[kScheme.size()];
  if (separator != ' ' && separator != '\t') return std::nullopt;
  return accept(trim(header.substr(kScheme.size() + 1)));
}

std::string session_set_cookie(std::string_view secret, int64_t max_age_seconds, bool secure) {
  return std::string(kSessionCookie) + "=" + std::string(secret) + attributes(secure) +
         "; Max-Age=" + std::to_string(max_age_seconds);
}

std::string session_clear_cookie(bool secure) {
  return std::string(kSessionCookie) + "=" + attributes(secure) + "; Max-Age=0";
}

}  // namespace hirelm::auth
