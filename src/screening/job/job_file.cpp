// The job file parser: front matter (a small YAML subset, see job.h) and the description body.
#include <cstdlib>
#include <set>
#include <sstream>

#include "screening/job/job.h"
#include "screening/job/sha256.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace hirelm::screening {
namespace {

struct Line {
  int number = 0;  // 1-based line number in the file
  int indent = 0;  // leading spaces
  std::string text;  // without indentation and trailing spaces
};

std::string trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return std::string(s.substr(b, e - b));
}

class FrontMatterParser {
 public:
  FrontMatterParser(std::vector<Line> lines, std::string name) : lines_(std::move(lines)), name_(std::move(name)) {}

  void parse(Job& job) {
    std::set<std::string> seen;
    while (pos_ < lines_.size()) {
      const Line& line = lines_[pos_];
      if (line.indent != 0) fail(line, "expected a top-level 'key: value', got an indented line");
      auto [key, value] = split_key(line, line.text);
      if (!seen.insert(key).second) fail(line, "key '" + key + "' given twice");
      ++pos_;
      if (key == "title") {
        job.title = scalar(line, value);
      } else if (key == "must_have") {
        for (auto& item : string_list(line, key, value)) {
          if (item.empty()) fail(line, "must_have: empty requirement");
          job.must_have.push_back(std::move(item));
        }
      } else if (key == "criteria") {
        job.criteria = criteria_list(line, value);
      } else {
        fail(line, "unknown key '" + key + "' (expected title, must_have or criteria)");
      }
    }
  }

 private:
  [[noreturn]] void fail(const Line& line, const std::string& message) const {
    throw InvalidInputError(name_ + ":" + std::to_string(line.number) + ": " + message);
  }

