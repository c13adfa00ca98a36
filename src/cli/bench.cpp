// `hirelm bench`: prompt processing (pp) and text generation (tg) speed as llama-bench defines them.
//   pp: one prompt of -p random tokens evaluated as batches of at most -b tokens from an empty cache;
//       tokens/s = p / time.
//   tg: -n tokens evaluated one per forward call from an empty cache (the prompt excluded);
//       tokens/s = n / time.
// Each test runs once untimed (warm-up), then -r timed repetitions; reported as average and standard
// deviation. --json prints a JSON array of records with llama-bench's field names.
//
// --parallel 1,4,8,16 measures batched decoding as llama-batched-bench does instead: for each N, N
// sequences each get a prompt of -p random tokens (fed as batches of at most -b tokens, sequence after
// sequence), then decode -n tokens together, one batch of N tokens (one per sequence) per forward call.
//   S_PP = N * p / T_PP, S_TG = N * n / T_TG (aggregate generation), S = N * (p + n) / (T_PP + T_TG).
// --json prints an array of records with llama-batched-bench's JSONL field names.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/command.h"
#include "engine/kernels/isa.h"
#include "engine/kernels/thread_pool.h"
#include "engine/kv/kv_cache.h"
#include "engine/model/qwen2_model.h"
#include "util/error.h"

