// The Qwen2 tokenizer: NFC, the Qwen2 split pre-tokenizer, byte-level BPE by merge rank, and added tokens,
// reproducing Hugging Face tokenizers exactly. Loads tokenizer.json, a model directory or GGUF metadata.
//
// Text handling contract:
//  * Input is UTF-8. Each maximal ill-formed byte sequence is replaced by U+FFFD before anything else
//    (so invalid input is never dropped silently and never crashes); then added tokens are split off
//    (trusted mode only), then NFC, then pre-tokenization and BPE.
//  * EncodeOptions::parse_special = false is the untrusted mode: added-token strings (special or not) are
//    encoded as ordinary text, so text from a resume can never produce a control token.
//  * EncodeOptions::add_bos = false by default: encode(text) equals Hugging Face's
//    encode(text, add_special_tokens=False), which is what the goldens hold. Prompts that need a BOS set it
//    (wants_bos() says whether the model's metadata asks for one).
//
// Thread safety: all const methods may be called concurrently. encode() uses a shared word cache when it
// can take it without waiting, and plain BPE otherwise; results never depend on the cache.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hirelm::formats {
class GgufFile;
}

namespace hirelm {

struct EncodeOptions {
  bool parse_special = true;  // match added tokens in the text (trusted text only)
  bool add_bos = false;       // prepend the BOS id (if the tokenizer has one)
};

class Tokenizer {
 public:
  // `path` is a tokenizer.json, a model directory (tokenizer.json + optional tokenizer_config.json) or a
  // .gguf file. Throws NotFoundError, InvalidInputError or UnsupportedError.
  static Tokenizer from_path(const std::string& path);
  // Parses tokenizer.json text; `name_for_errors` prefixes error messages ("tokenizer.json: ...").
  static Tokenizer from_json(std::string_view json, const std::string& name_for_errors);
  // As from_json, then applies a tokenizer_config.json (bos/eos tokens, add_bos_token).
  static Tokenizer from_json(std::string_view json, const std::string& name_for_errors, std::string_view config_json,
                             const std::string& config_name_for_errors);
  // Reads tokenizer.ggml.{model,pre,tokens,token_type,merges,bos_token_id,eos_token_id,add_bos_token}.
  static Tokenizer from_gguf(const formats::GgufFile& gguf);

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  std::vector<int32_t> encode(std::string_view text, const EncodeOptions& options = {}) const;
  // Appends to `out` instead of returning a new vector (lets callers reuse one buffer).
  void encode_into(std::string_view text, const EncodeOptions& options, std::vector<int32_t>& out) const;

  // Concatenates the tokens' bytes (added tokens: their text). Ids that name no token (negative, past
  // the vocabulary or a gap in it) contribute nothing, as in Hugging Face. Byte sequences that are not
  // valid UTF-8 (a character cut between tokens) come out as U+FFFD.
  std::string decode(const std::vector<int32_t>& ids, bool skip_special = false) const;

  // Raw bytes of a token (byte-level decoded); empty for an id that names no token.
  std::string_view token_bytes(int32_t id) const;
  // The id of a token spelled as in the vocabulary file ("Ġhello", "<think>").
  std::optional<int32_t> token_id(std::string_view token_text) const;
  // The token as the vocabulary file spells it; empty for an id that names no token.
  std::string_view token_text(int32_t id) const;

  // One past the largest token id (including added tokens).
  int32_t vocab_size() const;
  std::optional<int32_t> bos_id() const;
  std::optional<int32_t> eos_id() const;
  bool wants_bos() const;  // add_bos_token from tokenizer_config.json / GGUF metadata
  bool is_special(int32_t id) const;  // an added token flagged special (control)
  bool is_added(int32_t id) const;    // any added token

 private:
  struct Impl;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hirelm
