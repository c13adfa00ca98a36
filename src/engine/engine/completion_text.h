// The text side of one generation: detokenized pieces go through the stop-string matcher, then the
// reasoning splitter, and come out as reasoning / content deltas ready to stream, while the full
// reasoning and content accumulate for the final result. Pure text: no model, no tokenizer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/sampling/reasoning_splitter.h"
#include "engine/sampling/stop_strings.h"

namespace hirelm::engine {

class CompletionText {
 public:
  // `stops`: stop strings (matched over the whole output, reasoning included, as vLLM does).
  // `starts_in_reasoning`: the prompt already opened `<think>` (see reasoning_splitter.h).
  CompletionText(std::vector<std::string> stops, bool starts_in_reasoning);

  // Feeds one detokenized piece; returns what may be shown now. After a stop string matched,
  // stopped() is true and further pieces are ignored.
  sampling::ReasoningSplitter::Delta push(std::string_view piece);
  // Ends the generation: releases text held back for a stop string that never completed and any
  // partial tag. Call once.
  sampling::ReasoningSplitter::Delta finish();

  bool stopped() const { return stop_.stopped(); }
  const std::string& matched_stop() const { return stop_.matched(); }
  const std::string& reasoning() const { return reasoning_; }
  const std::string& content() const { return content_; }
  bool has_reasoning() const { return splitter_.has_reasoning(); }
  bool reasoning_closed() const { return splitter_.reasoning_closed(); }

 private:
  void record(const sampling::ReasoningSplitter::Delta& delta);

  sampling::StopStringMatcher stop_;
  sampling::ReasoningSplitter splitter_;
  std::string reasoning_;
  std::string content_;
};

// True when a rendered prompt leaves the model inside a reasoning block: its last non-whitespace text
// is an opening `<think>` (DeepSeek-R1's generation prompt ends "<｜Assistant｜><think>\n").
bool prompt_opens_reasoning(std::string_view prompt);

}  // namespace hirelm::engine
