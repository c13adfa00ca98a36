// Feeds arbitrary bytes to both request parsers. The first byte picks the endpoint. Any outcome but
// an accepted request or an ApiError (a crash, a sanitizer report, another exception) is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/api_error.h"
#include "server/openai_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto endpoint = (data[0] & 1) ? hirelm::server::Endpoint::kCompletion : hirelm::server::Endpoint::kChat;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const auto request = hirelm::server::parse_request(endpoint, body);
    // Accepted requests hold only values the engine accepts.
    if (request.n < 1 || request.n > hirelm::server::kMaxChoices) __builtin_trap();
    if (request.generation.max_tokens == 0) __builtin_trap();
  } catch (const hirelm::server::ApiError&) {
  }
  return 0;
}
