// Random bearer secrets and their stored form. A secret is 32 bytes from libsodium's randombytes_buf (the
// OS CSPRNG) in unpadded base64url; session cookies carry it bare (43 characters), API tokens as "hlm_" + it.
// The database keeps only the lower-case hex SHA-256 of the whole secret, so a copy of the database file
// does not let anyone sign in. Lookups go by that hash (an index), so no secret is compared byte by byte.
#pragma once

#include <string>
#include <string_view>

namespace hirelm::auth {

inline constexpr std::string_view kApiTokenPrefix = "hlm_";

// 32 random bytes, unpadded base64url (43 characters).
std::string random_secret();

// kApiTokenPrefix + random_secret().
std::string random_api_token();

// Lower-case hex SHA-256 of `text` (64 characters).
std::string sha256_hex(std::string_view text);

}  // namespace hirelm::auth
