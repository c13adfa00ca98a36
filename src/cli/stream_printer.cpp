#include "cli/stream_printer.h"

namespace hirelm::cli {

namespace {
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kReset = "\x1b[0m";
constexpr std::string_view kThinkingPrefix = "thinking: ";
}  // namespace

void StreamPrinter::reasoning(std::string_view delta) {
  if (delta.empty()) return;
  if (!in_reasoning_) {
    in_reasoning_ = true;
    if (tty_) std::fputs(kDim, out_);
  }
  for (char c : delta) {
    if (!tty_ && at_line_start_) std::fwrite(kThinkingPrefix.data(), 1, kThinkingPrefix.size(), out_);
    std::fputc(c, out_);
    at_line_start_ = c == '\n';
  }
  wrote_anything_ = true;
  std::fflush(out_);
}

void StreamPrinter::close_reasoning() {
  if (!in_reasoning_) return;
  in_reasoning_ = false;
  if (tty_) std::fputs(kReset, out_);
  if (!at_line_start_) std::fputc('\n', out_);
  std::fputc('\n', out_);  // a blank line between reasoning and answer
  at_line_start_ = true;
}

void StreamPrinter::content(std::string_view delta) {
  if (delta.empty()) return;
  close_reasoning();
  std::fwrite(delta.data(), 1, delta.size(), out_);
  at_line_start_ = delta.back() == '\n';
  wrote_anything_ = true;
  std::fflush(out_);
}

void StreamPrinter::finish() {
  if (in_reasoning_) {
    in_reasoning_ = false;
    if (tty_) std::fputs(kReset, out_);
  }
  if (wrote_anything_ && !at_line_start_) std::fputc('\n', out_);
  at_line_start_ = true;
  wrote_anything_ = false;
  std::fflush(out_);
}

}  // namespace hirelm::cli
