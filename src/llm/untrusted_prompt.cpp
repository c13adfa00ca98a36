#include "llm/untrusted_prompt.h"

#include <random>

#include "util/error.h"

namespace hirelm::llm {
namespace {

// A sentinel no resume contains by accident: private-use characters around a random tag.
std::string make_sentinel_base() {
  std::random_device rd;
  const uint64_t tag = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return "\xEE\x80\x80HIRELM" + std::to_string(tag) + "_";
}

}  // namespace

UntrustedPrompt encode_untrusted_prompt(const std::vector<ChatMessage>& messages, const ChatTemplateRenderer& render,
                                        const Tokenizer& tokenizer) {
  const std::string base = make_sentinel_base();
  std::vector<std::string> untrusted;  // untrusted texts, indexed by sentinel number
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  for (const auto& m : messages) {
    std::string content;
    for (const auto& p : m.parts) {
      if (p.untrusted) {
        content += base + std::to_string(untrusted.size()) + "\xEE\x80\x81";
        untrusted.push_back(p.text);
      } else {
        content += p.text;
      }
    }
    json.push_back({{"role", m.role}, {"content", content}});
  }
  const std::string rendered = render(json);

  UntrustedPrompt out;
  size_t pos = 0;
  std::vector<bool> seen(untrusted.size(), false);
  while (pos <= rendered.size()) {
    const size_t hit = rendered.find(base, pos);
    const std::string_view trusted =
        std::string_view(rendered).substr(pos, hit == std::string::npos ? std::string::npos : hit - pos);
    tokenizer.encode_into(trusted, {.parse_special = true, .add_bos = false}, out.tokens);
    out.text += trusted;
    if (hit == std::string::npos) break;
    const size_t num_start = hit + base.size();
    const size_t end = rendered.find("\xEE\x80\x81", num_start);
    if (end == std::string::npos) throw Error(ErrorKind::kInternal, "chat template cut an untrusted-text sentinel");
    const size_t index = std::stoul(rendered.substr(num_start, end - num_start));
    if (index >= untrusted.size() || seen[index]) {
      throw Error(ErrorKind::kInternal, "chat template duplicated an untrusted-text sentinel");
    }
    seen[index] = true;
    tokenizer.encode_into(untrusted[index], {.parse_special = false, .add_bos = false}, out.tokens);
    out.text += untrusted[index];
    pos = end + 3;
  }
  for (bool s : seen) {
    if (!s) throw Error(ErrorKind::kInternal, "chat template dropped untrusted text");
  }
  return out;
}

}  // namespace hirelm::llm
