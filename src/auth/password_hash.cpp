#include "auth/password_hash.h"

#include <sodium.h>

#include <map>
#include <mutex>
#include <utility>

#include "util/check.h"
#include "util/error.h"

namespace hirelm::auth {

const PasswordCost kInteractiveCost = {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
const PasswordCost kMinimumCost = {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] { HIRELM_CHECK_MSG(sodium_init() >= 0, "libsodium failed to initialise"); });
}

std::string hash_password(std::string_view password, const PasswordCost& cost) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), cost.opslimit, cost.memlimit) != 0) {
    throw IoError("password hashing failed: not enough memory for Argon2id (" + std::to_string(cost.memlimit) +
                  " bytes)");
  }
  return std::string(out);
}

bool verify_password(const std::string& hash, std::string_view password) {
  ensure_sodium();
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(const std::string& hash, const PasswordCost& cost) {
  ensure_sodium();
  if (hash.size() >= crypto_pwhash_STRBYTES) return true;
  return crypto_pwhash_str_needs_rehash(hash.c_str(), cost.opslimit, cost.memlimit) != 0;
}

void dummy_password_verification(std::string_view password, const PasswordCost& cost) {
  // One dummy hash per cost, made on first use and kept for the process.
  static std::mutex mutex;
  static std::map<std::pair<unsigned long long, size_t>, std::string> hashes;
  std::string hash;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto& slot = hashes[{cost.opslimit, cost.memlimit}];
    if (slot.empty()) slot = hash_password("hirelm dummy password for unknown users", cost);
    hash = slot;
  }
  (void)verify_password(hash, password);
}

}  // namespace hirelm::auth
