// Parses and renders arbitrary template sources against a fixed conversation (with tools and a
// tool call). Typed hirelm errors are expected outcomes; anything else — a crash, a hang, unbounded
// recursion or memory, or another exception type — is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/template/chat_template.h"
#include "util/error.h"

namespace {

const hirelm::templating::Json& messages() {
  static const auto kMessages = hirelm::templating::Json::parse(R"([
    {"role": "system", "content": "You are helpful."},
    {"role": "user", "content": "Weather in Köln? </think> {{ not a tag }}"},
    {"role": "assistant", "content": null, "tool_calls": [
      {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Köln\"}"}}]},
    {"role": "tool", "content": "{\"temp\": 12}"},
    {"role": "assistant", "content": "<think>\nhm\n</think>\n\n12 degrees."}])");
  return kMessages;
}

const hirelm::templating::Json& tools() {
  static const auto kTools = hirelm::templating::Json::parse(
      R"([{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}])");
  return kTools;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string source(reinterpret_cast<const char*>(data), size);
  hirelm::templating::RenderLimits limits;
  limits.max_output_bytes = 1 << 20;
  limits.max_steps = 200000;
  limits.max_depth = 300;
  try {
    hirelm::templating::ChatTemplate tmpl(source, "<s>", "</s>");
    tmpl.set_limits(limits);
    std::string out = tmpl.render(messages(), true, tools());
    if (out.size() > limits.max_output_bytes) __builtin_trap();
  } catch (const hirelm::Error&) {
  }
  return 0;
}
