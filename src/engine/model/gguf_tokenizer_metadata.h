// Turns a Hugging Face tokenizer (tokenizer.json + tokenizer_config.json + chat template) into the
// tokenizer.ggml.* and tokenizer.chat_template GGUF metadata that llama.cpp's convert_hf_to_gguf.py
// writes for byte-level BPE models, so a GGUF we write carries the real tokenizer.
#pragma once

#include <cstdint>
#include <string>

namespace hirelm::formats {
class GgufWriter;
}

namespace hirelm::model {

struct TokenizerFiles {
  std::string tokenizer_json;         // path
  std::string tokenizer_config_json;  // path; may be empty
  std::string chat_template;          // path of a .jinja file; may be empty (then tokenizer_config's)
  std::string pre = "qwen2";          // tokenizer.ggml.pre
};

// The files of a model directory: tokenizer.json, tokenizer_config.json, chat_template.jinja if present.
TokenizerFiles tokenizer_files_in(const std::string& dir, const std::string& pre);

// Adds tokenizer.ggml.{model,pre,tokens,token_type,merges,bos_token_id,eos_token_id,padding_token_id,
// add_bos_token,add_eos_token} and tokenizer.chat_template. The token list is padded to n_vocab entries
// with "[PAD<id>]" tokens of type UNUSED, as llama.cpp does for the embedding's padding rows.
// Token types: 1 normal, 3 control (special added tokens), 4 user-defined (other added tokens), 5 unused.
// Throws NotFoundError / InvalidInputError naming the file and field.
void add_gguf_tokenizer_metadata(formats::GgufWriter& writer, const TokenizerFiles& files, int64_t n_vocab);

}  // namespace hirelm::model
