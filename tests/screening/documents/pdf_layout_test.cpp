#include "screening/documents/pdf_layout.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hirelm::documents {
namespace {

// Words of a line laid out left to right from x, 6 pt per character plus a 3 pt space.
void add_line(std::vector<WordBox>& out, double x, double y, const std::string& line, double h = 10) {
  size_t start = 0;
  while (start < line.size()) {
    size_t end = line.find(' ', start);
    if (end == std::string::npos) end = line.size();
    const std::string word = line.substr(start, end - start);
    const double w = 6.0 * static_cast<double>(word.size());
    out.push_back({word, x, y, x + w, y + h});
    x += w + 3;
    start = end + 1;
  }
}

TEST(LayoutPage, SingleColumnKeepsLineOrder) {
  std::vector<WordBox> words;
  add_line(words, 50, 100, "Zhang San senior backend engineer");
  add_line(words, 50, 114, "Shanghai China email zs@example.com");
  add_line(words, 50, 128, "Five years building payment systems in Go");
  add_line(words, 50, 142, "and leading a team of four people");
  EXPECT_EQ(layout_page(words),
            "Zhang San senior backend engineer\nShanghai China email zs@example.com\n"
            "Five years building payment systems in Go\nand leading a team of four people");
}

TEST(LayoutPage, TwoColumnsReadLeftThenRight) {
  std::vector<WordBox> words;
  for (int i = 0; i < 8; ++i) add_line(words, 40, 100 + 14 * i, "left line " + std::to_string(i));
  // The right column uses another pitch, as designer layouts do.
  for (int i = 0; i < 10; ++i) add_line(words, 300, 104 + 11.5 * i, "right text " + std::to_string(i), 8);
  const std::string text = layout_page(words);
  EXPECT_EQ(text,
            "left line 0\nleft line 1\nleft line 2\nleft line 3\nleft line 4\nleft line 5\nleft line 6\nleft line 7\n\n"
            "right text 0\nright text 1\nright text 2\nright text 3\nright text 4\nright text 5\nright text 6\n"
            "right text 7\nright text 8\nright text 9");
}

TEST(LayoutPage, FullWidthBannerComesFirst) {
  std::vector<WordBox> words;
  add_line(words, 40, 50, "Zhang San Senior Engineer at Example Company Shanghai China Remote OK");
  for (int i = 0; i < 8; ++i) add_line(words, 40, 100 + 14 * i, "left " + std::to_string(i));
  for (int i = 0; i < 9; ++i) add_line(words, 300, 103 + 12 * i, "right " + std::to_string(i), 9);
  const std::string text = layout_page(words);
  EXPECT_EQ(text.substr(0, text.find('\n')), "Zhang San Senior Engineer at Example Company Shanghai China Remote OK");
  EXPECT_LT(text.find("left 7"), text.find("right 0"));
}

TEST(LayoutPage, LabelValueRowsStayRows) {
  std::vector<WordBox> words;
  const char* labels[] = {"Name", "Phone", "Email", "City", "Degree", "School"};
  const char* values[] = {"Zhang San", "138 0013 8000", "zs@example.com", "Shanghai", "Master", "Fudan University"};
  for (int i = 0; i < 6; ++i) {
    add_line(words, 40, 100 + 14 * i, labels[i]);
    add_line(words, 200, 100 + 14 * i, values[i]);
  }
  EXPECT_EQ(layout_page(words),
            "Name Zhang San\nPhone 138 0013 8000\nEmail zs@example.com\nCity Shanghai\nDegree Master\n"
            "School Fudan University");
}

TEST(LayoutPage, CjkWordsJoinWithoutSpaces) {
  std::vector<WordBox> words = {{"熟悉", 50, 100, 70, 110}, {"分布式", 71, 100, 101, 110}, {"系统", 102, 100, 122, 110},
                                {"Go", 128, 100, 140, 110}};
  EXPECT_EQ(layout_page(words), "熟悉分布式系统 Go");
}

TEST(LayoutPage, IgnoresNonFiniteBoxes) {
  std::vector<WordBox> words = {{"ok", 0, 0, 10, 10}, {"nan", std::nan(""), 0, 1, 1}};
  EXPECT_EQ(layout_page(words), "ok");
}

}  // namespace
}  // namespace hirelm::documents
