#include "engine/sampling/stop_strings.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hirelm::sampling {
namespace {

// Feeds `pieces` one at a time; returns everything released (flushing if no stop) and whether it stopped.
std::pair<std::string, bool> feed(StopStringMatcher& m, const std::vector<std::string>& pieces) {
  std::string out;
  for (const auto& p : pieces) {
    auto r = m.push(p);
    out += r.text;
    if (r.stopped) return {out, true};
  }
  out += m.flush();
  return {out, false};
}

TEST(StopStrings, StopInsideOnePieceCutsBeforeIt) {
  StopStringMatcher m({"###"});
  auto r = m.push("answer: 7### trailing");
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.text, "answer: 7");
  EXPECT_EQ(m.matched(), "###");
}

TEST(StopStrings, StopSpanningPiecesIsHeldBackAndNeverEmitted) {
  StopStringMatcher m({"</answer>"});
  auto a = m.push("x = 1</an");
  EXPECT_EQ(a.text, "x = 1");  // "</an" could start the stop string
  EXPECT_FALSE(a.stopped);
  EXPECT_EQ(m.held_bytes(), 4u);
  auto b = m.push("swe");
  EXPECT_EQ(b.text, "");
  auto c = m.push("r>more");
  EXPECT_TRUE(c.stopped);
  EXPECT_EQ(c.text, "");
}

TEST(StopStrings, HeldTextIsReleasedWhenItDiverges) {
  StopStringMatcher m({"STOP"});
  EXPECT_EQ(m.push("ab ST").text, "ab ");
  EXPECT_EQ(m.push("O").text, "");
  EXPECT_EQ(m.push("P?").text, "");  // "STOP" completes: stopped
  EXPECT_TRUE(m.stopped());

  StopStringMatcher n({"STOP"});
  EXPECT_EQ(n.push("ab ST").text, "ab ");
  EXPECT_EQ(n.push("ORM").text, "STORM");
  EXPECT_EQ(n.held_bytes(), 0u);
}

TEST(StopStrings, RepeatedPrefixCharactersAreHandled) {
  // "aab" in "aaab": the first 'a' is released only once it cannot start the match.
  StopStringMatcher m({"aab"});
  auto [out, stopped] = feed(m, {"a", "a", "a", "b", "c"});
  EXPECT_TRUE(stopped);
  EXPECT_EQ(out, "a");
}

TEST(StopStrings, EarliestOfSeveralStopsWins) {
  StopStringMatcher m({"world", "lo w", "xyz"});
  auto [out, stopped] = feed(m, {"hel", "lo wor", "ld"});
  EXPECT_TRUE(stopped);
  EXPECT_EQ(out, "hel");
  EXPECT_EQ(m.matched(), "lo w");
}

TEST(StopStrings, StopAtTheVeryStartEmitsNothing) {
  StopStringMatcher m({"\n\n"});
  auto [out, stopped] = feed(m, {"\n", "\nrest"});
  EXPECT_TRUE(stopped);
  EXPECT_EQ(out, "");
}

TEST(StopStrings, FlushReleasesAnUnfinishedPrefixAtTheEnd) {
  StopStringMatcher m({"<|end|>"});
  auto [out, stopped] = feed(m, {"done <|e"});
  EXPECT_FALSE(stopped);
  EXPECT_EQ(out, "done <|e");
}

TEST(StopStrings, AfterAStopNothingMoreIsReleased) {
  StopStringMatcher m({"x"});
  EXPECT_TRUE(m.push("ax").stopped);
  auto r = m.push("more text");
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.text, "");
  EXPECT_EQ(m.flush(), "");
}

TEST(StopStrings, MultiByteStopStringsSplitMidCharacter) {
  // "。" is E3 80 82; the detokenizer may deliver text ending anywhere, the matcher only compares bytes.
  StopStringMatcher m({"。\n"});
  std::string stop = "。\n";
  auto [out, stopped] = feed(m, {"你好", stop.substr(0, 2), stop.substr(2), "再见"});
  EXPECT_TRUE(stopped);
  EXPECT_EQ(out, "你好");
}

TEST(StopStrings, NoStopsPassesTextThroughAndEmptyStopsAreIgnored) {
  StopStringMatcher m({""});
  EXPECT_EQ(m.push("abc").text, "abc");
  EXPECT_EQ(m.held_bytes(), 0u);
  EXPECT_FALSE(m.stopped());
}

TEST(StopStrings, EveryWayOfSplittingGivesTheSameResult) {
  const std::string text = "The answer is 42.\nEND of it";
  for (size_t cut1 = 0; cut1 <= text.size(); ++cut1) {
    for (size_t cut2 = cut1; cut2 <= text.size(); ++cut2) {
      StopStringMatcher m({"\nEND", "zzz"});
      auto [out, stopped] = feed(m, {text.substr(0, cut1), text.substr(cut1, cut2 - cut1), text.substr(cut2)});
      ASSERT_TRUE(stopped) << cut1 << "," << cut2;
      ASSERT_EQ(out, "The answer is 42.") << cut1 << "," << cut2;
    }
  }
}

}  // namespace
}  // namespace hirelm::sampling
