// `hirelm serve`: the OpenAI-compatible HTTP API (src/server), the screening REST API and web UI (src/api,
// src/web) over the database --db, and an embedded screening worker (src/screening/worker, --workers N
// threads; 0 = API only, for when separate `hirelm worker` processes do the work). The server listens first,
// so /health answers 503 while the model loads; then it logs "ready on http://HOST:PORT" and serves until
// SIGINT/SIGTERM. Requests run through the continuous-batching scheduler (SchedulerBackend) unless
// --serial-backend asks for one request at a time through Engine::generate (SerialBackend).
//
// The model: with --model, the embedded worker asks the server's own /v1 over loopback, so its requests share
// the continuous-batching scheduler with API users. With --llm-url, the worker asks those servers and --model is
// optional (without it, /v1 routes answer 503).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <unistd.h>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/generation_options.h"
#include "llm/openai_client.h"
#include "screening/queue/task_queue.h"
#include "screening/scoring/prompt_template.h"
#include "screening/worker/worker.h"
#include "server/openai_server.h"
#include "server/scheduler_backend.h"
#include "server/serial_backend.h"
#include "util/error.h"

#if __has_include("api/screening_api.h")
#include "api/screening_api.h"
#define HIRELM_HAVE_SCREENING_API 1
#endif

namespace hirelm::cli {
namespace {

std::vector<OptionSpec> serve_specs() {
  // The scheduler's defaults, stated once in SchedulerOptions.
  const engine::scheduler::SchedulerOptions defaults;
  const auto default_of = [](auto value) { return " (default " + std::to_string(value); };
  std::vector<OptionSpec> specs = engine_option_specs();
  specs.push_back({"host", "", true, false, "address to listen on (default 0.0.0.0)"});
  specs.push_back({"port", "", true, false, "port (default 8000; 0 = any free port)"});
  specs.push_back({"api-key", "", true, true, "require 'Authorization: Bearer KEY' (repeatable)"});
  specs.push_back({"api-key-file", "", true, false, "file with one API key per line"});
  specs.push_back({"allowed-origins", "", true, true, "CORS origins, comma-separated, or *"});
  specs.push_back({"served-model-name", "", true, false, "model id the API reports (default: --model)"});
  specs.push_back({"max-body", "", true, false, "largest request body in bytes (default 8388608)"});
  specs.push_back({"max-waiting", "", true, false, "requests that may queue before 429 (default 64)"});
  specs.push_back({"max-num-seqs", "", true, false, "sequences batched together at most" + default_of(defaults.max_num_seqs) + ")"});
  specs.push_back({"max-num-batched-tokens", "", true, false,
                   "tokens in one forward pass at most; long prompts are prefilled in chunks" +
                       default_of(defaults.max_num_batched_tokens) + ")"});
  specs.push_back({"max-itl-ms", "", true, false,
                   "while streams decode, keep each step near this many ms by shrinking prompt chunks" +
                       default_of(std::lround(defaults.max_itl_seconds * 1000)) + "; 0 = off)"});
  specs.push_back({"kv-cache-memory", "", true, false,
                   "KV cache pool size, e.g. 2GiB or 512MiB (default: max-num-seqs contexts, at most half the free RAM)"});
  specs.push_back({"no-prefix-caching", "", false, false, "do not share KV blocks of equal prompt prefixes"});
  specs.push_back({"serial-backend", "", false, false, "run one request at a time (no batching, no KV pool)"});
  specs.push_back({"db", "", true, false, "screening database: SQLite file or postgresql:// URL (default ./hirelm.db)"});
  specs.push_back({"llm-url", "", true, true,
                   "OpenAI-compatible server(s) the screening worker asks (repeatable); --model becomes optional"});
  specs.push_back({"llm-key", "", true, false, "API key for --llm-url (default $HIRELM_LLM_API_KEY or $OPENAI_API_KEY)"});
  specs.push_back({"llm-model", "", true, false, "model name sent to --llm-url servers"});
  specs.push_back({"workers", "", true, false, "embedded screening worker threads (default 1; 0 = API only)"});
  specs.push_back({"lease-seconds", "", true, false, "screening task lease of the embedded worker (default 60)"});
  specs.push_back({"max-upload-bytes", "", true, false, "largest uploaded resume file in bytes (default 20971520)"});
  specs.push_back({"max-upload-files", "", true, false, "files per upload request, zip members included (default 500)"});
  specs.push_back({"prompts", "", true, false, "prompt template directory (default: $HIRELM_PROMPTS or the shipped prompts/)"});
  specs.push_back({"help", "h", false, false, "show this help"});
  return specs;
}

server::OpenAiServer* g_server = nullptr;

void on_signal(int) {
  if (g_server) g_server->stop();
}

// "2GiB", "512MiB", "1.5G", "300MB", "4096" (bytes) -> bytes. K/M/G/T and KiB/MiB/GiB/TiB are powers of
// 1024; KB/MB/GB/TB powers of 1000.
uint64_t parse_memory_size(const std::string& text) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string unit = text.substr(used);
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  double scale = 0;
  for (auto [name, factor] : std::initializer_list<std::pair<const char*, double>>{
           {"", 1}, {"b", 1}, {"k", 0x1p10}, {"kib", 0x1p10}, {"kb", 1e3}, {"m", 0x1p20}, {"mib", 0x1p20},
           {"mb", 1e6}, {"g", 0x1p30}, {"gib", 0x1p30}, {"gb", 1e9}, {"t", 0x1p40}, {"tib", 0x1p40}, {"tb", 1e12}}) {
    if (unit == name) scale = factor;
  }
  if (used == 0 || scale == 0 || !(value > 0) || !std::isfinite(value * scale)) {
    throw InvalidInputError("--kv-cache-memory: expected a size such as 2GiB or 512MiB, got '" + text + "'");
  }
  return static_cast<uint64_t>(value * scale);
}

// MemAvailable from /proc/meminfo in bytes; 0 when unknown.
uint64_t available_memory() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit) {
    if (key == "MemAvailable:") return kib * 1024;
  }
  return 0;
}

