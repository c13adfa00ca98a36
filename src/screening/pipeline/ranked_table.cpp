// The ranked table printed at the end of `hirelm screen`.
#include <cstdio>
#include <string>

#include "screening/pipeline/screening_pipeline.h"

namespace hirelm::screening {
namespace {

// Display width of UTF-8 text: CJK and full-width characters count 2 columns.
size_t display_width(const std::string& s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++w;
      ++i;
    } else if (c >= 0xE0) {
      w += 2;
      i += c >= 0xF0 ? 4 : 3;
    } else {
      ++w;
      i += 2;
    }
  }
  return w;
}

std::string cut(const std::string& s, size_t width) {
  if (display_width(s) <= width) return s;
  std::string out;
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    const size_t cw = c >= 0xE0 ? 2 : 1;
    if (w + cw + 1 > width) break;
    out.append(s, i, n);
    w += cw;
    i += n;
  }
  return out + "~";
}

std::string pad(const std::string& s, size_t width) {
  std::string c = cut(s, width);
  const size_t w = display_width(c);
  return c + std::string(width > w ? width - w : 0, ' ');
}

std::string num(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", *v);
  return buf;
}

}  // namespace

std::string format_ranked_table(const std::vector<exports::ExportCandidate>& ranked) {
  std::string out = pad("#", 4) + pad("score", 7) + pad("range", 10) + pad("name", 14) + pad("degree", 8) +
                    pad("years", 6) + pad("must", 8) + pad("flags", 26) + "file\n";
  size_t rank = 0;
  for (const auto& c : ranked) {
    ++rank;
    std::string range = c.score.min ? num(c.score.min) + "-" + num(c.score.max) : "-";
    std::string score = c.status == "scored" ? num(c.score.median) : c.status == "error" ? "error" : "none";
    int pass = 0, fail = 0, unclear = 0;
    for (const auto& m : c.must_haves) {
      if (m.result == "pass") ++pass;
      else if (m.result == "fail") ++fail;
      else ++unclear;
    }
    std::string must = c.must_haves.empty() ? "-" : std::to_string(pass) + "/" + std::to_string(fail) + "/" + std::to_string(unclear);
    std::string flags;
    for (const auto& f : c.flags) flags += (flags.empty() ? "" : ",") + f;
    out += pad(std::to_string(rank), 4) + pad(score, 7) + pad(range, 10) + pad(c.name.value_or("-"), 14) +
           pad(c.highest_degree.value_or("-"), 8) + pad(num(c.years_of_experience), 6) + pad(must, 8) +
           pad(flags.empty() ? "-" : flags, 26) + c.file + (c.error.empty() ? "" : "  (" + c.error + ")") + "\n";
  }
  out += "(must: pass/fail/unclear)\n";
  return out;
}

}  // namespace hirelm::screening
