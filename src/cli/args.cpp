#include "cli/args.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "util/error.h"

namespace hirelm::cli {

namespace {
// `text` as a whole base-10 integer; nullopt for an empty, partial or out-of-range number.
std::optional<long long> parse_integer(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const long long n = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0) return std::nullopt;
  return n;
}

const OptionSpec* find_spec(const std::vector<OptionSpec>& specs, const std::string& key, bool is_short) {
  for (const auto& s : specs) {
    if ((!is_short && s.name == key) || (is_short && !s.short_name.empty() && s.short_name == key)) return &s;
  }
  return nullptr;
}
}  // namespace

Args::Args(const std::vector<OptionSpec>& specs, int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      for (++i; i < argc; ++i) positionals_.emplace_back(argv[i]);
      break;
    }
    if (a.size() < 2 || a[0] != '-' || (a[1] != '-' && a.size() != 2)) {
      positionals_.push_back(a);
      continue;
    }
    bool is_short = a[1] != '-';
    std::string key = is_short ? a.substr(1) : a.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = key.find('='); !is_short && eq != std::string::npos) {
      inline_value = key.substr(eq + 1);
      key = key.substr(0, eq);
    }
    const OptionSpec* spec = find_spec(specs, key, is_short);
    if (spec == nullptr) throw InvalidInputError("unknown option '" + a + "' (see --help)");
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        throw InvalidInputError("option --" + spec->name + " needs a value");
      }
    } else if (inline_value) {
      throw InvalidInputError("option --" + spec->name + " takes no value");
    }
    auto& slot = values_[spec->name];
    if (!slot.empty() && !spec->repeatable) throw InvalidInputError("option --" + spec->name + " given twice");
    slot.push_back(value);
  }
}

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::string Args::get_or(const std::string& name, const std::string& fallback) const {
  return get(name).value_or(fallback);
}

std::vector<std::string> Args::get_all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

double Args::get_double(const std::string& name, double fallback) const {
  auto v = get(name);
  if (!v) return fallback;
  errno = 0;
  char* end = nullptr;
  double d = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0' || errno != 0) {
    throw InvalidInputError("--" + name + ": expected a number, got '" + *v + "'");
  }
  return d;
}

long long Args::get_int(const std::string& name, long long fallback) const {
  auto v = get(name);
  if (!v) return fallback;
  const auto n = parse_integer(*v);
  if (!n) throw InvalidInputError("--" + name + ": expected an integer, got '" + *v + "'");
  return *n;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

std::vector<long long> parse_int_list(const std::string& name, const std::string& text, const std::string& what,
                                      long long min, long long max) {
  std::vector<long long> out;
  for (const std::string& item : split_commas(text)) {
    const auto n = parse_integer(item);
    if (!n || *n < min || *n > max) {
      throw InvalidInputError("--" + name + ": expected comma-separated " + what + " " + std::to_string(min) + ".." +
                              std::to_string(max) + ", got '" + item + "'");
    }
    out.push_back(*n);
  }
  return out;
}

std::string format_options(const std::vector<OptionSpec>& specs) {
  std::ostringstream out;
  for (const auto& s : specs) {
    std::string left = "  --" + s.name;
    if (!s.short_name.empty()) left += ", -" + s.short_name;
    if (s.takes_value) left += " VALUE";
    out << left;
    if (left.size() < 28) out << std::string(28 - left.size(), ' ');
    else out << "  ";
    out << s.help << '\n';
  }
  return out.str();
}

}  // namespace hirelm::cli
