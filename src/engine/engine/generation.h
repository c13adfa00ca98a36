// What a caller asks the engine for and what it gets back: one generation request, the events it
// streams, and the final result. Plain data; the Engine (engine.h) and, later, the scheduler run them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/sampling/logprobs.h"
#include "engine/sampling/sampling_params.h"

namespace hirelm::engine {

// A structured-output constraint on the generated text (see docs/grammar.md): tokens that would break it
// are masked before sampling, end-of-sequence is allowed only once the value is complete.
struct OutputConstraint {
  enum class Kind {
    kJsonSchema,  // `text` is a JSON schema (JSON text; properties are generated in its order)
    kJsonObject,  // any JSON object; `text` unused
    kRegex,       // `text` is a regex the whole answer must match
    kChoice,      // the answer is exactly one of `choices`
    kGrammar,     // `text` is a GBNF-like grammar
  };
  enum class Scope {
    kAnswerOnly,  // after `</think>` when the output starts inside reasoning; else from the first token
    kEverything,  // from the first generated token, reasoning or not (the output is then all answer)
  };
  Kind kind = Kind::kJsonObject;
  std::string text;
  std::vector<std::string> choices;
  Scope scope = Scope::kAnswerOnly;
};

struct GenerationRequest {
  // Exactly one prompt form is used, the first present of: prompt_tokens, messages, prompt.
  std::vector<int32_t> prompt_tokens;     // token ids, used as they are (no BOS added)
  std::optional<nlohmann::ordered_json> messages; // chat messages [{"role", "content"}...], rendered with the
                                          // model's chat template and its generation prompt
  std::string prompt;                     // raw text; special-token strings in it are parsed as tokens
                                          // and BOS is added when the tokenizer says so

  sampling::SamplingOverrides sampling;   // unset fields come from the model's generation defaults;
                                          // an unset seed is drawn at random (and reported in the result)
  std::vector<std::string> stop;          // stop strings; never part of the output
  std::vector<int32_t> stop_token_ids;    // extra stop tokens besides the model's end-of-sequence ids
  bool ignore_eos = false;                // keep generating past end-of-sequence tokens
  int64_t max_tokens = -1;                // generated-token limit; < 0: until the context is full
  int top_logprobs = -1;                  // < 0: no logprobs; n >= 0: chosen token + n alternatives
  // Whether the generated text starts inside a <think> block; unset: detected from the prompt text.
  std::optional<bool> starts_in_reasoning;
  // Structured output; unset = free text. Compile errors (bad or unsupported schema, regex, grammar)
  // surface as InvalidInputError / UnsupportedError when the request is prepared.
  std::optional<OutputConstraint> constraint;
};

enum class FinishReason { kStop, kLength, kCancelled };

// "stop", "length" (OpenAI's names) and "cancelled" (the callback asked to stop).
std::string_view finish_reason_name(FinishReason reason);

struct StreamEvent {
  std::string reasoning_delta;  // new reasoning text (inside <think>...</think>, tags excluded)
  std::string content_delta;    // new answer text
  std::vector<int32_t> tokens;  // token ids generated since the previous event
  std::vector<sampling::TokenLogprobs> logprobs;  // one per token when requested
};

struct GenerationResult {
  std::string reasoning;            // all reasoning text
  std::string content;              // the answer; empty when the generation ended inside reasoning
  bool has_reasoning = false;       // the output had a reasoning part
  bool reasoning_closed = false;    // `</think>` was seen (or there was no reasoning)
  std::vector<int32_t> tokens;      // generated token ids, including a final stop token if one ended it
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t cached_tokens = 0;        // prompt tokens whose KV came from the prefix cache
  FinishReason finish_reason = FinishReason::kStop;
  std::string matched_stop;         // the stop string that ended it, if any
  std::optional<int32_t> stop_token;  // the stop token that ended it, if any
  // With a constraint: the answer is a complete match (a valid value). False when the generation was cut
  // (finish_reason "length"), cancelled, or ended by a stop string before the value was complete.
  bool constraint_complete = false;
  uint64_t seed = 0;                // the seed actually used
  double prefill_seconds = 0;       // wall time of the prompt's forward pass
  double decode_seconds = 0;        // wall time of everything after it
};

}  // namespace hirelm::engine
