#include "engine/engine/sequence_generation.h"

#include "util/check.h"

namespace hirelm::engine {

std::string_view finish_reason_name(FinishReason reason) {
  switch (reason) {
    case FinishReason::kStop: return "stop";
    case FinishReason::kLength: return "length";
    case FinishReason::kCancelled: return "cancelled";
  }
  return "stop";
}

SequenceGeneration::SequenceGeneration(const Tokenizer& tokenizer, std::vector<int32_t> prompt,
                                       SequenceOptions options)
    : prompt_(std::move(prompt)),
      options_(std::move(options)),
      stop_ids_(options_.stop_token_ids.begin(), options_.stop_token_ids.end()),
      sampler_(options_.sampling),
      detok_(tokenizer),
      text_(options_.stop, options_.starts_in_reasoning && !(options_.grammar && options_.constraint_scope ==
                                                                                  grammar::ConstraintScope::kWholeOutput)) {
  HIRELM_CHECK(!prompt_.empty());
  sampler_.set_prompt(prompt_);
  if (options_.grammar) {
    constraint_.emplace(options_.grammar, options_.constraint_scope);
    constraint_eos_ = options_.grammar->vocabulary().eos_id();
  }
}

void SequenceGeneration::finish(FinishReason reason, StreamEvent& event) {
  if (finished_) return;
  finished_ = true;
  finish_reason_ = reason;
  if (!text_.stopped()) {
    // A character cut by the end of the sequence still shows (as U+FFFD), then held-back text.
    auto delta = text_.push(detok_.finish());
    event.reasoning_delta += delta.reasoning;
    event.content_delta += delta.content;
  }
  auto rest = text_.finish();
  event.reasoning_delta += rest.reasoning;
  event.content_delta += rest.content;
}

StreamEvent SequenceGeneration::step(std::span<const float> logits) {
  HIRELM_CHECK(!finished_);
  StreamEvent event;
  int32_t token = 0;
  if (constraint_) {
    token = sampler_.sample(logits, [this](std::span<float> row) { constraint_->apply_mask(row); });
    // The mask allowed it, so the constraint takes it (a refusal here is a bug in the mask).
    HIRELM_CHECK(constraint_->accept_token(token));
  } else {
    token = sampler_.sample(logits);
  }
  sampler_.accept(token);
  tokens_.push_back(token);
  event.tokens.push_back(token);
  if (options_.top_logprobs >= 0) {
    event.logprobs.push_back(sampling::token_logprobs(logits, token, options_.top_logprobs));
  }
  // The constraint's end-of-sequence ends the value even under ignore_eos: nothing may follow it.
  if (stop_ids_.count(token) > 0 || (constraint_ && token == constraint_eos_)) {
    stop_token_ = token;  // a stop token's own text is never shown
    finish(FinishReason::kStop, event);
    return event;
  }
  auto delta = text_.push(detok_.push(token));
  event.reasoning_delta = std::move(delta.reasoning);
  event.content_delta = std::move(delta.content);
  if (text_.stopped() || (constraint_ && constraint_->is_finished())) {
    finish(FinishReason::kStop, event);
  } else if (options_.max_tokens > 0 && static_cast<int64_t>(tokens_.size()) >= options_.max_tokens) {
    finish(FinishReason::kLength, event);
  }
  return event;
}

StreamEvent SequenceGeneration::stop(FinishReason reason) {
  StreamEvent event;
  finish(reason, event);
  return event;
}

GenerationResult SequenceGeneration::result() const {
  HIRELM_CHECK(finished_);
  GenerationResult r;
  r.reasoning = text_.reasoning();
  r.content = text_.content();
  r.has_reasoning = text_.has_reasoning();
  r.reasoning_closed = text_.reasoning_closed();
  r.tokens = tokens_;
  r.prompt_tokens = static_cast<int64_t>(prompt_.size());
  r.completion_tokens = static_cast<int64_t>(tokens_.size());
  r.finish_reason = finish_reason_;
  r.matched_stop = text_.matched_stop();
  r.stop_token = stop_token_;
  r.constraint_complete = constraint_ && constraint_->is_complete();
  r.seed = options_.sampling.seed;
  return r;
}

}  // namespace hirelm::engine
