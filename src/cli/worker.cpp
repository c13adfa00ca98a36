// `hirelm worker --db SPEC (--llm-url URL... [--llm-key K] | --model PATH [engine flags]) [--concurrency N]
// [--lease-seconds S] [--worker-id ID] [--once]`: processes screen_document tasks from the durable queue
// (docs/screening.md "Workers and the queue"). Any number of workers may share one database (a SQLite file on
// one machine, PostgreSQL across machines). SIGINT/SIGTERM stop it gracefully: tasks in flight finish first.
// Progress lines go to stderr. Exit codes: 0 stopped or (--once) the queue is empty; 1 a runtime failure
// (database unreachable at start, a setup error that stopped the worker); 2 bad usage or input.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/generation_options.h"
#include "engine/engine.h"
#include "llm/engine_language_model.h"
#include "llm/openai_client.h"
#include "screening/queue/task_queue.h"
#include "screening/scoring/prompt_template.h"
#include "screening/worker/worker.h"
#include "util/error.h"

namespace hirelm::cli {
namespace {

volatile std::sig_atomic_t g_signalled = 0;

void on_signal(int) { g_signalled = 1; }

std::vector<OptionSpec> worker_specs() {
  std::vector<OptionSpec> specs = engine_option_specs();
  specs.push_back({"db", "", true, false, "database: SQLite file or postgresql:// URL (default ./hirelm.db)"});
  specs.push_back({"llm-url", "", true, true, "OpenAI-compatible server base URL (repeatable: requests are spread)"});
  specs.push_back({"llm-key", "", true, false, "API key for --llm-url (default $HIRELM_LLM_API_KEY or $OPENAI_API_KEY)"});
  specs.push_back({"llm-model", "", true, false, "model name sent to --llm-url servers"});
  specs.push_back({"llm-concurrency", "", true, false, "requests in flight per task to --llm-url servers (default 4)"});
  specs.push_back({"llm-timeout", "", true, false, "seconds per --llm-url request (default 600)"});
  specs.push_back({"llm-retries", "", true, false, "retries of a failed --llm-url request before the task fails (default 3)"});
  specs.push_back({"concurrency", "c", true, false, "tasks in flight at once (default 1)"});
  specs.push_back({"lease-seconds", "", true, false, "task lease; a dead worker's task is taken over after it (default 60)"});
  specs.push_back({"worker-id", "", true, false, "lease owner name (default host:pid)"});
  specs.push_back({"prompts", "", true, false, "prompt template directory (default: $HIRELM_PROMPTS or the shipped prompts/)"});
  specs.push_back({"once", "", false, false, "exit when no task is queued or leased"});
  specs.push_back({"help", "h", false, false, "show this help"});
  return specs;
}

int worker_main(int argc, char** argv) {
  const auto specs = worker_specs();
  Args args(specs, argc, argv, 2);
  if (args.has("help")) {
    std::printf("usage: hirelm worker --db SPEC (--llm-url URL | --model PATH) [--concurrency N] [--lease-seconds S]\n"
                "                     [--worker-id ID] [--once]\n\n"
                "Processes screen_document tasks from the durable queue until SIGINT/SIGTERM (or, with --once,\n"
                "until the queue is empty). Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input.\n\n%s",
                format_options(specs).c_str());
    return kExitOk;
  }
  if (!args.positionals().empty()) throw InvalidInputError("unexpected argument '" + args.positionals()[0] + "'");

  worker::WorkerOptions options;
  options.db_spec = args.get_or("db", "hirelm.db");
  options.worker_id = args.get_or("worker-id", "");
  options.concurrency = static_cast<int>(args.get_int("concurrency", 1));
  options.lease_seconds = args.get_int("lease-seconds", 60);
  options.prompts_dir = args.get_or("prompts", screening::default_prompts_dir());
  options.once = args.has("once");

  std::unique_ptr<llm::LanguageModel> model;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<llm::LanguageModel> engine_model;
  const auto urls = args.get_all("llm-url");
  if (!urls.empty()) {
    if (args.has("model")) throw InvalidInputError("--model and --llm-url are exclusive");
    llm::OpenAiClientOptions o;
    o.urls = urls;
    o.api_key = args.get_or("llm-key", "");
    for (const char* var : {"HIRELM_LLM_API_KEY", "OPENAI_API_KEY"}) {
      if (const char* key = std::getenv(var); o.api_key.empty() && key) o.api_key = key;
    }
    o.model = args.get_or("llm-model", o.model);
    o.concurrency = static_cast<int>(args.get_int("llm-concurrency", 4));
    o.timeout_s = args.get_double("llm-timeout", 600);
    o.max_retries = static_cast<int>(args.get_int("llm-retries", 3));
    if (o.max_retries < 0 || o.max_retries > 100) {
      throw InvalidInputError("--llm-retries: expected 0..100, got " + std::to_string(o.max_retries));
    }
    model = std::make_unique<llm::OpenAiClient>(o);
  } else {
    if (!args.has("model")) throw InvalidInputError("give --llm-url URL or --model PATH (see --help)");
    const std::string spec = model_spec_from(args);
    engine = std::make_unique<engine::Engine>(engine::Engine::load(spec, engine_options_from(args)));
    engine_model = std::make_unique<llm::EngineLanguageModel>(*engine, "engine:" + spec);
    // The in-process engine takes one batch at a time; the worker's threads share it in turn.
    model = std::make_unique<worker::SerializedLanguageModel>(*engine_model);
  }

  // Open (and migrate) the database once up front, so an unreachable one fails the command at once.
  { queue::TaskQueue probe(options.db_spec); }

  worker::Worker w(options, *model);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  std::fprintf(stderr, "[worker %s] started: %d thread%s, lease %llds, db %s\n", w.worker_id().c_str(),
               options.concurrency, options.concurrency == 1 ? "" : "s",
               static_cast<long long>(options.lease_seconds), db::redact_spec(options.db_spec).c_str());
  w.start();
  std::atomic<bool> finished{false};
  std::thread waiter([&] {
    w.wait();
    finished = true;
  });
  while (!finished.load()) {
    if (g_signalled) {
      std::fprintf(stderr, "[worker %s] stopping: finishing tasks in flight\n", w.worker_id().c_str());
      w.stop();
      g_signalled = 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  waiter.join();
  const worker::WorkerStats s = w.stats();
  std::fprintf(stderr, "[worker %s] stopped: %lld done, %lld retried, %lld failed, %lld dropped\n",
               w.worker_id().c_str(), static_cast<long long>(s.done), static_cast<long long>(s.retried),
               static_cast<long long>(s.failed), static_cast<long long>(s.dropped));
  if (!w.error().empty()) {
    std::fprintf(stderr, "hirelm worker: %s\n", w.error().c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

HIRELM_COMMAND(worker, "worker", "process screening tasks from the durable queue (SQLite or PostgreSQL)", worker_main);

}  // namespace hirelm::cli
