// Password hashing with Argon2id (libsodium crypto_pwhash_str). The stored string is self-describing
// ("$argon2id$v=19$m=65536,t=2,p=1$salt$hash"), so verification uses the cost it was made with and a cost
// change applies to new and re-hashed passwords only.
//
// Cost: kInteractiveCost (libsodium's INTERACTIVE: 2 passes over 64 MiB) takes roughly 0.1-0.3 s of one core
// per hash or verification and 64 MiB of memory while it runs; the login handler therefore does at most one
// verification per attempt, and the login rate limit (LoginLimiter) bounds the work an attacker can cause.
// Tests use kMinimumCost so they stay fast; it is never the default anywhere else.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hirelm::auth {

struct PasswordCost {
  unsigned long long opslimit;  // Argon2id passes
  size_t memlimit;              // bytes of memory per hash
};

extern const PasswordCost kInteractiveCost;
extern const PasswordCost kMinimumCost;  // tests only

// Initialises libsodium once per process (thread-safe); HIRELM_CHECKs that it worked.
void ensure_sodium();

// A new salted Argon2id hash string of `password`. Throws IoError when memory for the hash is not available.
std::string hash_password(std::string_view password, const PasswordCost& cost);

// True when `password` matches `hash` (a string from hash_password). A malformed hash is a mismatch.
// libsodium's verification compares in constant time.
bool verify_password(const std::string& hash, std::string_view password);

// True when `hash` was made with a cost other than `cost` (re-hash after a successful login).
bool password_needs_rehash(const std::string& hash, const PasswordCost& cost);

// Spends the time of one verification at `cost` against a fixed dummy hash, so that a login for an unknown
// user takes as long as one for a known user with a wrong password.
void dummy_password_verification(std::string_view password, const PasswordCost& cost);

}  // namespace hirelm::auth
