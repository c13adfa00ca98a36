// Helpers shared by the tokenizer tests: the reference tokenizer, loaded once per process.
#pragma once

#include <string>

#include "engine/tokenizer/tokenizer.h"
#include "support/reference.h"

namespace hirelm::test {

inline std::string deepseek_dir() { return reference_path("deepseek-r1-distill-qwen-1.5b"); }

// The DeepSeek-R1-Distill-Qwen tokenizer from the reference model directory (loaded on first use).
inline const Tokenizer& deepseek_tokenizer() {
  static const Tokenizer tokenizer = Tokenizer::from_path(deepseek_dir());
  return tokenizer;
}

}  // namespace hirelm::test
