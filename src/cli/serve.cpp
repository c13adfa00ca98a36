// `hirelm serve`: the OpenAI-compatible HTTP API (src/server). The server listens first, so /health
// answers 503 while the model loads; then it logs "ready on http://HOST:PORT" and serves until
// SIGINT/SIGTERM.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/generation_options.h"
#include "server/openai_server.h"
#include "server/serial_backend.h"
#include "util/error.h"

namespace hirelm::cli {
namespace {

std::vector<OptionSpec> serve_specs() {
  std::vector<OptionSpec> specs = engine_option_specs();
  specs.push_back({"host", "", true, false, "address to listen on (default 0.0.0.0)"});
  specs.push_back({"port", "", true, false, "port (default 8000; 0 = any free port)"});
  specs.push_back({"api-key", "", true, true, "require 'Authorization: Bearer KEY' (repeatable)"});
  specs.push_back({"api-key-file", "", true, false, "file with one API key per line"});
  specs.push_back({"allowed-origins", "", true, true, "CORS origins, comma-separated, or *"});
  specs.push_back({"served-model-name", "", true, false, "model id the API reports (default: --model)"});
  specs.push_back({"max-body", "", true, false, "largest request body in bytes (default 8388608)"});
  specs.push_back({"max-waiting", "", true, false, "requests that may queue before 429 (default 64)"});
  specs.push_back({"help", "h", false, false, "show this help"});
  return specs;
}

server::OpenAiServer* g_server = nullptr;

void on_signal(int) {
  if (g_server) g_server->stop();
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

int serve_main(int argc, char** argv) {
  const auto specs = serve_specs();
  Args args(specs, argc, argv, 2);
  if (args.has("help")) {
    std::printf("usage: hirelm serve --model PATH [options]\n\nServes the OpenAI-compatible API.\n\n%s",
                format_options(specs).c_str());
    return kExitOk;
  }
  if (!args.positionals().empty()) throw InvalidInputError("unexpected argument '" + args.positionals()[0] + "'");
  const std::string model_spec = model_spec_from(args);
  const engine::EngineOptions engine_options = engine_options_from(args);

  server::ServerOptions options;
  options.served_model_name = args.get_or("served-model-name", model_spec);
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
    for (auto& origin : split_commas(o)) options.allowed_origins.push_back(origin);
  }
  const long long max_body = args.get_int("max-body", 8LL << 20);
  if (max_body < 1) throw InvalidInputError("--max-body: expected a positive byte count, got " + std::to_string(max_body));
  options.max_body_bytes = static_cast<size_t>(max_body);
  const long long max_waiting = args.get_int("max-waiting", 64);
  if (max_waiting < 1) throw InvalidInputError("--max-waiting: expected at least 1, got " + std::to_string(max_waiting));
  const std::string host = args.get_or("host", "0.0.0.0");
  const long long port = args.get_int("port", 8000);
  if (port < 0 || port > 65535) throw InvalidInputError("--port: expected 0..65535, got " + std::to_string(port));

  server::OpenAiServer server(options);
  const int bound = server.bind(host, static_cast<int>(port));
  g_server = &server;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  std::thread http([&] { server.serve(); });
  while (!server.running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  std::fprintf(stderr, "loading model %s\n", model_spec.c_str());
  try {
    server.set_backend(std::make_shared<server::SerialBackend>(engine::Engine::load(model_spec, engine_options),
                                                               static_cast<size_t>(max_waiting)));
  } catch (...) {
    server.stop();
    http.join();
    g_server = nullptr;
    throw;
  }
  std::fprintf(stderr, "ready on http://%s:%d\n", host.c_str(), bound);
  http.join();
  g_server = nullptr;
  return kExitOk;
}

}  // namespace

HIRELM_COMMAND(serve, "serve", "serve the OpenAI-compatible HTTP API", serve_main);

}  // namespace hirelm::cli