namespace hirelm::cli {
namespace {

struct BenchSettings {
  int64_t n_prompt = 0;
  int64_t n_gen = 0;
  int64_t n_batch = 512;
  int n_threads = 1;
  int reps = 5;
  kv::KvType kv_type = kv::KvType::kF16;
};

struct BenchResult {
  int64_t n_prompt = 0, n_gen = 0;
  std::vector<uint64_t> samples_ns;
  std::string test_time;
};

uint64_t now_ns() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

std::string iso_time_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// One timed run of a test: the prompt as batches, or the generation one token per call.
uint64_t run_once(model::Qwen2Model& m, kv::KvCache& cache, kernels::ThreadPool& pool, const BenchSettings& s,
                  int64_t n_prompt, int64_t n_gen, std::mt19937& rng) {
  cache.clear();
  std::uniform_int_distribution<int32_t> token(0, static_cast<int32_t>(m.config().n_vocab - 1));
  std::vector<float> logits;
  uint64_t start = now_ns();
  for (int64_t done = 0; done < n_prompt;) {
    int64_t n = std::min(s.n_batch, n_prompt - done);
    std::vector<int32_t> tokens(static_cast<size_t>(n));
    for (auto& t : tokens) t = token(rng);
    m.forward(model::make_sequence_batch(tokens, 0, static_cast<int32_t>(done), false), cache, pool, &logits);
    done += n;
  }
  for (int64_t i = 0; i < n_gen; ++i) {
    m.forward(model::make_sequence_batch({token(rng)}, 0, static_cast<int32_t>(i), false), cache, pool, &logits);
  }
  return now_ns() - start;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

double stddev(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  double m = mean(v), ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

std::string params_label(int64_t n) {
  char buf[32];
  if (n >= 1000000000) {
    std::snprintf(buf, sizeof buf, "%.2f B", static_cast<double>(n) / 1e9);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f M", static_cast<double>(n) / 1e6);
  }
  return buf;
}

struct ParallelResult {
  int64_t n_seq = 0;
  double t_pp = 0, t_tg = 0;  // seconds
};

// One llama-batched-bench configuration: n_seq sequences, prompts of n_prompt tokens, n_gen decode steps.
ParallelResult run_parallel(model::Qwen2Model& m, kernels::ThreadPool& pool, const BenchSettings& s, int64_t n_seq,
                            std::mt19937& rng) {
  kv::KvCache cache(m.kv_cache_options(s.n_prompt + s.n_gen, n_seq, s.kv_type));
  std::uniform_int_distribution<int32_t> token(0, static_cast<int32_t>(m.config().n_vocab - 1));
  std::vector<float> logits;
  model::Batch batch;
  ParallelResult r;
  r.n_seq = n_seq;
  uint64_t start = now_ns();
  for (int64_t seq = 0; seq < n_seq; ++seq) {
    for (int64_t pos = 0; pos < s.n_prompt; ++pos) {
      // The last prompt token of every sequence wants logits (it would be sampled from).
      batch.add(token(rng), static_cast<int32_t>(pos), static_cast<int32_t>(seq), pos + 1 == s.n_prompt);
      if (static_cast<int64_t>(batch.size()) == s.n_batch) {
        m.forward(batch, cache, pool, &logits);
        batch.clear();
      }
    }
  }
  if (batch.size() > 0) m.forward(batch, cache, pool, &logits);
  batch.clear();
  uint64_t prompt_done = now_ns();
  for (int64_t i = 0; i < s.n_gen; ++i) {
    batch.clear();
    for (int64_t seq = 0; seq < n_seq; ++seq) {
      batch.add(token(rng), static_cast<int32_t>(s.n_prompt + i), static_cast<int32_t>(seq), true);
    }
    m.forward(batch, cache, pool, &logits);
  }
  uint64_t end = now_ns();
  r.t_pp = static_cast<double>(prompt_done - start) / 1e9;
  r.t_tg = static_cast<double>(end - prompt_done) / 1e9;
  return r;
}

int bench_parallel(model::Qwen2Model& m, const BenchSettings& s, const std::vector<int64_t>& counts, bool json) {
  kernels::ThreadPool pool(s.n_threads);
  std::mt19937 rng(1234);
  {  // warm-up: pages the weights in, settles the threads
    BenchSettings w = s;
    w.n_prompt = 1;
    w.n_gen = 1;
    run_parallel(m, pool, w, 1, rng);
  }
  nlohmann::ordered_json records = nlohmann::ordered_json::array();
  if (!json) {
    std::printf("| PP | TG | B | N_KV | T_PP s | S_PP t/s | T_TG s | S_TG t/s | T s | S t/s |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  }
  for (int64_t n_seq : counts) {
    ParallelResult r = run_parallel(m, pool, s, n_seq, rng);
    const double pp_tokens = static_cast<double>(n_seq * s.n_prompt), tg_tokens = static_cast<double>(n_seq * s.n_gen);
    const double speed_pp = r.t_pp > 0 ? pp_tokens / r.t_pp : 0, speed_tg = r.t_tg > 0 ? tg_tokens / r.t_tg : 0;
    const double t = r.t_pp + r.t_tg, speed = t > 0 ? (pp_tokens + tg_tokens) / t : 0;
    const int64_t n_kv = n_seq * (s.n_prompt + s.n_gen);
    if (json) {
      nlohmann::ordered_json j;
      j["n_kv_max"] = n_kv;
      j["n_batch"] = s.n_batch;
      j["n_ubatch"] = s.n_batch;
      j["flash_attn"] = 0;
      j["is_pp_shared"] = 0;
      j["n_gpu_layers"] = 0;
      j["n_threads"] = s.n_threads;
      j["n_threads_batch"] = s.n_threads;
      j["pp"] = s.n_prompt;
      j["tg"] = s.n_gen;
      j["pl"] = n_seq;
      j["n_kv"] = n_kv;
      j["t_pp"] = r.t_pp;
      j["speed_pp"] = speed_pp;
      j["t_tg"] = r.t_tg;
      j["speed_tg"] = speed_tg;
      j["t"] = t;
      j["speed"] = speed;
      records.push_back(std::move(j));
    } else {
      std::printf("| %6lld | %6lld | %4lld | %7lld | %8.3f | %8.2f | %8.3f | %8.2f | %8.3f | %8.2f |\n",
                  static_cast<long long>(s.n_prompt), static_cast<long long>(s.n_gen), static_cast<long long>(n_seq),
                  static_cast<long long>(n_kv), r.t_pp, speed_pp, r.t_tg, speed_tg, t, speed);
      std::fflush(stdout);
    }
  }
  if (json) std::printf("%s\n", records.dump(2).c_str());
  return kExitOk;
}

int bench_main(int argc, char** argv) {
  const std::vector<OptionSpec> specs = {
      {"model", "m", true, false, "model: a .gguf file or a Hugging Face directory"},
      {"n-prompt", "p", true, false, "prompt tokens for the pp test (default 512; 0 skips it)"},
      {"n-gen", "n", true, false, "generated tokens for the tg test (default 128; 0 skips it)"},
      {"batch-size", "b", true, false, "tokens per forward call during pp (default 512)"},
      {"threads", "t", true, false, "threads (default: all cores)"},
      {"repetitions", "r", true, false, "timed repetitions per test (default 5)"},
      {"dtype", "", true, false, "compute type of the weights (GGUF default: the file's own; HF: q8_0)"},
      {"kv-type", "", true, false, "KV cache type: f16 (default) or f32"},
      {"parallel", "", true, false, "comma-separated sequence counts: batched decoding like llama-batched-bench"},
      {"json", "", false, false, "print a JSON array of llama-bench records"},
      {"help", "h", false, false, "show this help"},
  };
  Args args(specs, argc, argv, 2);
  if (args.has("help")) {
    std::printf("usage: hirelm bench --model PATH [-p 512] [-n 128] [-t THREADS] [-r REPS] [--parallel 1,4,8,16] [--json]\n\n"
                "Measures prompt processing (pp) and generation (tg) speed like llama-bench, or with --parallel\n"
                "the aggregate speed of N sequences decoding together like llama-batched-bench.\n\n%s",
                format_options(specs).c_str());
    return kExitOk;
  }
  auto path = args.get("model");
  if (!path) throw InvalidInputError("--model is required (see --help)");
  BenchSettings s;
  s.n_prompt = args.get_int("n-prompt", 512);
  s.n_gen = args.get_int("n-gen", 128);
  s.n_batch = args.get_int("batch-size", 512);
  s.n_threads = static_cast<int>(args.get_int("threads", std::max(1u, std::thread::hardware_concurrency())));
  s.reps = static_cast<int>(args.get_int("repetitions", 5));
  s.kv_type = kv::parse_kv_type(args.get_or("kv-type", "f16"));
  if (s.n_prompt < 0 || s.n_gen < 0 || s.n_prompt > 1 << 20 || s.n_gen > 1 << 20) {
    throw InvalidInputError("-p/-n: expected 0..1048576 tokens");
  }
  if (s.n_batch < 1) throw InvalidInputError("-b: expected >= 1, got " + std::to_string(s.n_batch));
  if (s.n_threads < 1 || s.n_threads > 1024) throw InvalidInputError("-t: expected 1..1024, got " + std::to_string(s.n_threads));
  if (s.reps < 1) throw InvalidInputError("-r: expected >= 1, got " + std::to_string(s.reps));
  model::LoadOptions options;
  if (auto d = args.get("dtype")) options.dtype = model::parse_dtype(*d);

  std::vector<int64_t> parallel;
  if (auto list = args.get("parallel")) {
    for (long long n : parse_int_list("parallel", *list, "sequence counts", 1, 4096)) parallel.push_back(n);
  }
  if (!parallel.empty()) {
    if (!args.get("batch-size")) s.n_batch = 2048;  // llama-batched-bench's default
    if (s.n_prompt + s.n_gen < 1) throw InvalidInputError("--parallel: -p + -n must be at least 1");
  }

  model::Qwen2Model m = model::Qwen2Model::load(*path, options);
  if (!parallel.empty()) return bench_parallel(m, s, parallel, args.has("json"));
  kernels::ThreadPool pool(s.n_threads);
  kv::KvCache cache(m.kv_cache_options(std::max<int64_t>({s.n_prompt, s.n_gen, 1}), 1, s.kv_type));
  std::mt19937 rng(1234);

  std::vector<BenchResult> results;
  for (auto [p, n] : {std::pair<int64_t, int64_t>{s.n_prompt, 0}, {0, s.n_gen}}) {
    if (p == 0 && n == 0) continue;
    BenchResult r;
    r.n_prompt = p;
    r.n_gen = n;
    r.test_time = iso_time_now();
    run_once(m, cache, pool, s, p, n, rng);  // warm-up: pages the weights in, settles the threads
    for (int i = 0; i < s.reps; ++i) r.samples_ns.push_back(run_once(m, cache, pool, s, p, n, rng));
    results.push_back(std::move(r));
  }

  const std::string type_name = m.weight_type_name();
  const std::string model_type = "qwen2 " + params_label(m.config().n_params()) + " " + type_name;
  nlohmann::ordered_json records = nlohmann::ordered_json::array();
  for (const auto& r : results) {
    std::vector<double> ns, ts;
    for (uint64_t x : r.samples_ns) {
      ns.push_back(static_cast<double>(x));
      ts.push_back(1e9 * static_cast<double>(r.n_prompt + r.n_gen) / static_cast<double>(x));
    }
    nlohmann::ordered_json j;
    j["build_commit"] = "hirelm";
    j["build_number"] = 0;
    j["cpu_info"] = std::string("CPU (") + std::string(kernels::isa_name(kernels::active_isa())) + ")";
    j["gpu_info"] = "";
    j["backends"] = "CPU";
    j["model_filename"] = *path;
    j["model_type"] = model_type;
    j["model_size"] = m.weight_bytes();
    j["model_n_params"] = m.config().n_params();
    j["n_batch"] = s.n_batch;
    j["n_ubatch"] = s.n_batch;
    j["n_threads"] = s.n_threads;
    j["type_k"] = kv::kv_type_name(s.kv_type);
    j["type_v"] = kv::kv_type_name(s.kv_type);
    j["n_gpu_layers"] = 0;
    j["flash_attn"] = false;
    j["use_mmap"] = true;
    j["embeddings"] = false;
    j["n_prompt"] = r.n_prompt;
    j["n_gen"] = r.n_gen;
    j["n_depth"] = 0;
    j["test_time"] = r.test_time;
    j["avg_ns"] = static_cast<uint64_t>(mean(ns));
    j["stddev_ns"] = static_cast<uint64_t>(stddev(ns));
    j["avg_ts"] = mean(ts);
    j["stddev_ts"] = stddev(ts);
    j["samples_ns"] = r.samples_ns;
    j["samples_ts"] = ts;
    records.push_back(std::move(j));
  }
  if (args.has("json")) {
    std::printf("%s\n", records.dump(2).c_str());
    return kExitOk;
  }
  std::printf("| model | size | params | backend | threads | test | t/s |\n");
  std::printf("| --- | ---: | ---: | --- | ---: | ---: | ---: |\n");
  for (const auto& j : records) {
    int64_t p = j["n_prompt"], n = j["n_gen"];
    std::string test = p > 0 ? "pp" + std::to_string(p) : "tg" + std::to_string(n);
    std::printf("| %s | %.2f MiB | %s | CPU | %d | %s | %.2f ± %.2f |\n", model_type.c_str(),
                static_cast<double>(m.weight_bytes()) / (1024.0 * 1024.0), params_label(m.config().n_params()).c_str(),
                s.n_threads, test.c_str(), j["avg_ts"].get<double>(), j["stddev_ts"].get<double>());
  }
  return kExitOk;
}

}  // namespace

HIRELM_COMMAND(bench, "bench", "measure prompt processing and generation speed (llama-bench style)", bench_main);

}  // namespace hirelm::cli
