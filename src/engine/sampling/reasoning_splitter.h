// Splits streamed model output into reasoning and answer at the reasoning close tag `</think>`.
//
// DeepSeek-R1's chat template ends the generation prompt with `<｜Assistant｜><think>\n`, so the
// generated text starts INSIDE the reasoning: construct with starts_in_reasoning = true then.
// Otherwise (a raw prompt) the output is answer text unless it opens with `<think>` (leading
// whitespace allowed), in which case it is reasoning up to `</think>`.
//
// Tags are never emitted. Reasoning ends at the first `</think>`; whitespace right after it is
// dropped (R1 writes "</think>\n\n" before the answer), as is whitespace right after an opening
// `<think>`. A tag split across pushes is recognised: text that could be the start of a tag is held
// back until it is decided. A generation cut before `</think>` is all reasoning with empty content.
#pragma once

#include <string>
#include <string_view>

namespace hirelm::sampling {

class ReasoningSplitter {
 public:
  struct Delta {
    std::string reasoning;
    std::string content;
  };

  explicit ReasoningSplitter(bool starts_in_reasoning, std::string open_tag = "<think>",
                             std::string close_tag = "</think>");

  Delta push(std::string_view text);
  // Releases anything held back (a partial tag that never completed) at the end of the generation.
  Delta finish();

  // True when some of the output was reasoning (the prompt opened it, or the output did).
  bool has_reasoning() const { return had_reasoning_; }
  // True once `</think>` was seen (or there was no reasoning at all).
  bool reasoning_closed() const { return state_ == State::kContentStart || state_ == State::kContent; }

 private:
  enum class State {
    kStart,          // raw prompt: waiting to see whether the output opens with <think>
    kReasoningStart, // just inside <think>: dropping leading whitespace
    kReasoning,
    kContentStart,   // just after </think>: dropping leading whitespace
    kContent,
  };

  std::string open_tag_;
  std::string close_tag_;
  State state_;
  bool had_reasoning_;
  std::string pending_;
};

}  // namespace hirelm::sampling
