#include "server/openai_server.h"

#include <chrono>
#include <cstdio>

#include "server/api_error.h"
#include "server/openai_request.h"
#include "server/openai_response.h"
#include "server/openapi.h"
#include "server/swagger_ui.h"

namespace hirelm::server {

namespace {

HttpResponse json_response(const Json& body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = dump_json(body);
  return r;
}

HttpResponse error_response(ApiErrorKind kind, const std::string& message, const std::string& param = {}) {
  return json_response(error_body(kind, message, param), http_status(kind));
}

ApiErrorKind kind_for_status(int status) {
  switch (status) {
    case 401: return ApiErrorKind::kUnauthorized;
    case 404: return ApiErrorKind::kNotFound;
    case 413: return ApiErrorKind::kTooLarge;
    case 429: return ApiErrorKind::kOverloaded;
    case 503: return ApiErrorKind::kNotReady;
    default: return status < 500 ? ApiErrorKind::kBadRequest : ApiErrorKind::kInternal;
  }
}

std::string basename_of(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const auto slash = p.find_last_of('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// Compares without an early exit, so response time does not reveal how much of a key matched.
bool same_key(const std::string& a, const std::string& b) {
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
  return diff == 0 && !b.empty();
}

Json parse_body(const std::string& body) {
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    throw ApiError(ApiErrorKind::kBadRequest, "request body is not a JSON object", "body");
  }
  return parsed;
}

void check_token_ids(const std::vector<int32_t>& ids, int32_t vocab_size, const std::string& param) {
  for (int32_t id : ids) {
    if (id < 0 || id >= vocab_size) {
      throw ApiError(ApiErrorKind::kBadRequest,
                     param + ": token id " + std::to_string(id) + " outside the vocabulary [0, " +
                         std::to_string(vocab_size) + ")",
                     param);
    }
  }
}

// Drains one handle to its end; failures become ApiErrors. `timer` (may be null) sees each event.
Choice collect(RequestHandle& handle, bool want_logprobs, SequenceTimer* timer) {
  Choice choice;
  for (;;) {
    BackendEvent e = handle.next();
    if (auto* delta = std::get_if<engine::StreamEvent>(&e)) {
      if (timer) timer->on_tokens(delta->tokens.size());
      if (want_logprobs) choice.logprobs.insert(choice.logprobs.end(), delta->logprobs.begin(), delta->logprobs.end());
    } else if (auto* result = std::get_if<engine::GenerationResult>(&e)) {
      choice.result = std::move(*result);
      return choice;
    } else {
      const auto& failure = std::get<BackendFailure>(e);
      throw ApiError(api_error_kind(failure.kind), failure.message);
    }
  }
}

}  // namespace

OpenAiServer::OpenAiServer(ServerOptions options)
    : options_(std::move(options)),
      http_(HttpServerOptions{options_.max_body_bytes, options_.allowed_origins,
                              [](int status, const std::string& message) {
                                return dump_json(error_body(kind_for_status(status), message));
                              }}) {
  route("GET", "/health", [this](const HttpRequest&) {
    if (!backend() && !options_.healthy_without_backend) {
      return error_response(ApiErrorKind::kNotReady, options_.no_backend_message);
    }
    return json_response(Json::object());
  });
  route("POST", "/v1/chat/completions", guarded(true, [this](const HttpRequest& r) { return completions(r, true); }));
  route("POST", "/v1/completions", guarded(true, [this](const HttpRequest& r) { return completions(r, false); }));
  route("GET", "/v1/models", guarded(true, [this](const HttpRequest&) { return models(); }));
  route("POST", "/tokenize", guarded(true, [this](const HttpRequest& r) { return tokenize(r); }));
  route("POST", "/detokenize", guarded(true, [this](const HttpRequest& r) { return detokenize(r); }));
  route("GET", "/metrics", guarded(false, [this](const HttpRequest&) { return metrics(); }));
  route("GET", "/openapi.json", guarded(false, [this](const HttpRequest&) { return openapi(); }));
  route("GET", "/docs", guarded(false, [](const HttpRequest&) {
    HttpResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = docs_page_html();
    return r;
  }));
  // The bundled Swagger UI files (404 when this build has none). They change only with the binary.
  auto asset = [](std::string_view bytes, const char* content_type) {
    return [bytes, content_type](const HttpRequest& request) {
      if (bytes.empty()) throw ApiError(ApiErrorKind::kNotFound, "this build has no Swagger UI files: " + request.path);
      HttpResponse r;
      r.content_type = content_type;
      r.body.assign(bytes.data(), bytes.size());
      r.headers.push_back({"Cache-Control", "public, max-age=86400"});
      return r;
    };
  };
  route("GET", "/docs/swagger-ui-bundle.js", guarded(false, asset(swagger_ui_bundle_js(), "text/javascript; charset=utf-8")));
  route("GET", "/docs/swagger-ui.css", guarded(false, asset(swagger_ui_css(), "text/css; charset=utf-8")));
}

OpenAiServer::~OpenAiServer() { http_.stop(); }

void OpenAiServer::set_backend(std::shared_ptr<CompletionBackend> backend) {
  std::lock_guard lock(backend_mutex_);
  backend_ = std::move(backend);
}

std::shared_ptr<CompletionBackend> OpenAiServer::backend() const {
  std::lock_guard lock(backend_mutex_);
  return backend_;
}

bool OpenAiServer::model_matches(const std::string& name) const {
  return name.empty() || name == options_.served_model_name || name == basename_of(options_.served_model_name);
}

void OpenAiServer::route(const std::string& method, const std::string& path, HttpHandler handler) {
  routes_.emplace_back(method, path);
  http_.route(method, path, std::move(handler));
}

HttpHandler OpenAiServer::guarded(bool needs_backend, std::function<HttpResponse(const HttpRequest&)> handler) {
  return [this, needs_backend, handler = std::move(handler)](const HttpRequest& request) {
    ++metrics_.http_requests;
    HttpResponse response;
    try {
      if (!options_.api_keys.empty()) {
        const std::string auth = request.header("authorization");
        const std::string prefix = "Bearer ";
        const std::string key = auth.rfind(prefix, 0) == 0 ? auth.substr(prefix.size()) : std::string();
        bool ok = false;
        for (const auto& k : options_.api_keys) ok = same_key(key, k) || ok;
        if (!ok) throw ApiError(ApiErrorKind::kUnauthorized, "missing or invalid API key (Authorization: Bearer KEY)");
      }
      if (needs_backend && !backend()) throw ApiError(ApiErrorKind::kNotReady, options_.no_backend_message);
      response = handler(request);
    } catch (const ApiError& e) {
      response = error_response(e.kind(), e.what(), e.param());
    } catch (const Error& e) {
      response = error_response(api_error_kind(e.kind()), e.what());
    } catch (const std::exception& e) {
      response = error_response(ApiErrorKind::kInternal, std::string("internal error: ") + e.what());
    }
    if (response.status >= 400) ++metrics_.http_errors;
    return response;
  };
}

HttpResponse OpenAiServer::completions(const HttpRequest& http_request, bool chat) {
  const auto arrival = SequenceTimer::Clock::now();
  auto backend = this->backend();
  const engine::Engine& engine = backend->engine();
  OpenAiRequest request = parse_request(chat ? Endpoint::kChat : Endpoint::kCompletion, http_request.body);
  if (!model_matches(request.model)) {
    throw ApiError(ApiErrorKind::kNotFound, "model '" + request.model + "' does not exist; this server serves '" +
                                                options_.served_model_name + "'", "model");
  }
  const std::string model = options_.served_model_name;
  check_token_ids(request.generation.prompt_tokens, engine.tokenizer().vocab_size(), "prompt");

  // Tokenize here, once: the length check is a 413 before anything is queued.
  const auto prompt = engine.prepare_prompt(request.generation);
  if (request.generation.constraint) engine.compile_constraint(*request.generation.constraint);  // 400 before any stream
  const auto n_prompt = static_cast<int64_t>(prompt.tokens.size());
  if (n_prompt == 0) throw ApiError(ApiErrorKind::kBadRequest, "prompt encodes to no tokens", chat ? "messages" : "prompt");
  if (n_prompt >= engine.context_size()) {
    throw ApiError(ApiErrorKind::kTooLarge,
                   "prompt has " + std::to_string(n_prompt) + " tokens, but the context holds " +
                       std::to_string(engine.context_size()) + " (prompt + output)",
                   chat ? "messages" : "prompt");
  }
  std::string prompt_text;
  if (!chat && request.echo) {  // the prompt as the client gave it (no BOS text added)
    prompt_text = request.generation.prompt_tokens.empty() ? request.generation.prompt
                                                           : engine.tokenizer().decode(prompt.tokens);
  }
  engine::GenerationRequest generation = request.generation;
  generation.prompt_tokens = prompt.tokens;
  generation.messages.reset();
  generation.prompt.clear();
  generation.starts_in_reasoning = prompt.opens_reasoning;

  std::vector<std::shared_ptr<RequestHandle>> handles;
  try {
    for (int i = 0; i < request.n; ++i) {
      engine::GenerationRequest g = generation;
      if (g.sampling.seed) *g.sampling.seed += static_cast<uint64_t>(i);
      handles.push_back(backend->submit(std::move(g)));
    }
  } catch (...) {
    for (auto& h : handles) h->cancel();
    throw;
  }

  const std::string id = make_response_id(chat ? "chatcmpl-" : "cmpl-");
  const int64_t created = unix_time_now();
  if (!request.stream) {
    // Choice 0 is drained first and live, so its events time the request; later choices' events
    // wait in their handles meanwhile.
    std::vector<Choice> choices;
    SequenceTimer timer(metrics_, arrival);
    try {
      for (size_t i = 0; i < handles.size(); ++i) {
        choices.push_back(collect(*handles[i], request.logprobs, i == 0 ? &timer : nullptr));
      }
    } catch (...) {
      for (auto& h : handles) h->cancel();
      throw;
    }
    timer.on_complete();
    const Tokenizer& tokenizer = engine.tokenizer();
    return json_response(chat ? chat_completion_json(id, created, model, choices, request.logprobs, tokenizer)
                              : text_completion_json(id, created, model, choices, request.logprobs, prompt_text,
                                                     tokenizer));
  }

  HttpResponse response;
  response.content_type = "text/event-stream";
  response.headers.push_back({"Cache-Control", "no-cache"});
  response.stream = [backend, handles, request = std::move(request), id, created, model, chat, prompt_text,
                     metrics = &metrics_, arrival](const ChunkWriter& write) {
    const Tokenizer& tokenizer = backend->engine().tokenizer();
    // Choices stream one after another; choice 0 is read live, so its events time the request.
    SequenceTimer timer(*metrics, arrival);
    auto cancel_all = [&] {
      for (auto& h : handles) h->cancel();
    };
    Usage usage;
    for (size_t i = 0; i < handles.size(); ++i) {
      const int index = static_cast<int>(i);
      RequestHandle& handle = *handles[i];
      bool ok = true;
      if (chat) {
        ok = write(sse_event(chat_chunk_json(id, created, model, index, {{"role", "assistant"}, {"content", ""}})));
      } else if (!prompt_text.empty()) {
        ok = write(sse_event(completion_chunk_json(id, created, model, index, prompt_text)));
      }
      size_t text_offset = prompt_text.size();
      bool in_reasoning = false;
      while (ok) {
        BackendEvent e = handle.next();
        if (auto* d = std::get_if<engine::StreamEvent>(&e)) {
          if (index == 0) timer.on_tokens(d->tokens.size());
          if (chat) {
            Json lp = request.logprobs ? chat_logprobs_json(d->logprobs, tokenizer) : Json(nullptr);
            if (!d->reasoning_delta.empty()) {
              ok = write(sse_event(chat_chunk_json(
                  id, created, model, index, {{"reasoning_content", d->reasoning_delta}, {"reasoning", d->reasoning_delta}},
                  nullptr, d->content_delta.empty() ? lp : Json(nullptr))));
            }
            if (ok && !d->content_delta.empty()) {
              ok = write(sse_event(chat_chunk_json(id, created, model, index, {{"content", d->content_delta}}, nullptr, lp)));
            }
          } else {
            std::string text;
            if (!d->reasoning_delta.empty()) {
              in_reasoning = true;
              text += d->reasoning_delta;
            }
            if (!d->content_delta.empty()) {
              if (in_reasoning) text += "</think>";
              in_reasoning = false;
              text += d->content_delta;
            }
            Json lp = request.logprobs ? completion_logprobs_json(d->logprobs, tokenizer, text_offset) : Json(nullptr);
            text_offset += text.size();
            ok = write(sse_event(completion_chunk_json(id, created, model, index, text, nullptr, lp)));
          }
        } else if (auto* result = std::get_if<engine::GenerationResult>(&e)) {
          usage.prompt_tokens = result->prompt_tokens;
          usage.completion_tokens += result->completion_tokens;
          if (index == 0) usage.cached_tokens = result->cached_tokens;
          const Json finish = finish_reason_text(result->finish_reason);
          ok = write(sse_event(chat ? chat_chunk_json(id, created, model, index, Json::object(), finish)
                                    : completion_chunk_json(id, created, model, index, "", finish)));
          break;
        } else {
          const auto& failure = std::get<BackendFailure>(e);
          const ApiErrorKind kind = api_error_kind(failure.kind);
          write(sse_event(error_body(kind, failure.message)));
          cancel_all();
          return;
        }
      }
      if (!ok) {  // the client is gone: stop every choice still queued or running
        cancel_all();
        return;
      }
    }
    timer.on_complete();
    if (request.include_usage) {
      Json chunk = chat ? chat_usage_chunk_json(id, created, model, usage)
                        : Json{{"id", id}, {"object", "text_completion"}, {"created", created}, {"model", model},
                               {"choices", Json::array()}, {"usage", usage_json(usage)}};
      if (!write(sse_event(chunk))) return;
    }
    write(kSseDone);
  };
  return response;
}

HttpResponse OpenAiServer::models() {
  Json card;
  card["id"] = options_.served_model_name;
  card["object"] = "model";
  card["created"] = unix_time_now();
  card["owned_by"] = "hirelm";
  card["root"] = options_.served_model_name;
  card["max_model_len"] = backend()->engine().context_size();
  return json_response({{"object", "list"}, {"data", Json::array({card})}});
}

HttpResponse OpenAiServer::tokenize(const HttpRequest& request) {
  const Json body = parse_body(request.body);
  const engine::Engine& engine = backend()->engine();
  if (auto m = body.find("model"); m != body.end() && !m->is_null()) {
    if (!m->is_string()) throw ApiError(ApiErrorKind::kBadRequest, "model: expected a string", "model");
    if (!model_matches(m->get<std::string>())) {
      throw ApiError(ApiErrorKind::kNotFound, "model '" + m->get<std::string>() + "' does not exist", "model");
    }
  }
  bool add_special = true;
  if (auto v = body.find("add_special_tokens"); v != body.end() && !v->is_null()) {
    if (!v->is_boolean()) throw ApiError(ApiErrorKind::kBadRequest, "add_special_tokens: expected a boolean", "add_special_tokens");
    add_special = v->get<bool>();
  }
  std::vector<int32_t> tokens;
  if (auto p = body.find("prompt"); p != body.end() && !p->is_null()) {
    if (!p->is_string()) throw ApiError(ApiErrorKind::kBadRequest, "prompt: expected a string", "prompt");
    tokens = engine.tokenizer().encode(p->get<std::string>(),
                                       {.parse_special = true, .add_bos = add_special && engine.tokenizer().wants_bos()});
  } else if (auto m = body.find("messages"); m != body.end() && !m->is_null()) {
    // Validate and normalize the messages exactly as a chat request would.
    const OpenAiRequest chat = parse_chat_request(Json{{"messages", *m}});
    bool add_generation_prompt = true;
    if (auto g = body.find("add_generation_prompt"); g != body.end() && g->is_boolean()) add_generation_prompt = g->get<bool>();
    const std::string text = engine.render_chat(*chat.generation.messages, add_generation_prompt);
    tokens = engine.tokenizer().encode(text, {.parse_special = true, .add_bos = false});
  } else {
    throw ApiError(ApiErrorKind::kBadRequest, "expected 'prompt' (a string) or 'messages'", "prompt");
  }
  return json_response({{"tokens", tokens}, {"count", tokens.size()}, {"max_model_len", engine.context_size()}});
}

HttpResponse OpenAiServer::detokenize(const HttpRequest& request) {
  const Json body = parse_body(request.body);
  const engine::Engine& engine = backend()->engine();
  auto t = body.find("tokens");
  if (t == body.end() || !t->is_array()) throw ApiError(ApiErrorKind::kBadRequest, "tokens: expected an array of token ids", "tokens");
  std::vector<int32_t> ids;
  for (const Json& id : *t) {
    if (!id.is_number_integer()) throw ApiError(ApiErrorKind::kBadRequest, "tokens: expected integers, found " + id.dump(), "tokens");
    const auto v = id.get<int64_t>();
    if (v < 0 || v >= engine.tokenizer().vocab_size()) {
      throw ApiError(ApiErrorKind::kBadRequest,
                     "tokens: token id " + id.dump() + " outside the vocabulary [0, " +
                         std::to_string(engine.tokenizer().vocab_size()) + ")",
                     "tokens");
    }
    ids.push_back(static_cast<int32_t>(v));
  }
  return json_response({{"prompt", engine.tokenizer().decode(ids)}});
}

HttpResponse OpenAiServer::metrics() {
  const auto b = backend();
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = render_prometheus(options_.served_model_name, b ? b->stats() : BackendStats{}, metrics_);
  return r;
}

HttpResponse OpenAiServer::openapi() {
  nlohmann::ordered_json doc = openapi_document({options_.served_model_name, !options_.api_keys.empty()});
  for (const auto& extend : openapi_extensions_) extend(doc);
  return json_response(doc);
}

}  // namespace hirelm::server
