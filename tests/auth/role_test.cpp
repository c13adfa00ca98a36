#include "auth/role.h"

#include <gtest/gtest.h>

namespace hirelm::auth {
namespace {

TEST(Role, NamesRoundTrip) {
  for (Role role : {Role::kViewer, Role::kRecruiter, Role::kAdmin}) {
    ASSERT_TRUE(parse_role(role_name(role)).has_value());
    EXPECT_EQ(*parse_role(role_name(role)), role);
  }
  EXPECT_EQ(role_name(Role::kRecruiter), "recruiter");
}

TEST(Role, ParseRejectsOtherSpellings) {
  EXPECT_FALSE(parse_role("Admin"));
  EXPECT_FALSE(parse_role("root"));
  EXPECT_FALSE(parse_role(""));
  EXPECT_FALSE(parse_role("admin "));
}

TEST(Role, EachRoleIncludesTheOnesBelow) {
  EXPECT_TRUE(role_at_least(Role::kAdmin, Role::kRecruiter));
  EXPECT_TRUE(role_at_least(Role::kAdmin, Role::kViewer));
  EXPECT_TRUE(role_at_least(Role::kRecruiter, Role::kViewer));
  EXPECT_TRUE(role_at_least(Role::kRecruiter, Role::kRecruiter));
  EXPECT_FALSE(role_at_least(Role::kViewer, Role::kRecruiter));
  EXPECT_FALSE(role_at_least(Role::kRecruiter, Role::kAdmin));
  EXPECT_FALSE(role_at_least(Role::kViewer, Role::kAdmin));
}

}  // namespace
}  // namespace hirelm::auth
