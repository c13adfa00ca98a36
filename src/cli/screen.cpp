// `hirelm screen --job FILE --resumes DIR|FILE... [--out F.csv|.json|.xlsx] [--llm-url URL]... [--samples N]
// [--db FILE] [--blind] [--lang zh|en]`: screens a batch of resumes against a job (contract in
// docs/architecture.md, behaviour in docs/screening.md). The model is in-process (--model) unless --llm-url
// names OpenAI-compatible servers. Progress goes to stderr, the ranked table to stdout.
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/generation_options.h"
#include "engine/engine.h"
#include "llm/engine_language_model.h"
#include "llm/openai_client.h"
#include "screening/export/export.h"
#include "screening/job/job.h"
#include "screening/pipeline/progress.h"
#include "screening/pipeline/resume_files.h"
#include "screening/pipeline/screening_pipeline.h"
#include "screening/scoring/prompt_template.h"
#include "screening/store/store.h"
#include "util/error.h"

namespace hirelm::cli {
namespace {

std::vector<OptionSpec> screen_specs() {
  std::vector<OptionSpec> specs = engine_option_specs();
  specs.push_back({"job", "", true, false, "job description file (Markdown/text, optional front matter)"});
  specs.push_back({"resumes", "", true, true, "resume file or directory (repeatable; directories are walked)"});
  specs.push_back({"out", "o", true, false, "export file: .csv (UTF-8 with BOM), .json or .xlsx"});
  specs.push_back({"llm-url", "", true, true, "OpenAI-compatible server base URL (repeatable: requests are spread)"});
  specs.push_back({"llm-model", "", true, false, "model name sent to --llm-url servers"});
  specs.push_back({"llm-concurrency", "", true, false, "requests in flight to --llm-url servers (default 4)"});
  specs.push_back({"llm-timeout", "", true, false, "seconds per --llm-url request (default 600)"});
  specs.push_back({"samples", "", true, false, "scoring samples per candidate (default 3)"});
  specs.push_back({"max-tokens", "", true, false,
                   "generated-token limits profile,score,feedback (default 1536,3072,1536; reasoning included)"});
  specs.push_back({"seed", "s", true, false, "base seed; sample seeds derive from it (default 20250101)"});
  specs.push_back({"db", "", true, false, "SQLite store (default ./hirelm.db)"});
  specs.push_back({"blind", "", false, false, "redact name, contact, gender, age, birth date, photo, marital status before scoring"});
  specs.push_back({"lang", "", true, false, "prompt and feedback language: zh or en (default: each resume's own)"});
  specs.push_back({"prompts", "", true, false, "prompt template directory (default: $HIRELM_PROMPTS or the shipped prompts/)"});
  specs.push_back({"no-ocr", "", false, false, "do not OCR images and scanned PDFs"});
  specs.push_back({"quiet", "q", false, false, "no progress output"});
  specs.push_back({"help", "h", false, false, "show this help"});
  return specs;
}

int screen_main(int argc, char** argv) {
  const auto specs = screen_specs();
  Args args(specs, argc, argv, 2);
  if (args.has("help")) {
    std::printf("usage: hirelm screen --job FILE --resumes DIR|FILE... [--out F.csv|.json|.xlsx] [--llm-url URL]\n"
                "                     [--samples N] [--max-tokens P,S,F] [--db FILE] [--blind] [--lang zh|en] [--model PATH]\n\n"
                "Profiles, scores and writes feedback for every resume; resumable (rerun the same command).\n\n%s",
                format_options(specs).c_str());
    return kExitOk;
  }
  if (!args.positionals().empty()) throw InvalidInputError("unexpected argument '" + args.positionals()[0] + "' (resumes go in --resumes)");
  const auto job_path = args.get("job");
  if (!job_path) throw InvalidInputError("--job is required (see --help)");
  const auto resume_inputs = args.get_all("resumes");
  if (resume_inputs.empty()) throw InvalidInputError("--resumes is required (see --help)");
  const std::string lang = args.get_or("lang", "");
  if (!lang.empty() && lang != "zh" && lang != "en") throw InvalidInputError("--lang: expected zh or en, got '" + lang + "'");
  const std::string out = args.get_or("out", "");
  if (!out.empty()) {
    const auto dot = out.rfind('.');
    std::string ext = dot == std::string::npos ? "" : out.substr(dot);
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext != ".csv" && ext != ".json" && ext != ".xlsx") {
      throw InvalidInputError("--out: expected a .csv, .json or .xlsx file, got '" + out + "'");
    }
  }

