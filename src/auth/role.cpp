#include "auth/role.h"

namespace hirelm::auth {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kRecruiter:
      return "recruiter";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

std::optional<Role> parse_role(std::string_view name) {
  if (name == "viewer") return Role::kViewer;
  if (name == "recruiter") return Role::kRecruiter;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

}  // namespace hirelm::auth
