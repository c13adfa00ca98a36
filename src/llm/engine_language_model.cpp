#include "llm/engine_language_model.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>

#include "engine/scheduler/scheduler.h"
#include "llm/untrusted_prompt.h"
#include "util/error.h"

namespace hirelm::llm {

namespace {

// Finished requests of one complete() call, handed from the scheduler thread to the caller's thread so
// the callback runs on the caller, one at a time.
class Completions {
 public:
  void push(size_t index, ChatResponse response) {
    std::lock_guard lock(mutex_);
    done_.emplace_back(index, std::move(response));
    ready_.notify_one();
  }
  std::pair<size_t, ChatResponse> pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !done_.empty(); });
    auto item = std::move(done_.front());
    done_.pop_front();
    return item;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::pair<size_t, ChatResponse>> done_;
};

ChatResponse to_response(const engine::GenerationResult& result) {
  ChatResponse r;
  r.reasoning = result.reasoning;
  r.content = result.content;
  r.finish_reason = std::string(engine::finish_reason_name(result.finish_reason));
  r.prompt_tokens = result.prompt_tokens;
  r.completion_tokens = result.completion_tokens;
  r.cached_tokens = result.cached_tokens;
  r.seed = result.seed;
  return r;
}

ChatResponse error_response(const std::string& message) {
  ChatResponse r;
  r.finish_reason = "error";
  r.error = message;
  return r;
}

class Sink : public engine::scheduler::RequestSink {
 public:
  Sink(Completions& out, size_t index) : out_(out), index_(index) {}
  bool cancelled() const override { return cancel_.load(); }
  void cancel() { cancel_.store(true); }
  void on_event(engine::StreamEvent) override {}
  void on_result(engine::GenerationResult result) override { out_.push(index_, to_response(result)); }
  void on_failure(const std::string& message, ErrorKind kind) override {
    // An internal failure is reported like any other: the pipeline records it and goes on.
    out_.push(index_, error_response(kind == ErrorKind::kInternal ? "engine failure: " + message : message));
  }

 private:
  Completions& out_;
  size_t index_;
  std::atomic<bool> cancel_{false};
};

}  // namespace

EngineLanguageModel::EngineLanguageModel(engine::Engine& engine, std::string model_id)
    : engine_(&engine), model_id_(std::move(model_id)) {}

EngineLanguageModel::~EngineLanguageModel() = default;

engine::GenerationRequest EngineLanguageModel::to_generation_request(const ChatRequest& request) const {
  engine::GenerationRequest g;
  const UntrustedPrompt prompt = encode_untrusted_prompt(
      request.messages, [&](const nlohmann::ordered_json& m) { return engine_->render_chat(m, true); },
      engine_->tokenizer());
  g.prompt_tokens = prompt.tokens;
  g.sampling.temperature = request.temperature;
  g.sampling.top_p = request.top_p;
  if (request.seed) g.sampling.seed = *request.seed;
  g.max_tokens = request.max_tokens;
  g.ignore_eos = request.ignore_eos;
  if (!request.json_schema.empty()) {
    // The answer (after </think>) is constrained to the schema, so the profile JSON is valid every time.
    engine::OutputConstraint constraint;
    constraint.kind = engine::OutputConstraint::Kind::kJsonSchema;
    constraint.text = request.json_schema;
    g.constraint = std::move(constraint);
  }
  return g;
}

void EngineLanguageModel::complete(const std::vector<ChatRequest>& requests, const CompletionCallback& on_done) {
  if (!scheduler_) {
    // All of a batch's requests go to continuous batching at once: the job description they share is
    // prefilled once (prefix cache), and decodes of many candidates share each pass over the weights.
    engine::scheduler::SchedulerOptions options;
    options.kv_blocks = kv::kv_blocks_for(engine_->context_size(), options.max_num_seqs / 2, 16);
    scheduler_ = std::make_unique<engine::scheduler::Scheduler>(*engine_, options);
  }
  Completions completions;
  std::vector<std::shared_ptr<Sink>> sinks;
  size_t pending = 0;
  // The first exception to rethrow: a broken setup while submitting, or what the callback threw. After it
  // nothing new is submitted and running requests are cancelled (they end within a step), but this call
  // still waits for every submitted request, so no sink outlives `completions`.
  std::exception_ptr failure;
  for (size_t i = 0; i < requests.size(); ++i) {
    try {
      auto sink = std::make_shared<Sink>(completions, i);
      scheduler_->submit(to_generation_request(requests[i]), sink);
      sinks.push_back(std::move(sink));
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInternal) {
        failure = std::current_exception();
        break;
      }
      completions.push(i, error_response(e.what()));
    } catch (...) {
      failure = std::current_exception();
      break;
    }
    ++pending;
  }
  auto cancel_all = [&] {
    for (auto& s : sinks) s->cancel();
  };
  if (failure) cancel_all();
  for (; pending > 0; --pending) {
    auto [index, response] = completions.pop();
    if (failure) continue;
    try {
      on_done(index, response);
    } catch (...) {
      failure = std::current_exception();
      cancel_all();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace hirelm::llm
