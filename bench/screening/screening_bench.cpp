// screening_bench: screening throughput of the whole pipeline (profile -> score -> feedback) on a
// real-shape model, in resumes per hour, with the engine's continuous batching against one request
// at a time, and the prefix-cache hit rate.
//
// Random weights stop at random, so every generation runs to a fixed length (ignore_eos): by default
// 250 tokens for the profile, 600 per score sample and 300 for the feedback (issue #8's realistic
// sizes). Their text is random, so the answers the pipeline parses are replaced by a fixed valid profile,
// a boxed score and a feedback paragraph after generation; the JSON-schema constraint is dropped (with
// random weights the answer after </think> is never reached, so it would cost nothing anyway; its cost
// is measured by structured_bench). Everything else is the product path: intake of the resume files, the
// zh/en prompt templates, untrusted encoding, the SQLite store, samples with derived seeds.
//
// The resumes are synthetic, half Chinese and half English, padded to --resume-tokens tokens so that a
// scoring prompt (job description + rubric + resume) is about 1,500 tokens.
//
//   screening_bench --model /tmp/r1-q8.gguf -t 2 [--resumes 20] [--samples 3] [--lengths 250,600,300]
//                   [--resume-tokens 1150] [--mode both|batched|serial] [--json]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "engine/engine.h"
#include "llm/engine_language_model.h"
#include "screening/job/job.h"
#include "screening/pipeline/progress.h"
#include "screening/pipeline/screening_pipeline.h"
#include "screening/scoring/prompt_template.h"
#include "screening/store/store.h"
#include "util/check.h"
#include "util/error.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace hirelm {
namespace {

struct Lengths {
  int64_t profile = 250, score = 600, feedback = 300;
};

// Token counts of one mode's run, summed over every response.
struct Totals {
  int64_t requests = 0, prompt = 0, cached = 0, generated = 0;
};

// Runs every request to its fixed length and hands the pipeline parseable answers. `serial` sends one
// request at a time instead of the whole batch. The stage is told apart by the request: the profile
// carries a JSON schema, the score asks for Lengths::score tokens, the feedback for Lengths::feedback.
class FixedLengthModel : public llm::LanguageModel {
 public:
  FixedLengthModel(llm::LanguageModel& inner, Lengths lengths, bool serial)
      : inner_(inner), lengths_(lengths), serial_(serial) {}

  void complete(const std::vector<llm::ChatRequest>& requests, const llm::CompletionCallback& on_done) override {
    std::vector<llm::ChatRequest> fixed = requests;
    std::vector<Stage> stages;
    for (auto& r : fixed) {
      stages.push_back(stage_of(r));
      r.ignore_eos = true;
      r.json_schema.clear();
    }
    auto done = [&](size_t i, const llm::ChatResponse& response) {
      {
        std::lock_guard lock(mutex_);
        ++totals_.requests;
        totals_.prompt += response.prompt_tokens;
        totals_.cached += response.cached_tokens;
        totals_.generated += response.completion_tokens;
      }
      llm::ChatResponse answer = response;
      if (response.ok()) answer.content = canned_answer(stages[i]);
      on_done(i, answer);
    };
    if (!serial_) {
      inner_.complete(fixed, done);
      return;
    }
    for (size_t i = 0; i < fixed.size(); ++i) {
      inner_.complete({fixed[i]}, [&](size_t, const llm::ChatResponse& r) { done(i, r); });
    }
  }
  std::string model_id() const override { return inner_.model_id(); }
  Totals totals() const { return totals_; }

 private:
  enum class Stage { kProfile, kScore, kFeedback };
  Stage stage_of(const llm::ChatRequest& r) const {
    if (!r.json_schema.empty()) return Stage::kProfile;
    if (r.max_tokens == lengths_.score) return Stage::kScore;
    HIRELM_CHECK(r.max_tokens == lengths_.feedback);
    return Stage::kFeedback;
  }
  static std::string canned_answer(Stage stage) {
    switch (stage) {
      case Stage::kProfile:
        return json{{"name", "Candidate"},
                    {"email", nullptr},
                    {"phone", nullptr},
                    {"years_of_experience", 5},
                    {"highest_degree", "本科"},
                    {"degree_raw", "B.Sc."},
                    {"tech_stack", {{"languages", {"C++", "Python"}}, {"frameworks", {"gRPC"}}}},
                    {"projects", {{{"name", "Matching engine"}, {"summary", "low-latency order matching"}}}},
                    {"education", json::array()},
                    {"work_history", json::array()}}
            .dump();
      case Stage::kScore:
        return "skills: 7\nexperience: 6\neducation: 7\nmust_have 1: pass\nmust_have 2: pass\nFinal score: \\boxed{7}\n";
      case Stage::kFeedback:
        return "Thank you for your application. Your C++ background is a strength; deepening Linux tuning "
               "experience would help. We see clear potential.";
    }
    return "";
  }

