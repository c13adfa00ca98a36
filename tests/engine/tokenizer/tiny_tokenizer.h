// A tiny, self-contained Qwen2-style tokenizer.json built in-process: the 256 byte tokens, a few merges
// ("h e" -> "he", "he l" -> "hel", "Ġ w" -> "Ġw"), and optional added tokens. Lets tests exercise the loader,
// its errors and the added-token flags without the reference data.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/tokenizer/byte_level.h"

namespace hirelm::test {

inline nlohmann::json tiny_tokenizer(bool merges_as_pairs = false) {
  using nlohmann::json;
  json vocab = json::object();
  for (int b = 0; b < 256; ++b) vocab[tokenizer::bytes_to_byte_level(std::string(1, static_cast<char>(b)))] = b;
  vocab["he"] = 256;
  vocab["hel"] = 257;
  vocab["\xC4\xA0w"] = 258;  // "Ġw"
  json merges = json::array();
  for (auto [l, r] : {std::pair<const char*, const char*>{"h", "e"}, {"he", "l"}, {"\xC4\xA0", "w"}}) {
    if (merges_as_pairs) {
      merges.push_back(json::array({l, r}));
    } else {
      merges.push_back(std::string(l) + " " + r);
    }
  }
  json split = {{"type", "Split"},
                {"pattern",
                 {{"Regex",
                   R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)"}}},
                {"behavior", "Isolated"},
                {"invert", false}};
  json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}};
  return json{{"version", "1.0"},
              {"added_tokens", json::array()},
              {"normalizer", {{"type", "NFC"}}},
              {"pre_tokenizer", {{"type", "Sequence"}, {"pretokenizers", json::array({split, byte_level})}}},
              {"decoder", byte_level},
              {"model",
               {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}, {"byte_fallback", false}, {"ignore_merges", false}}}};
}

inline nlohmann::json added_token(int id, const std::string& content, bool special) {
  return {{"id", id},         {"content", content}, {"single_word", false}, {"lstrip", false},
          {"rstrip", false},  {"normalized", false}, {"special", special}};
}

}  // namespace hirelm::test