  std::pair<std::string, std::string> split_key(const Line& line, std::string_view text) const {
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) fail(line, "expected 'key: value', got '" + std::string(text) + "'");
    return {trim(text.substr(0, colon)), trim(text.substr(colon + 1))};
  }

  // A scalar: plain or quoted. Strips one pair of matching quotes.
  std::string scalar(const Line& line, std::string_view raw) const {
    std::string v = trim(raw);
    if (!v.empty() && (v.front() == '"' || v.front() == '\'')) {
      if (v.size() < 2 || v.back() != v.front()) fail(line, "unterminated quoted string " + v);
      v = v.substr(1, v.size() - 2);
    }
    return v;
  }

  // Splits "a, b, 'c, d'" at top-level commas (outside quotes and braces).
  std::vector<std::string> split_flow(const Line& line, std::string_view inner) const {
    std::vector<std::string> out;
    std::string cur;
    char quote = 0;
    int depth = 0;
    for (char c : inner) {
      if (quote) {
        if (c == quote) quote = 0;
        cur += c;
      } else if (c == '"' || c == '\'') {
        quote = c;
        cur += c;
      } else if (c == '{' || c == '[') {
        ++depth;
        cur += c;
      } else if (c == '}' || c == ']') {
        --depth;
        cur += c;
      } else if (c == ',' && depth == 0) {
        out.push_back(trim(cur));
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (quote) fail(line, "unterminated quoted string in a list");
    if (!trim(cur).empty() || !out.empty()) out.push_back(trim(cur));
    return out;
  }

  // The items of a list given inline ("[a, b]") or as the following block ("- a" lines, indented or not).
  // Each item is returned raw, with continuation lines of block-mapping items joined as "k: v" lines.
  std::vector<std::pair<Line, std::string>> raw_items(const Line& line, const std::string& key, const std::string& value) {
    std::vector<std::pair<Line, std::string>> items;
    if (!value.empty()) {
      if (value.front() != '[' || value.back() != ']') {
        fail(line, key + ": expected a list ('- item' lines or [a, b]), got '" + value + "'");
      }
      for (auto& s : split_flow(line, std::string_view(value).substr(1, value.size() - 2))) items.push_back({line, s});
      return items;
    }
    while (pos_ < lines_.size()) {
      const Line& item = lines_[pos_];
      if (item.text.rfind("- ", 0) != 0 && item.text != "-") break;
      const int item_indent = item.indent;
      std::string text = trim(std::string_view(item.text).substr(1));
      ++pos_;
      // Continuation lines of a block mapping item are indented past the dash.
      while (pos_ < lines_.size() && lines_[pos_].indent > item_indent && lines_[pos_].text.rfind("- ", 0) != 0) {
        text += "\n" + lines_[pos_].text;
        ++pos_;
      }
      items.push_back({item, text});
    }
    if (items.empty()) fail(line, key + ": expected a list ('- item' lines or [a, b]) after '" + key + ":'");
    return items;
  }

  std::vector<std::string> string_list(const Line& line, const std::string& key, const std::string& value) {
    std::vector<std::string> out;
    for (auto& [item_line, text] : raw_items(line, key, value)) {
      if (text.find('\n') != std::string::npos) fail(item_line, key + ": expected a string per item");
      out.push_back(scalar(item_line, text));
    }
    return out;
  }

  std::vector<Criterion> criteria_list(const Line& line, const std::string& value) {
    std::vector<Criterion> out;
    std::set<std::string> names;
    size_t index = 0;
    for (auto& [item_line, text] : raw_items(line, "criteria", value)) {
      const std::string where = "criteria[" + std::to_string(index++) + "]";
      Criterion c;
      std::vector<std::string> fields;
      if (!text.empty() && text.front() == '{') {
        if (text.back() != '}') fail(item_line, where + ": unterminated {...}");
        fields = split_flow(item_line, std::string_view(text).substr(1, text.size() - 2));
      } else if (text.find(':') != std::string::npos) {
        std::stringstream ss(text);
        for (std::string f; std::getline(ss, f);) fields.push_back(trim(f));
      } else {
        c.name = scalar(item_line, text);
      }
      bool has_name = !c.name.empty();
      for (const auto& f : fields) {
        auto [k, v] = split_key(item_line, f);
        if (k == "name") {
          c.name = scalar(item_line, v);
          has_name = true;
        } else if (k == "weight") {
          const std::string w = scalar(item_line, v);
          char* end = nullptr;
          const double d = std::strtod(w.c_str(), &end);
          if (w.empty() || *end != '\0' || !(d > 0) || d > 1000) {
            fail(item_line, where + ".weight: expected a positive number, got '" + w + "'");
          }
          c.weight = d;
        } else {
          fail(item_line, where + ": unknown field '" + k + "' (expected name, weight)");
        }
      }
      if (!has_name || c.name.empty()) fail(item_line, where + ": missing name");
      if (!names.insert(c.name).second) fail(item_line, where + ": criterion '" + c.name + "' given twice");
      out.push_back(std::move(c));
    }
    return out;
  }

  std::vector<Line> lines_;
  std::string name_;
  size_t pos_ = 0;
};

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t nl = text.find('\n', start);
    std::string line(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(std::move(line));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace

std::vector<Criterion> Job::default_criteria() { return {{"skills", 1.0}, {"experience", 1.0}, {"education", 1.0}}; }

Job parse_job(std::string_view text, const std::string& name_for_errors) {
  Job job;
  job.content_hash = sha256_tagged(text);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a BOM from Windows editors
  const std::vector<std::string> lines = split_lines(text);
  size_t body_start = 0;
  if (!lines.empty() && trim(lines[0]) == "---") {
    std::vector<Line> fm;
    size_t i = 1;
    for (; i < lines.size(); ++i) {
      if (trim(lines[i]) == "---") break;
      const std::string t = trim(lines[i]);
      if (t.empty() || t[0] == '#') continue;
      if (lines[i].find('\t') < lines[i].find_first_not_of(" \t")) {
        throw InvalidInputError(name_for_errors + ":" + std::to_string(i + 1) + ": tabs are not allowed for indentation");
      }
      fm.push_back({static_cast<int>(i + 1), static_cast<int>(lines[i].find_first_not_of(' ')), t});
    }
    if (i == lines.size()) throw InvalidInputError(name_for_errors + ":1: front matter opened by '---' is never closed");
    FrontMatterParser(std::move(fm), name_for_errors).parse(job);
    body_start = i + 1;
  }
  std::string body;
  for (size_t i = body_start; i < lines.size(); ++i) body += lines[i] + "\n";
  job.description = trim(body);
  while (!job.description.empty() && job.description.back() == '\n') job.description.pop_back();
  if (job.description.empty()) throw InvalidInputError(name_for_errors + ": the job description is empty");
  if (job.title.empty()) {
    for (size_t i = body_start; i < lines.size(); ++i) {
      const std::string t = trim(lines[i]);
      if (t.rfind("# ", 0) == 0) {
        job.title = trim(std::string_view(t).substr(2));
        break;
      }
    }
  }
  if (job.criteria.empty()) job.criteria = Job::default_criteria();
  return job;
}

Job load_job(const std::string& path) { return parse_job(read_file(path), path); }

}  // namespace hirelm::screening
