// The subcommand registry. Each subcommand lives in its own file and registers itself with
// HIRELM_COMMAND; main() looks the first argument up here.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace hirelm::cli {

struct Command {
  std::string name;     // e.g. "tokenize"
  std::string summary;  // one line for `hirelm --help`
  // Runs the subcommand on argv[2..]; returns the exit code. May throw hirelm::Error, which main()
  // turns into one stderr line and the documented exit code.
  std::function<int(int argc, char** argv)> run;
};

std::vector<Command>& command_registry();

struct CommandRegistrar {
  explicit CommandRegistrar(Command command) { command_registry().push_back(std::move(command)); }
};

}  // namespace hirelm::cli

#define HIRELM_COMMAND(ident, name, summary, fn) \
  static ::hirelm::cli::CommandRegistrar hirelm_command_##ident({name, summary, fn})
