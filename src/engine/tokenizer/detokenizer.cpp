#include "engine/tokenizer/detokenizer.h"

#include "engine/tokenizer/utf8.h"

namespace hirelm {

std::string StreamingDetokenizer::push(int32_t id) {
  if (skip_special_ && tokenizer_->is_special(id)) return {};
  pending_ += tokenizer_->token_bytes(id);
  size_t complete = tokenizer::utf8_complete_prefix(pending_);
  if (complete == 0) return {};
  std::string out = tokenizer::utf8_is_valid(std::string_view(pending_).substr(0, complete))
                        ? pending_.substr(0, complete)
                        : tokenizer::utf8_sanitize(std::string_view(pending_).substr(0, complete));
  pending_.erase(0, complete);
  return out;
}

std::string StreamingDetokenizer::flush() {
  std::string out = tokenizer::utf8_sanitize(pending_);
  pending_.clear();
  return out;
}

}  // namespace hirelm
