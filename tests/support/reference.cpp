#include "support/reference.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace hirelm::test {

std::string reference_dir() {
  if (const char* env = std::getenv("HIRELM_REFERENCE_DIR")) return env;
  return HIRELM_REFERENCE_DIR;
}

std::string reference_path(const std::string& relative) { return reference_dir() + "/" + relative; }

bool reference_available() {
  struct stat st {};
  return ::stat(reference_path("tokenizer-golden.jsonl").c_str(), &st) == 0;
}

std::string hirelm_binary() { return std::string(HIRELM_BINARY_DIR) + "/hirelm"; }

int run_command(const std::string& command, const std::string& stdin_text, std::string* stdout_text) {
  char in_path[] = "/tmp/hirelm-test-stdin-XXXXXX";
  int fd = ::mkstemp(in_path);
  if (fd < 0) return -1;
  {
    std::ofstream in(in_path, std::ios::binary);
    in << stdin_text;
  }
  ::close(fd);
  std::string full = command + " < " + in_path;
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) {
    ::unlink(in_path);
    return -1;
  }
  std::array<char, 65536> buf{};
  size_t n = 0;
  std::string out;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = ::pclose(pipe);
  ::unlink(in_path);
  if (stdout_text != nullptr) *stdout_text = std::move(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace hirelm::test
