// Turns chat messages with untrusted parts into prompt token ids for the in-process engine.
//
// The chat template is rendered with every untrusted part replaced by a unique sentinel; the rendered
// text is then split at the sentinels. Trusted pieces (template, instructions) are encoded with special
// tokens parsed; untrusted pieces (resume text) with EncodeOptions::parse_special = false, so a resume
// that contains "<｜Assistant｜>" or "</think>" gets ordinary text tokens and can never end the user turn.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/tokenizer/tokenizer.h"
#include "llm/chat_request.h"

namespace hirelm::llm {

using ChatTemplateRenderer = std::function<std::string(const nlohmann::ordered_json& messages)>;

struct UntrustedPrompt {
  std::vector<int32_t> tokens;
  std::string text;  // the rendered prompt text with untrusted parts in place (for logs and hashing)
};

// Throws InternalError-kind hirelm::Error if the template drops or duplicates a sentinel (a template that
// rewrites message content would make the split unsafe).
UntrustedPrompt encode_untrusted_prompt(const std::vector<ChatMessage>& messages, const ChatTemplateRenderer& render,
                                        const Tokenizer& tokenizer);

}  // namespace hirelm::llm
