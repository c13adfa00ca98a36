// Fuzz target for the constraint compilers and the automaton. The first byte picks the form (JSON
// schema, regex, GBNF, choice list), the rest is its text. Compile errors must be hirelm::Error; a
// grammar that compiles gets a bounded random walk over a small byte-level vocabulary in which every
// mask must be non-empty until the value is complete and must agree with accept_token.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/grammar/grammar.h"
#include "engine/grammar/grammar_state.h"
#include "util/check.h"
#include "util/error.h"

namespace {

using namespace hirelm::grammar;

const std::shared_ptr<const Vocabulary>& vocab() {
  static const std::shared_ptr<const Vocabulary> v = [] {
    std::vector<std::string> tokens;
    for (int b = 0; b < 256; ++b) tokens.emplace_back(1, static_cast<char>(b));
    for (const char* t : {"{\"", "\":", "\",", "ab", "abc", "12", "null", "true", "中文", "\xe4\xb8", "\\u00", "</think>"}) {
      tokens.emplace_back(t);
    }
    tokens.emplace_back("<eos>");
    std::vector<bool> added(tokens.size(), false), control(tokens.size(), false);
    added[tokens.size() - 2] = true;
    added.back() = control.back() = true;
    return Vocabulary::from_tokens(tokens, added, control, static_cast<int32_t>(tokens.size() - 1),
                                   static_cast<int32_t>(tokens.size() - 2));
  }();
  return v;
}

std::shared_ptr<const Grammar> compile(uint8_t mode, const std::string& text) {
  switch (mode % 4) {
    case 0: return Grammar::from_json_schema_text(text, vocab());
    case 1: return Grammar::from_regex(text, vocab());
    case 2: return Grammar::from_gbnf(text, vocab());
    default: {
      std::vector<std::string> choices;
      size_t start = 0;
      for (size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == '\n') {
          choices.push_back(text.substr(start, i - start));
          start = i + 1;
        }
      }
      return Grammar::from_choice(choices, vocab());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 4096) return 0;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::shared_ptr<const Grammar> grammar;
  try {
    grammar = compile(data[0], text);
  } catch (const hirelm::Error&) {
    return 0;
  }
  GrammarState state(grammar, (data[0] & 4) ? ConstraintScope::kAfterReasoning : ConstraintScope::kWholeOutput);
  TokenMask mask;
  uint64_t rng = 0x9E3779B97F4A7C15ull ^ size;
  for (int step = 0; step < 64; ++step) {
    state.allowed_tokens(mask);
    std::vector<int32_t> ids;
    mask.for_each([&](int32_t id) { ids.push_back(id); });
    if (ids.empty()) {
      HIRELM_CHECK_MSG(state.is_complete() || state.is_finished(), "dead end: empty mask while incomplete");
      break;
    }
    HIRELM_CHECK(mask.test(*vocab()->eos_id()) == state.can_end() || state.in_reasoning());
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    int32_t id = ids[(rng >> 33) % ids.size()];
    HIRELM_CHECK_MSG(state.accept_token(id), "accept_token refused a token the mask allowed");
    if (state.is_finished()) break;
  }
  return 0;
}
