#include "screening/documents/pdf_layout.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "screening/documents/text_normalizer.h"

namespace hirelm::documents {
namespace {

using Words = std::vector<const WordBox*>;

struct Line {
  Words words;
  double y0 = 0, y1 = 0;
  double center() const { return (y0 + y1) / 2; }
  double height() const { return y1 - y0; }
};

double height(const WordBox* w) { return std::max(w->y1 - w->y0, 0.1); }
double center(const WordBox* w) { return (w->y0 + w->y1) / 2; }

// Groups words into lines by vertical overlap, top to bottom, each line left to right.
std::vector<Line> group_lines(Words words) {
  std::sort(words.begin(), words.end(), [](const WordBox* a, const WordBox* b) {
    return center(a) != center(b) ? center(a) < center(b) : a->x0 < b->x0;
  });
  std::vector<Line> lines;
  for (const WordBox* w : words) {
    Line* target = nullptr;
    // Sorted by center, so the line a word belongs to is among the last few.
    for (size_t k = lines.size(), checked = 0; k > 0 && checked < 4; --k, ++checked) {
      Line& line = lines[k - 1];
      const double overlap = std::min(line.y1, w->y1) - std::max(line.y0, w->y0);
      if (overlap >= 0.5 * std::min(line.height(), height(w))) {
        target = &line;
        break;
      }
    }
    if (!target) {
      lines.push_back({{}, w->y0, w->y1});
      target = &lines.back();
    }
    target->words.push_back(w);
    target->y0 = std::min(target->y0, w->y0);
    target->y1 = std::max(target->y1, w->y1);
  }
  for (Line& line : lines) {
    std::sort(line.words.begin(), line.words.end(), [](const WordBox* a, const WordBox* b) { return a->x0 < b->x0; });
  }
  std::sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.center() < b.center(); });
  return lines;
}

char32_t first_code_point(const std::string& s) {
  size_t pos = 0;
  return s.empty() ? 0 : next_code_point(s, pos);
}

char32_t last_code_point(const std::string& s) {
  if (s.empty()) return 0;
  size_t start = s.size() - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  return next_code_point(s, start);
}

std::string line_text(const Line& line) {
  std::string out;
  const double h = std::max(line.height(), 0.1);
  const WordBox* prev = nullptr;
  for (const WordBox* w : line.words) {
    if (prev) {
      const double gap = w->x0 - prev->x1;
      const bool cjk = is_cjk(last_code_point(prev->text)) && is_cjk(first_code_point(w->text));
      if (cjk ? (prev->space_after && gap > 0) || gap > 0.5 * h : gap > 0.15 * h) out.push_back(' ');
    }
    out += w->text;
    prev = w;
  }
  return out;
}

std::string lines_text(const Words& words) {
  std::string out;
  for (const Line& line : group_lines(words)) {
    if (!out.empty()) out.push_back('\n');
    out += line_text(line);
  }
  return out;
}

struct Gutter {
  double x0, x1;  // the (nearly) empty band, in page coordinates

  // A word crosses the gutter if it reaches into the middle half of the band: words of a column that
  // stick out a little into a wide gutter still belong to their column.
  bool crossed_by(const WordBox* w) const {
    const double quarter = (x1 - x0) / 4;
    return w->x0 < x1 - quarter && w->x1 > x0 + quarter;
  }
  bool left_of(const WordBox* w) const { return !crossed_by(w) && (w->x0 + w->x1) / 2 < (x0 + x1) / 2; }
  bool right_of(const WordBox* w) const { return !crossed_by(w) && (w->x0 + w->x1) / 2 >= (x0 + x1) / 2; }
};

double median_height(const Words& words) {
  std::vector<double> h;
  h.reserve(words.size());
  for (const WordBox* w : words) h.push_back(height(w));
  std::nth_element(h.begin(), h.begin() + static_cast<ptrdiff_t>(h.size() / 2), h.end());
  return h[h.size() / 2];
}

// Fraction of lines on either side that share a baseline with a line on the other side.
double aligned_fraction(const Words& left, const Words& right) {
  const std::vector<Line> l = group_lines(left);
  const std::vector<Line> r = group_lines(right);
  auto count_aligned = [](const std::vector<Line>& a, const std::vector<Line>& b) {
    size_t n = 0;
    for (const Line& x : a) {
      for (const Line& y : b) {
        if (std::abs(x.y1 - y.y1) <= 0.25 * std::min(x.height(), y.height())) {
          ++n;
          break;
        }
      }
    }
    return n;
  };
  const size_t total = l.size() + r.size();
  return total == 0 ? 0.0 : static_cast<double>(count_aligned(l, r) + count_aligned(r, l)) / total;
}