  screening::PipelineOptions options;
  options.samples = static_cast<int>(args.get_int("samples", 3));
  if (options.samples < 1 || options.samples > 20) {
    throw InvalidInputError("--samples: expected 1..20, got " + std::to_string(options.samples));
  }
  if (auto limits = args.get("max-tokens")) {
    const auto counts = parse_int_list("max-tokens", *limits, "token counts", 1, 1000000);
    if (counts.size() != 3) {
      throw InvalidInputError("--max-tokens: expected three counts PROFILE,SCORE,FEEDBACK, got '" + *limits + "'");
    }
    options.profile_max_tokens = counts[0];
    options.score_max_tokens = counts[1];
    options.feedback_max_tokens = counts[2];
  }
  options.seed = static_cast<uint64_t>(args.get_int("seed", 20250101));
  options.blind = args.has("blind");
  options.lang = lang;
  options.prompts_dir = args.get_or("prompts", screening::default_prompts_dir());
  options.job_path = *job_path;
  const char* user = std::getenv("USER");
  options.actor = user && *user ? user : "unknown";
  options.extract.enable_ocr = !args.has("no-ocr");

  const screening::Job job = screening::load_job(*job_path);
  const std::vector<std::string> paths = screening::expand_resume_paths(resume_inputs);
  if (paths.empty()) throw InvalidInputError("--resumes: no files found");

  std::unique_ptr<llm::LanguageModel> model;
  std::unique_ptr<engine::Engine> engine;
  const auto urls = args.get_all("llm-url");
  if (!urls.empty()) {
    if (args.has("model")) throw InvalidInputError("--model and --llm-url are exclusive");
    llm::OpenAiClientOptions o;
    o.urls = urls;
    if (const char* key = std::getenv("HIRELM_LLM_API_KEY")) o.api_key = key;
    if (o.api_key.empty()) {
      if (const char* key = std::getenv("OPENAI_API_KEY")) o.api_key = key;
    }
    o.model = args.get_or("llm-model", o.model);
    o.concurrency = static_cast<int>(args.get_int("llm-concurrency", 4));
    o.timeout_s = args.get_double("llm-timeout", 600);
    model = std::make_unique<llm::OpenAiClient>(o);
  } else {
    const std::string spec = model_spec_from(args);
    engine = std::make_unique<engine::Engine>(engine::Engine::load(spec, engine_options_from(args)));
    model = std::make_unique<llm::EngineLanguageModel>(*engine, "engine:" + spec);
  }

  store::Store db(args.get_or("db", "hirelm.db"));
  screening::Progress progress(args.has("quiet") ? nullptr : stderr, ::isatty(::fileno(stderr)) != 0);
  screening::ScreeningPipeline pipeline(job, *model, db, progress, options);
  const screening::PipelineReport report = pipeline.run(paths);

  const std::string table = screening::format_ranked_table(report.candidates);
  std::fwrite(table.data(), 1, table.size(), stdout);
  if (!out.empty()) {
    exports::write_export(out, exports::ExportJob{job.title, *job_path}, report.candidates);
    std::fprintf(stderr, "hirelm screen: wrote %s\n", out.c_str());
  }
  size_t errors = 0;
  for (const auto& c : report.candidates) errors += c.status == "error";
  if (!args.has("quiet")) {
    std::fprintf(stderr, "hirelm screen: %zu candidates (%zu bad files), %zu stage results computed, %zu reused, %zu model requests",
                 report.candidates.size(), errors, report.redone_stages, report.reused_stages, report.llm_requests);
    if (report.prompt_tokens > 0) {
      std::fprintf(stderr, ", prefix cache %.0f%% of %lld prompt tokens",
                   100.0 * static_cast<double>(report.cached_prompt_tokens) / static_cast<double>(report.prompt_tokens),
                   static_cast<long long>(report.prompt_tokens));
    }
    std::fprintf(stderr, "\n");
  }
  if (report.model_errors > 0) {
    // The model failed for some candidates (server down, HTTP errors, timeouts): their other results are
    // stored and exported; the next run of the same command redoes only what failed.
    std::fprintf(stderr,
                 "hirelm screen: %zu candidate%s got no answer from the model (first error: %s); their results are "
                 "incomplete. Rerun the same command to retry them.\n",
                 report.model_errors, report.model_errors == 1 ? "" : "s", report.first_model_error.c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

HIRELM_COMMAND(screen, "screen", "screen a batch of resumes against a job: profile, score, feedback, export", screen_main);

}  // namespace hirelm::cli
