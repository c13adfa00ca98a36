#include "engine/engine/token_text_stream.h"

#include <gtest/gtest.h>

#include <string>

namespace hirelm::engine {
namespace {

std::string valid(const std::string& bytes, size_t* held = nullptr) {
  std::string out;
  size_t h = append_valid_utf8(bytes, out);
  if (held) *held = h;
  return out;
}

const std::string kFffd = "\xEF\xBF\xBD";

TEST(AppendValidUtf8, PassesValidTextThrough) {
  size_t held = 99;
  EXPECT_EQ(valid("héllo 你好 😀", &held), "héllo 你好 😀");
  EXPECT_EQ(held, 0u);
}

TEST(AppendValidUtf8, HoldsAnIncompleteTrailingCharacter) {
  const std::string ni = "你";  // E4 BD A0
  size_t held = 0;
  EXPECT_EQ(valid("a" + ni.substr(0, 2), &held), "a");
  EXPECT_EQ(held, 2u);
  const std::string emoji = "😀";  // F0 9F 98 80
  EXPECT_EQ(valid(emoji.substr(0, 3), &held), "");
  EXPECT_EQ(held, 3u);
}

TEST(AppendValidUtf8, ReplacesInvalidBytes) {
  size_t held = 0;
  EXPECT_EQ(valid("a\xFF" "b", &held), "a" + kFffd + "b");
  EXPECT_EQ(valid("\xC0\xAF", &held), kFffd + kFffd);        // overlong lead, stray continuation
  EXPECT_EQ(valid("\xED\xA0\x80", &held), kFffd + kFffd + kFffd);  // surrogate: bad second byte
  EXPECT_EQ(valid("\xE4\xBD" "x", &held), kFffd + "x");     // truncated in the middle of text
  EXPECT_EQ(held, 0u);
}

TEST(AppendValidUtf8, ByteByByteEqualsWholeString) {
  const std::string text = "R1 答案: 4 ✓ 😀!";
  std::string out, pending;
  for (char c : text) {
    pending += c;
    size_t held = append_valid_utf8(pending, out);
    pending.erase(0, pending.size() - held);
  }
  EXPECT_EQ(out, text);
  EXPECT_TRUE(pending.empty());
}

}  // namespace
}  // namespace hirelm::engine
