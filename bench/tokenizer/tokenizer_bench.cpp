// Single-thread tokenizer throughput on a mixed Chinese/English resume text.
//
//   tokenizer_bench --tokenizer PATH [--sample FILE] [--bytes N] [--reps R] [--write-input FILE] [--whole]
//
// The input is built deterministically from the committed ~20 KB sample (resume_sample.txt): its lines
// are shuffled with a fixed-seed LCG, pass after pass, until the text reaches N bytes (default 1 MiB).
// It is encoded line by line (the same chunks hf_bench.js uses), sequentially on one thread, once to warm
// up and then R times (default 5); the best run is reported as MB/s (10^6 bytes per second) together with
// the token count. --write-input writes the generated text so another tool can encode the same chunks.
// --whole encodes the entire text in one call instead (hf_bench.js takes the same flag), which takes
// per-call overhead (large for the node binding) out of the comparison.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/tokenizer/tokenizer.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace {

struct Options {
  std::string tokenizer;
  std::string sample = HIRELM_BENCH_SAMPLE;
  size_t bytes = 1 << 20;
  int reps = 5;
  std::string write_input;
  bool whole = false;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "tokenizer_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--tokenizer") o.tokenizer = value();
    else if (a == "--sample") o.sample = value();
    else if (a == "--bytes") o.bytes = std::stoul(value());
    else if (a == "--reps") o.reps = std::max(1, std::stoi(value()));
    else if (a == "--write-input") o.write_input = value();
    else if (a == "--whole") o.whole = true;
    else {
      std::fprintf(stderr, "usage: tokenizer_bench --tokenizer PATH [--sample FILE] [--bytes N] [--reps R] [--write-input FILE]\n");
      std::exit(2);
    }
  }
  if (o.tokenizer.empty()) {
    std::fprintf(stderr, "tokenizer_bench: --tokenizer is required\n");
    std::exit(2);
  }
  return o;
}

// The benchmark input as lines (each keeps its trailing '\n', so the chunks concatenate to the text).
std::vector<std::string> build_input(const std::string& sample, size_t target_bytes) {
  std::vector<std::string> lines;
  std::istringstream in(sample);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line + "\n");
  std::vector<std::string> out;
  if (lines.empty()) return out;
  uint64_t state = 0x2545F4914F6CDD1Dull;
  size_t total = 0;
  while (total < target_bytes) {
    std::vector<std::string> pass = lines;
    for (size_t i = pass.size() - 1; i > 0; --i) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      std::swap(pass[i], pass[(state >> 33) % (i + 1)]);
    }
    for (auto& l : pass) {
      total += l.size();
      out.push_back(std::move(l));
      if (total >= target_bytes) break;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Options o = parse(argc, argv);
    std::vector<std::string> chunks = build_input(hirelm::read_file(o.sample), o.bytes);
    size_t total_bytes = 0;
    for (const auto& c : chunks) total_bytes += c.size();
    if (!o.write_input.empty()) {
      std::ofstream f(o.write_input, std::ios::binary);
      for (const auto& c : chunks) f << c;
    }
    if (o.whole) {
      std::string all;
      for (const auto& c : chunks) all += c;
      chunks.assign(1, std::move(all));
    }
    hirelm::Tokenizer tok = hirelm::Tokenizer::from_path(o.tokenizer);
    std::vector<int32_t> ids;
    size_t n_tokens = 0;
    double best = 1e100;
    for (int rep = 0; rep <= o.reps; ++rep) {  // rep 0 warms up
      auto t0 = std::chrono::steady_clock::now();
      n_tokens = 0;
      for (const auto& c : chunks) {
        ids.clear();
        tok.encode_into(c, {}, ids);
        n_tokens += ids.size();
      }
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (rep > 0) best = std::min(best, s);
    }
    std::printf("hirelm   %8.2f MB/s  (%zu bytes, %zu chunks, %zu tokens, best of %d, 1 thread)\n",
                static_cast<double>(total_bytes) / best / 1e6, total_bytes, chunks.size(), n_tokens, o.reps);
    return 0;
  } catch (const hirelm::Error& e) {
    std::fprintf(stderr, "tokenizer_bench: %s\n", e.what());
    return hirelm::exit_code_for(e.kind());
  }
}
