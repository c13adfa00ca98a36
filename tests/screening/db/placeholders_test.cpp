#include "screening/db/placeholders.h"

#include <gtest/gtest.h>

namespace hirelm::db {
namespace {

TEST(Placeholders, PlainMarksAreNumberedInOrder) {
  const RewrittenSql r = rewrite_placeholders("INSERT INTO t (a, b, c) VALUES (?, ?, ?)");
  EXPECT_EQ(r.sql, "INSERT INTO t (a, b, c) VALUES ($1, $2, $3)");
  EXPECT_EQ(r.placeholders, 3);
  EXPECT_EQ(r.max_index, 3);
}

TEST(Placeholders, NumberedMarksKeepTheirIndexAndPlainOnesFollowTheHighest) {
  const RewrittenSql r = rewrite_placeholders("UPDATE t SET a = ?2, b = ?1 WHERE c = ?2 AND d = ?");
  EXPECT_EQ(r.sql, "UPDATE t SET a = $2, b = $1 WHERE c = $2 AND d = $3");
  EXPECT_EQ(r.placeholders, 4);
  EXPECT_EQ(r.max_index, 3);
}

TEST(Placeholders, QuotesAndCommentsAreCopiedUnchanged) {
  const RewrittenSql r = rewrite_placeholders(
      "SELECT '?', 'it''s ?', \"col?\" -- why?\n, ? /* a ? here */ FROM t WHERE x = ?");
  EXPECT_EQ(r.sql, "SELECT '?', 'it''s ?', \"col?\" -- why?\n, $1 /* a ? here */ FROM t WHERE x = $2");
  EXPECT_EQ(r.placeholders, 2);
}

TEST(Placeholders, UnterminatedQuoteOrCommentRunsToTheEnd) {
  EXPECT_EQ(rewrite_placeholders("SELECT ? || 'open ?").sql, "SELECT $1 || 'open ?");
  EXPECT_EQ(rewrite_placeholders("SELECT ? /* open ?").sql, "SELECT $1 /* open ?");
  EXPECT_EQ(rewrite_placeholders("SELECT ? -- ?").sql, "SELECT $1 -- ?");
  EXPECT_EQ(rewrite_placeholders("").sql, "");
}

TEST(Placeholders, AMarkAtTheEndAndAdjacentMarks) {
  EXPECT_EQ(rewrite_placeholders("??").sql, "$1$2");
  EXPECT_EQ(rewrite_placeholders("x=?").sql, "x=$1");
  EXPECT_EQ(rewrite_placeholders("?0").sql, "$1");  // ?0 is no index: the next one
}

}  // namespace
}  // namespace hirelm::db
