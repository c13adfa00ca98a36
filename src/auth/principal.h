// Who is making a request: the user a session cookie or API token belongs to, with that user's role.
#pragma once

#include <cstdint>
#include <string>

#include "auth/role.h"

namespace hirelm::auth {

struct Principal {
  int64_t user_id = 0;
  std::string username;
  Role role = Role::kViewer;
};

}  // namespace hirelm::auth