// The scheduler flags, checked before the model loads so that a typo fails at once. The KV pool is
// sized after the load (size_kv_pool), when the bytes of one block are known.
struct SchedulerFlags {
  engine::scheduler::SchedulerOptions options;  // kv_blocks not yet set
  std::optional<uint64_t> kv_cache_bytes;       // --kv-cache-memory
  std::string kv_cache_text;                    // as given, for messages
};

SchedulerFlags scheduler_flags(const Args& args) {
  SchedulerFlags f;
  engine::scheduler::SchedulerOptions& o = f.options;
  o.max_num_seqs = args.get_int("max-num-seqs", o.max_num_seqs);
  o.max_num_batched_tokens = args.get_int("max-num-batched-tokens", o.max_num_batched_tokens);
  o.prefix_caching = !args.has("no-prefix-caching");
  const int64_t itl_ms = args.get_int("max-itl-ms", static_cast<int64_t>(o.max_itl_seconds * 1000));
  if (itl_ms < 0 || itl_ms > 3600 * 1000) {
    throw InvalidInputError("--max-itl-ms: expected 0 (off) .. 3600000, got " + std::to_string(itl_ms));
  }
  o.max_itl_seconds = static_cast<double>(itl_ms) / 1000.0;
  if (o.max_num_seqs < 1 || o.max_num_seqs > 4096) {
    throw InvalidInputError("--max-num-seqs: expected 1..4096, got " + std::to_string(o.max_num_seqs));
  }
  if (o.max_num_batched_tokens < o.max_num_seqs || o.max_num_batched_tokens > (1 << 20)) {
    throw InvalidInputError("--max-num-batched-tokens: expected --max-num-seqs (" + std::to_string(o.max_num_seqs) +
                            ") .. 1048576, got " + std::to_string(o.max_num_batched_tokens));
  }
  if (auto memory = args.get("kv-cache-memory")) {
    f.kv_cache_bytes = parse_memory_size(*memory);
    f.kv_cache_text = *memory;
  }
  return f;
}

