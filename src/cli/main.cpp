// hirelm: one binary, subcommands. Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>

#include "cli/command.h"
#include "util/error.h"

namespace hirelm::cli {
std::vector<Command>& command_registry() {
  static std::vector<Command> commands;
  return commands;
}
}  // namespace hirelm::cli

namespace {
void print_usage(FILE* out) {
  auto commands = hirelm::cli::command_registry();
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::fprintf(out, "usage: hirelm COMMAND [OPTIONS]\n\nPrivate, local resume screening with a local LLM.\n\ncommands:\n");
  for (const auto& c : commands) std::fprintf(out, "  %-12s %s\n", c.name.c_str(), c.summary.c_str());
  std::fprintf(out, "\nRun 'hirelm COMMAND --help' for a command's options.\n");
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return hirelm::kExitBadInput;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(stdout);
    return hirelm::kExitOk;
  }
  if (name == "--version") {
    std::printf("hirelm 0.1.0\n");
    return hirelm::kExitOk;
  }
  for (const auto& command : hirelm::cli::command_registry()) {
    if (command.name != name) continue;
    try {
      return command.run(argc, argv);
    } catch (const hirelm::Error& e) {
      std::fprintf(stderr, "hirelm %s: %s\n", name.c_str(), e.what());
      return hirelm::exit_code_for(e.kind());
    } catch (const std::bad_alloc&) {
      std::fprintf(stderr, "hirelm %s: out of memory\n", name.c_str());
      return hirelm::kExitFailure;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "hirelm %s: internal error: %s\n", name.c_str(), e.what());
      return hirelm::kExitFailure;
    }
  }
  std::fprintf(stderr, "hirelm: unknown command '%s'\n\n", name.c_str());
  print_usage(stderr);
  return hirelm::kExitBadInput;
}