std::optional<Gutter> find_gutter(const Words& words) {
  if (words.size() < 6 || words.size() > 20000) return std::nullopt;
  double x_min = words[0]->x0, x_max = words[0]->x1, y_min = words[0]->y0, y_max = words[0]->y1;
  for (const WordBox* w : words) {
    x_min = std::min(x_min, w->x0), x_max = std::max(x_max, w->x1);
    y_min = std::min(y_min, w->y0), y_max = std::max(y_max, w->y1);
  }
  const double width = x_max - x_min;
  const double page_height = y_max - y_min;
  if (width < 50 || page_height <= 0 || width > 20000) return std::nullopt;
  // Coverage of each 1 pt column by word heights.
  const size_t bins = static_cast<size_t>(std::ceil(width)) + 1;
  std::vector<double> coverage(bins, 0.0);
  for (const WordBox* w : words) {
    const auto b0 = static_cast<size_t>(std::clamp(std::floor(w->x0 - x_min), 0.0, double(bins - 1)));
    const auto b1 = static_cast<size_t>(std::clamp(std::ceil(w->x1 - x_min), 0.0, double(bins)));
    for (size_t b = b0; b < b1; ++b) coverage[b] += height(w);
  }
  const double min_width = std::max(6.0, median_height(words));
  const auto lo = static_cast<size_t>(0.1 * width);
  const auto hi = static_cast<size_t>(0.9 * width);
  std::optional<Gutter> best;
  for (size_t b = lo; b < hi;) {
    if (coverage[b] > 0.15 * page_height) {
      ++b;
      continue;
    }
    size_t e = b;
    while (e < hi && coverage[e] <= 0.15 * page_height) ++e;
    const Gutter candidate{x_min + static_cast<double>(b), x_min + static_cast<double>(e)};
    b = e;
    if (candidate.x1 - candidate.x0 < min_width) continue;
    double left_top = 1e30, left_bottom = -1e30, right_top = 1e30, right_bottom = -1e30;
    for (const WordBox* w : words) {
      if (candidate.left_of(w)) left_top = std::min(left_top, w->y0), left_bottom = std::max(left_bottom, w->y1);
      if (candidate.right_of(w)) right_top = std::min(right_top, w->y0), right_bottom = std::max(right_bottom, w->y1);
    }
    if (left_bottom - left_top < page_height / 3 || right_bottom - right_top < page_height / 3) continue;
    if (!best || candidate.x1 - candidate.x0 > best->x1 - best->x0) best = candidate;
  }
  return best;
}

std::string layout_region(const Words& words, int depth);

std::string join_blocks(const std::string& a, const std::string& b, const char* separator) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + separator + b;
}

std::string layout_columns(const Words& words, const Gutter& gutter, int depth) {
  // Words crossing the gutter, and every word on their lines, are full-width lines.
  std::vector<std::pair<double, double>> spans;
  for (const WordBox* w : words) {
    if (gutter.crossed_by(w)) spans.push_back({w->y0, w->y1});
  }
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<double, double>> merged;
  for (const auto& s : spans) {
    if (!merged.empty() && s.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, s.second);
    } else {
      merged.push_back(s);
    }
  }
  auto span_of = [&](const WordBox* w) -> int {
    for (size_t i = 0; i < merged.size(); ++i) {
      if (center(w) >= merged[i].first && center(w) <= merged[i].second) return static_cast<int>(i);
    }
    return -1;
  };
  // Band k holds the column words between full-width line k-1 and k.
  std::vector<Words> band_left(merged.size() + 1), band_right(merged.size() + 1), spanning(merged.size());
  for (const WordBox* w : words) {
    const int s = span_of(w);
    if (s >= 0) {
      spanning[static_cast<size_t>(s)].push_back(w);
      continue;
    }
    size_t band = 0;
    while (band < merged.size() && center(w) > merged[band].second) ++band;
    (gutter.left_of(w) ? band_left : band_right)[band].push_back(w);
  }
  std::string out;
  for (size_t band = 0; band <= merged.size(); ++band) {
    const std::string columns = join_blocks(layout_region(band_left[band], depth + 1),
                                            layout_region(band_right[band], depth + 1), "\n\n");
    out = join_blocks(out, columns, "\n");
    if (band < merged.size()) out = join_blocks(out, lines_text(spanning[band]), "\n");
  }
  return out;
}

std::string layout_region(const Words& words, int depth) {
  if (words.empty()) return "";
  if (depth < 3) {
    if (const std::optional<Gutter> gutter = find_gutter(words)) {
      Words left, right;
      for (const WordBox* w : words) {
        if (gutter->left_of(w)) left.push_back(w);
        if (gutter->right_of(w)) right.push_back(w);
      }
      if (aligned_fraction(left, right) < 0.8) return layout_columns(words, *gutter, depth);
    }
  }
  return lines_text(words);
}

}  // namespace

std::string layout_page(const std::vector<WordBox>& words) {
  Words refs;
  refs.reserve(words.size());
  for (const WordBox& w : words) {
    if (std::isfinite(w.x0) && std::isfinite(w.x1) && std::isfinite(w.y0) && std::isfinite(w.y1) && !w.text.empty()) {
      refs.push_back(&w);
    }
  }
  return layout_region(refs, 0);
}

}  // namespace hirelm::documents
