// A small command-line parser shared by the subcommands: `--name value`, `--name=value`, `--flag`,
// `-n value` and positionals. Unknown options are bad usage (exit 2); each subcommand declares what it takes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hirelm::cli {

struct OptionSpec {
  std::string name;         // long name without dashes, e.g. "model"
  std::string short_name;   // optional one-letter alias without dash, e.g. "n"
  bool takes_value = true;  // false for boolean flags
  bool repeatable = false;  // true if it may be given more than once
  std::string help;
};

class Args {
 public:
  // Parses argv[first..argc). Throws InvalidInputError naming the offending option.
  Args(const std::vector<OptionSpec>& specs, int argc, char** argv, int first);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::string get_or(const std::string& name, const std::string& fallback) const;
  std::vector<std::string> get_all(const std::string& name) const;
  // Typed getters: throw InvalidInputError ("--temp: expected a number, got 'x'") on a bad value.
  double get_double(const std::string& name, double fallback) const;
  long long get_int(const std::string& name, long long fallback) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

// The comma-separated items of an option value, empty ones included: "a,,b" -> {"a", "", "b"}.
std::vector<std::string> split_commas(const std::string& text);
// The comma-separated integers of option --`name`'s value `text`, each in [min, max]. Throws
// InvalidInputError ("--ids: expected comma-separated token ids 0..2147483647, got 'x'"; `what` names
// the items) for an empty, non-integer or out-of-range item.
std::vector<long long> parse_int_list(const std::string& name, const std::string& text, const std::string& what,
                                      long long min, long long max);

// Formats the option list for --help.
std::string format_options(const std::vector<OptionSpec>& specs);

}  // namespace hirelm::cli