  llm::LanguageModel& inner_;
  Lengths lengths_;
  bool serial_;
  std::mutex mutex_;
  Totals totals_;
};

// One synthetic resume of about `target_tokens` tokens: a header, then work-history and project
// paragraphs that vary with `index`, repeated until the target is reached.
std::string synth_resume(const Tokenizer& tok, int index, int64_t target_tokens) {
  const bool zh = index % 2 == 0;
  const char* companies[] = {"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell"};
  const char* skills[] = {"C++17", "Rust", "Go", "Python", "Linux", "gRPC", "Kafka", "Redis", "PostgreSQL", "DPDK"};
  std::string text;
  if (zh) {
    text = "个人简历\n姓名：候选人" + std::to_string(index) + "\n邮箱：cand" + std::to_string(index) +
           "@example.com\n电话：138-0000-" + std::to_string(1000 + index) + "\n学历：本科，计算机科学\n\n工作经历\n";
  } else {
    text = "Curriculum Vitae\nName: Candidate " + std::to_string(index) + "\nEmail: cand" + std::to_string(index) +
           "@example.com\nPhone: +1 555 01" + std::to_string(10 + index) + "\nEducation: B.Sc. Computer Science\n\nExperience\n";
  }
  for (int k = 0; static_cast<int64_t>(tok.encode(text).size()) < target_tokens; ++k) {
    const int year = 2010 + (index + k) % 12;
    const std::string company = companies[(index + k) % 8];
    const std::string a = skills[(index + 2 * k) % 10], b = skills[(index + 3 * k + 1) % 10];
    if (zh) {
      text += std::to_string(year) + "年3月 - " + std::to_string(year + 2) + "年6月  " + company +
              " 公司，后端开发工程师：负责" + a + " 与 " + b + " 服务的设计与实现，优化撮合延迟 " +
              std::to_string(10 + k) + "%，参与线上故障排查与容量规划，带领 " + std::to_string(2 + k % 5) +
              " 人小组完成行情系统重构。\n";
    } else {
      text += "Mar " + std::to_string(year) + " - Jun " + std::to_string(year + 2) + "  " + company +
              ", backend engineer: designed and built " + a + " and " + b + " services, cut matching latency by " +
              std::to_string(10 + k) + "%, handled on-call incidents and capacity planning, and led a team of " +
              std::to_string(2 + k % 5) + " through a market-data rewrite.\n";
    }
  }
  return text;
}

struct ModeResult {
  std::string mode;
  double seconds = 0;
  Totals totals;
  size_t scored = 0;
};

ModeResult run_mode(const std::string& mode, engine::Engine& engine, const screening::Job& job,
                    const std::vector<std::string>& paths, const fs::path& dir, const Lengths& lengths, int samples) {
  llm::EngineLanguageModel engine_model(engine, "engine:bench");
  FixedLengthModel model(engine_model, lengths, mode == "serial");
  store::Store db((dir / ("bench-" + mode + ".db")).string());
  screening::Progress progress(stderr, false);
  screening::PipelineOptions options;
  options.samples = samples;
  options.prompts_dir = screening::default_prompts_dir();
  options.job_path = (dir / "job.md").string();
  options.actor = "screening_bench";
  options.profile_max_tokens = lengths.profile;
  options.score_max_tokens = lengths.score;
  options.feedback_max_tokens = lengths.feedback;
  screening::ScreeningPipeline pipeline(job, model, db, progress, options);
  const auto t0 = std::chrono::steady_clock::now();
  const screening::PipelineReport report = pipeline.run(paths);
  ModeResult r;
  r.mode = mode;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.totals = model.totals();
  for (const auto& c : report.candidates) r.scored += c.status == "scored";
  return r;
}

int bench_main(int argc, char** argv) {
  const std::vector<cli::OptionSpec> specs = {
      {"model", "m", true, false, "real-shape model (.gguf or HF directory)"},
      {"threads", "t", true, false, "compute threads (default 2)"},
      {"resumes", "", true, false, "synthetic resumes (default 20)"},
      {"samples", "", true, false, "scoring samples per resume (default 3)"},
      {"lengths", "", true, false, "generated tokens profile,score,feedback (default 250,600,300)"},
      {"resume-tokens", "", true, false, "tokens per synthetic resume (default 1150: ~1,500-token scoring prompts)"},
      {"mode", "", true, false, "both, batched or serial (default both)"},
      {"json", "", false, false, "print one JSON object"},
  };
  cli::Args args(specs, argc, argv, 1);
  const auto model_path = args.get("model");
  if (!model_path) throw InvalidInputError("--model is required");
  const int n_resumes = static_cast<int>(args.get_int("resumes", 20));
  const int samples = static_cast<int>(args.get_int("samples", 3));
  Lengths lengths;
  if (auto l = args.get("lengths")) {
    const auto v = cli::parse_int_list("lengths", *l, "token counts", 1, 100000);
    if (v.size() != 3 || v[1] == v[2]) throw InvalidInputError("--lengths: expected PROFILE,SCORE,FEEDBACK with SCORE != FEEDBACK");
    lengths = {v[0], v[1], v[2]};
  }
  const std::string mode = args.get_or("mode", "both");
  if (mode != "both" && mode != "batched" && mode != "serial") throw InvalidInputError("--mode: expected both, batched or serial");

  engine::EngineOptions eo;
  eo.threads = static_cast<int>(args.get_int("threads", 2));
  eo.ctx = 4096;
  engine::Engine engine = engine::Engine::load(*model_path, eo);

  const fs::path dir = fs::temp_directory_path() / ("hirelm_screening_bench_" + std::to_string(::getpid()));
  fs::create_directories(dir / "resumes");
  fs::copy_file(fs::path(HIRELM_SOURCE_DIR) / "examples/screening/job.md", dir / "job.md");
  const screening::Job job = screening::load_job((dir / "job.md").string());
  std::vector<std::string> paths;
  const int64_t resume_tokens = args.get_int("resume-tokens", 1150);
  for (int i = 0; i < n_resumes; ++i) {
    const fs::path p = dir / "resumes" / ("resume_" + std::to_string(i) + ".txt");
    std::ofstream(p) << synth_resume(engine.tokenizer(), i, resume_tokens);
    paths.push_back(p.string());
  }

  std::vector<ModeResult> results;
  for (const std::string m : {"batched", "serial"}) {
    if (mode != "both" && mode != m) continue;
    std::fprintf(stderr, "screening_bench: %s, %d resumes, %d samples\n", m.c_str(), n_resumes, samples);
    results.push_back(run_mode(m, engine, job, paths, dir, lengths, samples));
  }
  fs::remove_all(dir);

  json out = {{"model", *model_path}, {"threads", eo.threads}, {"resumes", n_resumes}, {"samples", samples},
              {"lengths", {lengths.profile, lengths.score, lengths.feedback}}, {"modes", json::array()}};
  for (const auto& r : results) {
    const Totals& t = r.totals;
    out["modes"].push_back({{"mode", r.mode},
                            {"seconds", r.seconds},
                            {"resumes_per_hour", 3600.0 * n_resumes / r.seconds},
                            {"scored", r.scored},
                            {"requests", t.requests},
                            {"prompt_tokens", t.prompt},
                            {"mean_prompt_tokens", t.requests ? static_cast<double>(t.prompt) / t.requests : 0.0},
                            {"cached_prompt_tokens", t.cached},
                            {"prefix_cache_hit_rate", t.prompt ? static_cast<double>(t.cached) / t.prompt : 0.0},
                            {"generated_tokens", t.generated},
                            {"generated_per_second", t.generated / r.seconds}});
  }
  if (args.has("json")) {
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::printf("%-8s %8s %12s %8s %14s %11s %12s %9s\n", "mode", "resumes", "resumes/h", "wall s", "prompt tokens",
              "mean/req", "cache hit", "gen t/s");
  for (const auto& m : out["modes"]) {
    std::printf("%-8s %8d %12.1f %8.0f %14lld %11.0f %11.1f%% %9.2f\n", m["mode"].get<std::string>().c_str(), n_resumes,
                m["resumes_per_hour"].get<double>(), m["seconds"].get<double>(), m["prompt_tokens"].get<long long>(),
                m["mean_prompt_tokens"].get<double>(), 100 * m["prefix_cache_hit_rate"].get<double>(),
                m["generated_per_second"].get<double>());
  }
  if (results.size() == 2) {
    std::printf("batched / serial: %.2fx\n", results[1].seconds / results[0].seconds);
  }
  return 0;
}

}  // namespace
}  // namespace hirelm

int main(int argc, char** argv) {
  try {
    return hirelm::bench_main(argc, argv);
  } catch (const hirelm::Error& e) {
    std::fprintf(stderr, "screening_bench: %s\n", e.what());
    return hirelm::exit_code_for(e.kind());
  }
}
