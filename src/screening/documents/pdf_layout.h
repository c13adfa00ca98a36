// Reading order for one PDF page from positioned words: lines, columns, and full-width lines between
// column bands. Pure geometry, independent of poppler, so it is tested with synthetic boxes.
#pragma once

#include <string>
#include <vector>

namespace hirelm::documents {

// One word as the PDF library reports it. Coordinates in points, origin top-left, y growing downwards.
struct WordBox {
  std::string text;  // UTF-8, no spaces inside for Latin text; a CJK run may be one box
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool space_after = false;  // the PDF library saw a space after this word (matters between CJK words)
};

// Lays out a page:
//  1. a column gutter is a vertical band at least max(6 pt, median word height) wide, away from the
//     region's edges, that words cross for at most 15% of the region's height (full-width lines such as
//     a name banner may cross it); both sides must hold words over at least a third of the height;
//  2. if the lines on the two sides sit on shared baselines (>= 80% of them), it is a table or a
//     label/value layout and is read row by row instead;
//  3. otherwise lines that cross the gutter split the page into bands; each band is emitted left column
//     then right column (each side laid out recursively, so three columns work), with a blank line
//     between columns;
//  4. within a column, words are grouped into lines by vertical overlap and ordered left to right,
//     joined by a space when the gap between them is wider than 15% of the line height; between two CJK
//     characters only if the PDF library saw a space there or the gap exceeds half the line height
//     (Chinese text is written without spaces, but "复旦大学 计算机科学" keeps its one).
// Returns the page text, lines separated by '\n', without a trailing newline.
std::string layout_page(const std::vector<WordBox>& words);

}  // namespace hirelm::documents
