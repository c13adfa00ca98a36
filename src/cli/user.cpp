// `hirelm user add NAME --role viewer|recruiter|admin [--password-file F]`, `hirelm user list`,
// `hirelm user delete NAME`, `hirelm user token NAME [--name N]`, each with `--db SPEC` (SQLite path or
// postgresql:// URL; default ./hirelm.db): accounts of the screening service (docs/auth.md). This is how the
// first admin is made. The password comes from --password-file (its first line) or one line of stdin, read
// without echo (and asked twice) when stdin is a terminal. Exit codes: 0 done, 1 runtime failure, 2 bad usage
// or input (unknown user, taken name, short password).
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "auth/auth_store.h"
#include "cli/args.h"
#include "cli/command.h"
#include "screening/db/connection.h"
#include "screening/store/migrations.h"
#include "util/error.h"
#include "util/utc_time.h"

namespace hirelm::cli {
namespace {

constexpr const char* kUsage =
    "usage: hirelm user add NAME --role viewer|recruiter|admin [--password-file F] [--db SPEC]\n"
    "       hirelm user list [--db SPEC]\n"
    "       hirelm user delete NAME [--db SPEC]\n"
    "       hirelm user token NAME [--name N] [--db SPEC]\n\n"
    "Manages the accounts of the screening service. The password is read from --password-file (first line) or\n"
    "one line of stdin (no echo on a terminal). 'token' prints a new API token (shown once).\n\n";

std::vector<OptionSpec> user_specs() {
  return {
      {"db", "", true, false, "database: SQLite file or postgresql:// URL (default ./hirelm.db)"},
      {"role", "", true, false, "add: viewer, recruiter or admin"},
      {"password-file", "", true, false, "add: read the password from this file's first line"},
      {"name", "", true, false, "token: a label for the token (default 'cli')"},
      {"help", "h", false, false, "show this help"},
  };
}

std::string strip_line_end(std::string line) {
  if (!line.empty() && line.back() == '\n') line.pop_back();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string read_password_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFoundError("--password-file: cannot read '" + path + "'");
  std::string line;
  std::getline(in, line);
  return strip_line_end(line);
}

// One line of stdin; on a terminal with echo off, after a prompt on stderr.
std::string read_password_line(const char* prompt) {
  const bool tty = ::isatty(::fileno(stdin)) != 0;
  termios saved{};
  if (tty) {
    std::fprintf(stderr, "%s", prompt);
    std::fflush(stderr);
    ::tcgetattr(::fileno(stdin), &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(::fileno(stdin), TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(::fileno(stdin), TCSAFLUSH, &saved);
    std::fprintf(stderr, "\n");
  }
  if (!got) throw InvalidInputError("no password given (stdin is empty; use --password-file F)");
  return strip_line_end(line);
}

std::string read_password(const Args& args) {
  if (auto file = args.get("password-file")) return read_password_file(*file);
  const std::string password = read_password_line("password: ");
  if (::isatty(::fileno(stdin)) != 0 && read_password_line("again: ") != password) {
    throw InvalidInputError("the two passwords differ");
  }
  return password;
}

std::string one_name(const Args& args, const std::string& action) {
  if (args.positionals().size() != 1) {
    throw InvalidInputError("user " + action + ": expected one user name, got " +
                            std::to_string(args.positionals().size()) + " arguments");
  }
  return args.positionals()[0];
}

auth::User existing_user(auth::AuthStore& store, const std::string& name) {
  auto user = store.find_user(name);
  if (!user) throw NotFoundError("no user named '" + name + "'");
  return *user;
}

int user_main(int argc, char** argv) {
  const auto specs = user_specs();
  if (argc < 3 || std::string(argv[2]) == "--help" || std::string(argv[2]) == "-h") {
    std::fprintf(argc < 3 ? stderr : stdout, "%s%s", kUsage, format_options(specs).c_str());
    return argc < 3 ? kExitBadInput : kExitOk;
  }
  const std::string action = argv[2];
  Args args(specs, argc, argv, 3);
  if (args.has("help")) {
    std::printf("%s%s", kUsage, format_options(specs).c_str());
    return kExitOk;
  }
  if (action != "add" && action != "list" && action != "delete" && action != "token") {
    throw InvalidInputError("user: unknown action '" + action + "' (expected add, list, delete or token)");
  }
  if (action == "list" && !args.positionals().empty()) throw InvalidInputError("user list: takes no arguments");
  std::string name;
  std::optional<auth::Role> role;
  if (action != "list") name = one_name(args, action);
  if (action == "add") {
    const auto role_text = args.get("role");
    if (!role_text) throw InvalidInputError("user add: --role is required (viewer, recruiter or admin)");
    role = auth::parse_role(*role_text);
    if (!role) throw InvalidInputError("--role: expected viewer, recruiter or admin, got '" + *role_text + "'");
    auth::validate_username(name);
  }

  auto db = db::open(args.get_or("db", "hirelm.db"));
  store::migrate(*db);
  auth::AuthStore store(*db);
  const std::string actor = "cli";

  if (action == "add") {
    const std::string password = read_password(args);
    const auth::User user = store.create_user(name, password, *role, actor);
    std::printf("created %s '%s' (id %lld)\n", std::string(auth::role_name(user.role)).c_str(), user.username.c_str(),
                static_cast<long long>(user.id));
  } else if (action == "list") {
    for (const auth::User& user : store.list_users()) {
      std::printf("%lld\t%s\t%s\t%s\n", static_cast<long long>(user.id), user.username.c_str(),
                  std::string(auth::role_name(user.role)).c_str(), utc_iso8601(user.created_at).c_str());
    }
  } else if (action == "delete") {
    const auth::User user = existing_user(store, name);
    store.delete_user(user.id, actor);
    std::printf("deleted '%s' with its sessions and API tokens\n", user.username.c_str());
  } else {
    const auth::User user = existing_user(store, name);
    const auth::NewApiToken token = store.create_api_token(user.id, args.get_or("name", "cli"));
    std::printf("%s\n", token.secret.c_str());
  }
  return kExitOk;
}

}  // namespace

HIRELM_COMMAND(user, "user", "manage accounts of the screening service: add, list, delete, token", user_main);

}  // namespace hirelm::cli
