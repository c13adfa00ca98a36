#include "auth/secret_token.h"

#include <sodium.h>

#include <array>

#include "auth/password_hash.h"

namespace hirelm::auth {

std::string random_secret() {
  ensure_sodium();
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.resize(out.find('\0'));
  sodium_memzero(bytes.data(), bytes.size());
  return out;
}

std::string random_api_token() { return std::string(kApiTokenPrefix) + random_secret(); }

std::string sha256_hex(std::string_view text) {
  ensure_sodium();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

}  // namespace hirelm::auth
