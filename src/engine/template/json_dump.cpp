#include "engine/template/json_dump.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace hirelm::templating {
namespace {

void append_escaped_code_unit(std::string& out, unsigned value) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "\\u%04x", value & 0xffffu);
  out += buf;
}

// Decodes one UTF-8 sequence at text[i]; invalid bytes decode to U+FFFD and consume one byte.
unsigned decode_utf8(const std::string& text, size_t& i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (len == 0 || i + len > text.size()) {
    ++i;
    return 0xfffd;
  }
  unsigned cp = len == 1 ? c : len == 2 ? (c & 0x1fu) : len == 3 ? (c & 0x0fu) : (c & 0x07u);
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(text[i + k]);
    if ((cc & 0xc0) != 0x80) {
      ++i;
      return 0xfffd;
    }
    cp = (cp << 6) | (cc & 0x3fu);
  }
  i += len;
  return cp;
}

void dump_string(std::string& out, const std::string& s, bool ensure_ascii) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      if (!ensure_ascii) {
        out += static_cast<char>(c);
        ++i;
        continue;
      }
      unsigned cp = decode_utf8(s, i);
      if (cp >= 0x10000) {
        cp -= 0x10000;
        append_escaped_code_unit(out, 0xd800 + (cp >> 10));
        append_escaped_code_unit(out, 0xdc00 + (cp & 0x3ff));
      } else {
        append_escaped_code_unit(out, cp);
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          append_escaped_code_unit(out, c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

class Dumper {
 public:
  explicit Dumper(const JsonDumpOptions& options) : options_(options) {
    item_sep_ = options.item_separator.value_or(options.indent ? "," : ", ");
    key_sep_ = options.key_separator.value_or(": ");
  }

  void dump(const Json& v, int level) {
    switch (v.type()) {
      case Json::value_t::null:
        out_ += "null";
        return;
      case Json::value_t::boolean:
        out_ += v.get<bool>() ? "true" : "false";
        return;
      case Json::value_t::number_integer:
        out_ += std::to_string(v.get<int64_t>());
        return;
      case Json::value_t::number_unsigned:
        out_ += std::to_string(v.get<uint64_t>());
        return;
      case Json::value_t::number_float: {
        double d = v.get<double>();
        if (std::isnan(d)) {
          out_ += "NaN";
        } else if (std::isinf(d)) {
          out_ += d < 0 ? "-Infinity" : "Infinity";
        } else {
          out_ += float_repr(d);
        }
        return;
      }
      case Json::value_t::string:
        dump_string(out_, v.get_ref<const std::string&>(), options_.ensure_ascii);
        return;
      case Json::value_t::array: {
        if (v.empty()) {
          out_ += "[]";
          return;
        }
        out_ += '[';
        bool first = true;
        for (const auto& item : v) {
          if (!first) out_ += item_sep_;
          first = false;
          newline(level + 1);
          dump(item, level + 1);
        }
        newline(level);
        out_ += ']';
        return;
      }
      case Json::value_t::object: {
        if (v.empty()) {
          out_ += "{}";
          return;
        }
        std::vector<std::pair<const std::string*, const Json*>> entries;
        for (auto it = v.begin(); it != v.end(); ++it) entries.emplace_back(&it.key(), &it.value());
        if (options_.sort_keys) {
          std::stable_sort(entries.begin(), entries.end(),
                           [](const auto& a, const auto& b) { return *a.first < *b.first; });
        }
        out_ += '{';
        bool first = true;
        for (const auto& [key, item] : entries) {
          if (!first) out_ += item_sep_;
          first = false;
          newline(level + 1);
          dump_string(out_, *key, options_.ensure_ascii);
          out_ += key_sep_;
          dump(*item, level + 1);
        }
        newline(level);
        out_ += '}';
        return;
      }
      default:
        out_ += "null";
    }
  }

  std::string take() { return std::move(out_); }

 private:
  void newline(int level) {
    if (!options_.indent) return;
    out_ += '\n';
    for (int i = 0; i < level; ++i) out_ += *options_.indent;
  }

  const JsonDumpOptions& options_;
  std::string item_sep_;
  std::string key_sep_;
  std::string out_;
};

}  // namespace

std::string python_json_dumps(const Json& value, const JsonDumpOptions& options) {
  Dumper dumper(options);
  dumper.dump(value, 0);
  return dumper.take();
}

}  // namespace hirelm::templating
