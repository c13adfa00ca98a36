// libFuzzer target: the encoder on arbitrary bytes, in trusted and untrusted mode, with the round-trip
// contract asserted: for well-formed UTF-8 x, decode(encode(x)) == NFC(x) in both modes; for any bytes,
// encoding never fails and decoding yields well-formed UTF-8. Uses a small tokenizer built in-process
// (256 byte tokens, a few merges, added tokens with every flag) so the fuzzer needs no files.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/tokenizer/byte_level.h"
#include "engine/tokenizer/detokenizer.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/unicode_class.h"
#include "engine/tokenizer/utf8.h"

namespace {

using nlohmann::json;

hirelm::Tokenizer make_tokenizer() {
  json vocab = json::object();
  int next = 0;
  for (int b = 0; b < 256; ++b) vocab[hirelm::tokenizer::bytes_to_byte_level(std::string(1, static_cast<char>(b)))] = next++;
  json merges = json::array();
  // Merges over common pairs so that BPE does real work: all pairs of "aeht Ġ" and their triples.
  const char* letters[] = {"a", "e", "h", "t", "\xC4\xA0"};
  for (const char* l : letters) {
    for (const char* r : letters) {
      std::string m = std::string(l) + r;
      if (!vocab.contains(m)) vocab[m] = next++;
      merges.push_back(std::string(l) + " " + r);
    }
  }
  for (const char* l : letters) {
    std::string left = std::string(l) + l;
    for (const char* r : letters) {
      std::string m = left + r;
      if (!vocab.contains(m)) vocab[m] = next++;
      merges.push_back(left + " " + r);
    }
  }
  auto added = [&](const std::string& content, bool special, bool lstrip, bool rstrip, bool normalized, bool single) {
    return json{{"id", next++},        {"content", content}, {"special", special}, {"lstrip", lstrip},
                {"rstrip", rstrip},    {"normalized", normalized}, {"single_word", single}};
  };
  json added_tokens = json::array({added("<s>", true, false, false, false, false),
                                   added("<think>", false, false, false, false, false),
                                   added("[L]", false, true, true, false, false),
                                   added("ab", false, false, false, false, true),
                                   added("\xC3\xA9", false, false, false, true, false)});
  std::string pattern =
      R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
  json split = {{"type", "Split"}, {"pattern", {{"Regex", pattern}}}, {"behavior", "Isolated"}, {"invert", false}};
  json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}};
  json j = {{"added_tokens", added_tokens},
            {"normalizer", {{"type", "NFC"}}},
            {"pre_tokenizer", {{"type", "Sequence"}, {"pretokenizers", json::array({split, byte_level})}}},
            {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}}}};
  return hirelm::Tokenizer::from_json(j.dump(), "fuzz-tokenizer.json");
}

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_tokenizer_encode: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const hirelm::Tokenizer tok = make_tokenizer();
  std::string text(reinterpret_cast<const char*>(data), size);
  bool valid = hirelm::tokenizer::utf8_is_valid(text);
  std::string expected = hirelm::tokenizer::nfc(hirelm::tokenizer::utf8_sanitize(text));
  for (bool parse_special : {true, false}) {
    auto ids = tok.encode(text, {.parse_special = parse_special});
    std::string back = tok.decode(ids);
    check(hirelm::tokenizer::utf8_is_valid(back), "decode produced ill-formed UTF-8");
    // Invalid input becomes U+FFFD first, so the round trip holds against the sanitized text as well.
    // In trusted mode added tokens are split off before NFC (as Hugging Face does), so a mark after a
    // token does not compose with it: there only NFC(decode) must match. With lstrip/rstrip tokens the
    // swallowed whitespace is gone by design.
    bool has_added = false;
    for (int32_t id : ids) has_added = has_added || tok.is_added(id);
    if (!has_added) {
      check(back == expected, valid ? "decode(encode(x)) != NFC(x)" : "decode(encode(x)) != NFC(sanitize(x))");
    } else if (text.find("[L]") == std::string::npos) {
      check(hirelm::tokenizer::nfc(back) == expected, "NFC(decode(encode(x))) != NFC(x) with added tokens");
    }
    if (!parse_special) {
      for (int32_t id : ids) check(!tok.is_added(id), "untrusted text produced an added token");
    }
    // Streaming gives the same text as decode.
    hirelm::StreamingDetokenizer detok(tok);
    std::string streamed;
    for (int32_t id : ids) streamed += detok.push(id);
    streamed += detok.flush();
    check(streamed == back, "streaming detokenizer disagrees with decode");
  }
  return 0;
}