// The scheduler options with the KV pool in blocks: from --kv-cache-memory, or by default max-num-seqs
// whole contexts capped at half the free RAM, never less than one context.
engine::scheduler::SchedulerOptions size_kv_pool(const SchedulerFlags& flags, engine::Engine& engine) {
  engine::scheduler::SchedulerOptions o = flags.options;
  const kv::KvCacheOptions one = engine.model().kv_cache_options(engine.context_size(), 1, engine.kv_cache().options().type);
  const auto block_bytes = static_cast<uint64_t>(kv::kv_block_bytes(one));
  const int64_t context_blocks = one.n_blocks;
  int64_t blocks = 0;
  if (flags.kv_cache_bytes) {
    blocks = static_cast<int64_t>(*flags.kv_cache_bytes / block_bytes);
    if (blocks < context_blocks) {
      throw InvalidInputError("--kv-cache-memory " + flags.kv_cache_text + " holds " +
                              std::to_string(blocks * one.block_size) + " tokens, less than one context (--ctx " +
                              std::to_string(engine.context_size()) + ", " +
                              std::to_string(context_blocks * block_bytes >> 20) + " MiB); raise it or lower --ctx");
    }
  } else {
    blocks = context_blocks * o.max_num_seqs;
    if (const uint64_t free = available_memory(); free > 0) {
      blocks = std::min<int64_t>(blocks, static_cast<int64_t>(free / 2 / block_bytes));
    }
    blocks = std::max(blocks, context_blocks);
  }
  o.kv_blocks = blocks;
  std::fprintf(stderr, "KV cache: %lld blocks of %lld tokens (%llu MiB), max %lld sequences, %lld tokens per step "
               "(held near %.0f ms while streams decode), prefix caching %s\n", static_cast<long long>(blocks),
               static_cast<long long>(one.block_size),
               static_cast<unsigned long long>(static_cast<uint64_t>(blocks) * block_bytes >> 20),
               static_cast<long long>(o.max_num_seqs), static_cast<long long>(o.max_num_batched_tokens),
               o.max_itl_seconds * 1000, o.prefix_caching ? "on" : "off");
  return o;
}

// The LanguageModel of the embedded worker: the --llm-url servers, else this server's own /v1 over loopback
// (asking for the model by the name it serves, with its first API key).
std::unique_ptr<llm::LanguageModel> worker_model(const Args& args, const std::string& host, int port,
                                                 const server::ServerOptions& server) {
  llm::OpenAiClientOptions o;
  o.urls = args.get_all("llm-url");
  if (o.urls.empty()) {
    const std::string local = host == "0.0.0.0" || host == "::" || host.empty() ? "127.0.0.1" : host;
    o.urls = {"http://" + (local.find(':') != std::string::npos ? "[" + local + "]" : local) + ":" + std::to_string(port)};
    o.model = server.served_model_name;
    if (!server.api_keys.empty()) o.api_key = server.api_keys.front();
    o.concurrency = 16;  // the scheduler batches them
  } else {
    o.api_key = args.get_or("llm-key", "");
    for (const char* var : {"HIRELM_LLM_API_KEY", "OPENAI_API_KEY"}) {
      if (const char* key = std::getenv(var); o.api_key.empty() && key) o.api_key = key;
    }
    o.model = args.get_or("llm-model", o.model);
  }
  return std::make_unique<llm::OpenAiClient>(o);
}

int serve_main(int argc, char** argv) {
  const auto specs = serve_specs();
  Args args(specs, argc, argv, 2);
  if (args.has("help")) {
    std::printf("usage: hirelm serve (--model PATH | --llm-url URL) [--db SPEC] [--workers N] [options]\n\n"
                "Serves the OpenAI-compatible API, the screening API and web UI, and screens queued resumes.\n\n%s",
                format_options(specs).c_str());
    return kExitOk;
  }
  if (!args.positionals().empty()) throw InvalidInputError("unexpected argument '" + args.positionals()[0] + "'");
  const bool local_model = args.has("model") || args.get_all("llm-url").empty();
  const std::string model_spec = local_model ? model_spec_from(args) : "";
  const engine::EngineOptions engine_options = engine_options_from(args);
  const std::string db_spec = args.get_or("db", "hirelm.db");
  const long long workers = args.get_int("workers", 1);
  if (workers < 0 || workers > 256) throw InvalidInputError("--workers: expected 0..256, got " + std::to_string(workers));
  const long long lease_seconds = args.get_int("lease-seconds", 60);
  if (lease_seconds < 1) throw InvalidInputError("--lease-seconds: expected at least 1, got " + std::to_string(lease_seconds));
  const long long max_upload_bytes = args.get_int("max-upload-bytes", 20LL << 20);
  if (max_upload_bytes < 1) {
    throw InvalidInputError("--max-upload-bytes: expected a positive byte count, got " + std::to_string(max_upload_bytes));
  }
  const long long max_upload_files = args.get_int("max-upload-files", 500);
  if (max_upload_files < 1) {
    throw InvalidInputError("--max-upload-files: expected at least 1, got " + std::to_string(max_upload_files));
  }
  const std::string prompts_dir = args.get_or("prompts", screening::default_prompts_dir());

  server::ServerOptions options;
  options.served_model_name = args.get_or("served-model-name", local_model ? model_spec : "none");
  if (!local_model) {
    options.no_backend_message = "no local model: this server screens through --llm-url; start it with --model PATH "
                                 "to serve /v1";
    options.healthy_without_backend = true;
  }
  options.api_keys = args.get_all("api-key");
  if (auto file = args.get("api-key-file")) {
    std::ifstream in(*file);
    if (!in) throw NotFoundError("--api-key-file: cannot read '" + *file + "'");
    std::string line;
    while (std::getline(in, line)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) options.api_keys.push_back(line);
    }
    if (options.api_keys.empty()) throw InvalidInputError("--api-key-file: '" + *file + "' holds no key");
  }
  for (const auto& o : args.get_all("allowed-origins")) {
    for (auto& origin : split_commas(o)) {
      if (!origin.empty()) options.allowed_origins.push_back(std::move(origin));
    }
  }
  const long long max_body = args.get_int("max-body", 8LL << 20);
  if (max_body < 1) throw InvalidInputError("--max-body: expected a positive byte count, got " + std::to_string(max_body));
  options.max_body_bytes = static_cast<size_t>(max_body);
  const long long max_waiting = args.get_int("max-waiting", 64);
  if (max_waiting < 1) throw InvalidInputError("--max-waiting: expected at least 1, got " + std::to_string(max_waiting));
  const std::string host = args.get_or("host", "0.0.0.0");
  const long long port = args.get_int("port", 8000);
  if (port < 0 || port > 65535) throw InvalidInputError("--port: expected 0..65535, got " + std::to_string(port));

  std::optional<SchedulerFlags> scheduler;  // unset with --serial-backend
  if (!args.has("serial-backend")) scheduler = scheduler_flags(args);

  // Open (and migrate) the database first: an unreachable one fails the command before it listens.
  { queue::TaskQueue probe(db_spec); }

  server::OpenAiServer server(options);
