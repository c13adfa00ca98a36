// Access roles of the screening service (docs/auth.md). Each role includes the ones below it:
// viewer (read everything) < recruiter (+ jobs, uploads, runs, export, erasure) < admin (+ users, job deletion).
#pragma once

#include <optional>
#include <string_view>

namespace hirelm::auth {

// Ordered: a larger value may do everything a smaller one may.
enum class Role { kViewer = 0, kRecruiter = 1, kAdmin = 2 };

// "viewer", "recruiter", "admin".
std::string_view role_name(Role role);

// The role named exactly (lower case) `name`; nullopt for anything else.
std::optional<Role> parse_role(std::string_view name);

// True when `have` includes the rights of `need`.
inline bool role_at_least(Role have, Role need) { return static_cast<int>(have) >= static_cast<int>(need); }

}  // namespace hirelm::auth
