#include "engine/engine/completion_text.h"

namespace hirelm::engine {

CompletionText::CompletionText(std::vector<std::string> stops, bool starts_in_reasoning)
    : stop_(std::move(stops)), splitter_(starts_in_reasoning) {}

void CompletionText::record(const sampling::ReasoningSplitter::Delta& delta) {
  reasoning_ += delta.reasoning;
  content_ += delta.content;
}

sampling::ReasoningSplitter::Delta CompletionText::push(std::string_view piece) {
  if (stop_.stopped()) return {};
  auto released = stop_.push(piece);
  auto delta = splitter_.push(released.text);
  if (released.stopped) {
    // Nothing can follow a stop string, so the splitter's held-back text is final too.
    auto rest = splitter_.finish();
    delta.reasoning += rest.reasoning;
    delta.content += rest.content;
  }
  record(delta);
  return delta;
}

sampling::ReasoningSplitter::Delta CompletionText::finish() {
  if (stop_.stopped()) return {};
  auto delta = splitter_.push(stop_.flush());
  auto rest = splitter_.finish();
  delta.reasoning += rest.reasoning;
  delta.content += rest.content;
  record(delta);
  return delta;
}

bool prompt_opens_reasoning(std::string_view prompt) {
  size_t end = prompt.size();
  while (end > 0 && (prompt[end - 1] == ' ' || prompt[end - 1] == '\n' || prompt[end - 1] == '\r' ||
                     prompt[end - 1] == '\t')) {
    --end;
  }
  constexpr std::string_view kOpen = "<think>";
  return end >= kOpen.size() && prompt.substr(end - kOpen.size(), kOpen.size()) == kOpen;
}

}  // namespace hirelm::engine