#ifdef HIRELM_HAVE_SCREENING_API
  api::ApiOptions api_options;
  api_options.db_spec = db_spec;
  api_options.max_upload_bytes = static_cast<size_t>(max_upload_bytes);
  api_options.max_upload_files = static_cast<size_t>(max_upload_files);
  api::ScreeningApi screening_api(api_options);
  screening_api.register_routes(server.http());
  server.extend_openapi([&screening_api](nlohmann::ordered_json& document) {
    api::merge_openapi(document, screening_api.openapi_document());
  });
#else
  std::fprintf(stderr, "note: this build has no screening API (src/api); serving /v1 only\n");
#endif
  const int bound = server.bind(host, static_cast<int>(port));
  g_server = &server;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  std::thread http([&] { server.serve(); });
  while (!server.running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  std::unique_ptr<llm::LanguageModel> model;
  std::unique_ptr<worker::Worker> worker;
  auto shut_down = [&] {
    server.stop();
    http.join();
    g_server = nullptr;
    if (worker) {
      worker->stop();
      worker->wait();
    }
  };
  try {
    if (local_model) {
      std::fprintf(stderr, "loading model %s\n", model_spec.c_str());
      engine::Engine engine = engine::Engine::load(model_spec, engine_options);
      if (!scheduler) {
        server.set_backend(std::make_shared<server::SerialBackend>(std::move(engine), static_cast<size_t>(max_waiting)));
      } else {
        auto scheduler_options = size_kv_pool(*scheduler, engine);
        server.set_backend(std::make_shared<server::SchedulerBackend>(std::move(engine), std::move(scheduler_options),
                                                                      static_cast<size_t>(max_waiting)));
      }
    }
    if (workers > 0) {
      worker::WorkerOptions wo;
      wo.db_spec = db_spec;
      wo.worker_id = "serve:" + std::to_string(::getpid());
      wo.concurrency = static_cast<int>(workers);
      wo.lease_seconds = lease_seconds;
      wo.prompts_dir = prompts_dir;
      model = worker_model(args, host, bound, options);
      worker = std::make_unique<worker::Worker>(wo, *model);
      worker->start();
    }
  } catch (...) {
    shut_down();
    throw;
  }
  std::fprintf(stderr, "ready on http://%s:%d (screening db %s, %lld embedded worker thread%s)\n", host.c_str(), bound,
               db::redact_spec(db_spec).c_str(), workers, workers == 1 ? "" : "s");
  http.join();
  g_server = nullptr;
  if (worker) {
    // Tasks in flight end now: their model requests fail once the server is gone, and the tasks go back to
    // the queue for the next worker (or the next start).
    worker->stop();
    worker->wait();
  }
  return kExitOk;
}

}  // namespace

HIRELM_COMMAND(serve, "serve", "serve the OpenAI-compatible HTTP API", serve_main);

}  // namespace hirelm::cli
