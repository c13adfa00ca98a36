// Prints streamed generation events for a person: reasoning shown distinctly from the answer (dim on
// a terminal; every reasoning line prefixed "thinking: " otherwise, so scripts can tell them apart),
// then the answer as it arrives. Shared by `hirelm run` and `hirelm chat`.
#pragma once

#include <cstdio>
#include <string_view>

namespace hirelm::cli {

class StreamPrinter {
 public:
  // `out` is not owned. `tty` picks the terminal style (usually isatty(fileno(out))).
  StreamPrinter(FILE* out, bool tty) : out_(out), tty_(tty) {}

  void reasoning(std::string_view delta);
  void content(std::string_view delta);
  // Ends the reply: closes an open reasoning block and ends the last line.
  void finish();

 private:
  void close_reasoning();

  FILE* out_;
  bool tty_;
  bool in_reasoning_ = false;
  bool at_line_start_ = true;
  bool wrote_anything_ = false;
};

}  // namespace hirelm::cli
