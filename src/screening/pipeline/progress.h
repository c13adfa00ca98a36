// Batch progress on stderr. On a terminal: one redrawn line with a bar, the stage, done/total, rate and
// ETA. Otherwise (logs, CI): a plain line per completed item, e.g. "[score] 3/20 (1.2/min, ETA 14m)".
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace hirelm::screening {

class Progress {
 public:
  // `out` null disables output (tests, --quiet).
  Progress(std::FILE* out, bool tty);

  void start(const std::string& stage, size_t total);
  void advance(size_t n = 1);
  void finish();
  // Prints a message on its own line (clearing the bar first on a terminal).
  void note(const std::string& message);

  // "3/20 (1.2/min, ETA 14m)" for the current state; the plain-line form without the stage.
  std::string status_text() const;

 private:
  void draw();

  std::FILE* out_;
  bool tty_;
  std::string stage_;
  size_t total_ = 0;
  size_t done_ = 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_;
};

// "45s", "14m", "2h05m".
std::string format_duration(double seconds);

}  // namespace hirelm::screening
