#include "screening/pipeline/progress.h"

namespace hirelm::screening {

std::string format_duration(double seconds) {
  char buf[32];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.0fs", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buf, sizeof buf, "%.0fm", seconds / 60);
  } else {
    const long h = static_cast<long>(seconds / 3600);
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", h, static_cast<long>(seconds / 60) % 60);
  }
  return buf;
}

Progress::Progress(std::FILE* out, bool tty) : out_(out), tty_(tty) {}

void Progress::start(const std::string& stage, size_t total) {
  finish();
  stage_ = stage;
  total_ = total;
  done_ = 0;
  started_ = std::chrono::steady_clock::now();
  if (out_ && total_ > 0) {
    if (tty_) {
      draw();
    } else {
      std::fprintf(out_, "[%s] 0/%zu\n", stage_.c_str(), total_);
      std::fflush(out_);
    }
  }
}

std::string Progress::status_text() const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::string s = std::to_string(done_) + "/" + std::to_string(total_);
  if (done_ > 0 && elapsed > 0) {
    const double per_min = static_cast<double>(done_) / elapsed * 60.0;
    char buf[64];
    std::snprintf(buf, sizeof buf, " (%.1f/min", per_min);
    s += buf;
    if (done_ < total_) s += ", ETA " + format_duration(elapsed / static_cast<double>(done_) * static_cast<double>(total_ - done_));
    s += ")";
  }
  return s;
}

void Progress::draw() {
  constexpr int kWidth = 24;
  const int filled = total_ ? static_cast<int>(kWidth * done_ / total_) : kWidth;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  std::fprintf(out_, "\r\x1b[2K%-9s [%s] %s", stage_.c_str(), bar.c_str(), status_text().c_str());
  std::fflush(out_);
  drawn_ = true;
}

void Progress::advance(size_t n) {
  done_ += n;
  if (!out_) return;
  if (tty_) {
    draw();
  } else {
    std::fprintf(out_, "[%s] %s\n", stage_.c_str(), status_text().c_str());
    std::fflush(out_);
  }
}

void Progress::finish() {
  if (out_ && tty_ && drawn_) {
    std::fprintf(out_, "\n");
    std::fflush(out_);
  }
  drawn_ = false;
}

void Progress::note(const std::string& message) {
  if (!out_) return;
  if (tty_ && drawn_) std::fprintf(out_, "\r\x1b[2K");
  std::fprintf(out_, "%s\n", message.c_str());
  if (tty_ && drawn_) draw();
  std::fflush(out_);
}

}  // namespace hirelm::screening
