// What a tokenizer loader (tokenizer.json, GGUF metadata) hands to the Tokenizer: the vocabulary, the
// merges resolved to ids, the added tokens and the special ids. Internal to hirelm_tokenizer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/tokenizer/added_tokens.h"
#include "engine/tokenizer/bpe.h"

namespace hirelm::formats {
class GgufFile;
}

namespace hirelm::tokenizer {

struct TokenizerData {
  std::string source;                // file name used in error messages
  std::vector<std::string> tokens;   // id -> token as the file spells it (byte-level alphabet; added: raw);
                                     // empty for ids the file does not define
  std::unordered_map<std::string, int32_t> token_ids;  // the inverse of `tokens`
  std::vector<BpeMerge> merges;      // in rank order
  std::vector<AddedToken> added;     // added tokens (their ids are in `tokens` too)
  bool nfc = true;                   // apply NFC before pre-tokenization
  std::optional<int32_t> bos_id;
  std::optional<int32_t> eos_id;
  bool add_bos = false;              // whether the model's metadata asks for a BOS in front of a prompt
};

// Loaders. Each throws InvalidInputError naming the file and the field on malformed input, and
// UnsupportedError for a well-formed tokenizer of a kind hirelm does not implement.
TokenizerData load_tokenizer_json(std::string_view json, const std::string& name);
TokenizerData load_tokenizer_gguf(const formats::GgufFile& gguf);
// Applies tokenizer_config.json (bos_token, eos_token, add_bos_token) on top of `data`.
void apply_tokenizer_config(std::string_view json, const std::string& name, TokenizerData& data);

// Resolves a merge "left right" of token strings to ids; `where` names the field for errors.
BpeMerge resolve_merge(const TokenizerData& data, const std::string& left, const std::string& right,
                       const std::string& where);

}  // namespace hirelm::tokenizer
