#include "screening/documents/text_decoding.h"

#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include <memory>
#include <optional>

#include "screening/documents/text_normalizer.h"
#include "util/error.h"

namespace hirelm::documents {
namespace {

std::string decode_utf16(std::string_view bytes, bool little_endian) {
  std::string out;
  out.reserve(bytes.size());
  const size_t n = bytes.size() / 2;
  auto unit = [&](size_t i) -> char32_t {
    const auto lo = static_cast<unsigned char>(bytes[2 * i + (little_endian ? 0 : 1)]);
    const auto hi = static_cast<unsigned char>(bytes[2 * i + (little_endian ? 1 : 0)]);
    return static_cast<char32_t>(hi << 8 | lo);
  };
  for (size_t i = 0; i < n; ++i) {
    char32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n) {
      const char32_t low = unit(i + 1);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
        ++i;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) u = 0xFFFD;
    append_utf8(out, u);
  }
  if (bytes.size() % 2) append_utf8(out, 0xFFFD);  // a dangling odd byte: the file was cut
  return out;
}

// BOM-less UTF-16: in text with ASCII in it, every other byte is NUL. Returns the byte order if the
// pattern is clear (most NULs on one parity, and many of them), nothing otherwise.
std::optional<bool> utf16_by_nul_pattern(std::string_view bytes) {
  const size_t n = std::min<size_t>(bytes.size(), 8192) & ~size_t{1};
  if (n < 4) return std::nullopt;
  size_t even_nul = 0;
  size_t odd_nul = 0;
  for (size_t i = 0; i < n; ++i) {
    if (bytes[i] == 0) ++(i % 2 ? odd_nul : even_nul);
  }
  const size_t pairs = n / 2;
  if (odd_nul * 4 >= pairs && even_nul * 10 <= odd_nul) return true;   // "a\0b\0": little endian
  if (even_nul * 4 >= pairs && odd_nul * 10 <= even_nul) return false;  // "\0a\0b": big endian
  return std::nullopt;
}

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

// Converts with the STOP callback: returns nothing if any byte sequence is invalid in `charset`.
std::optional<std::string> try_convert(std::string_view bytes, const char* charset, bool* unknown_charset) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> conv(ucnv_open(charset, &status));
  if (U_FAILURE(status)) {
    if (unknown_charset) *unknown_charset = true;
    return std::nullopt;
  }
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  if (U_FAILURE(status)) return std::nullopt;
  std::u16string utf16(bytes.size() + 1, u'\0');
  const int32_t len = ucnv_toUChars(conv.get(), utf16.data(), static_cast<int32_t>(utf16.size()), bytes.data(),
                                    static_cast<int32_t>(bytes.size()), &status);
  if (U_FAILURE(status)) return std::nullopt;
  std::string out(static_cast<size_t>(len) * 3 + 1, '\0');
  int32_t out_len = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &out_len, utf16.data(), len, &status);
  if (U_FAILURE(status)) return std::nullopt;
  out.resize(static_cast<size_t>(out_len));
  return out;
}

}  // namespace

DecodedText decode_text(std::string_view bytes) {
  auto starts = [&](std::string_view prefix) { return bytes.substr(0, prefix.size()) == prefix; };
  if (starts("\xEF\xBB\xBF")) return {sanitize_utf8(bytes.substr(3)), "UTF-8"};
  if (starts("\xFF\xFE")) return {decode_utf16(bytes.substr(2), true), "UTF-16LE"};
  if (starts("\xFE\xFF")) return {decode_utf16(bytes.substr(2), false), "UTF-16BE"};
  if (auto le = utf16_by_nul_pattern(bytes)) {
    return {decode_utf16(bytes, *le), *le ? "UTF-16LE" : "UTF-16BE"};
  }
  if (is_valid_utf8(bytes)) return {std::string(bytes), "UTF-8"};
  if (auto gb = try_convert(bytes, "GB18030", nullptr)) return {std::move(*gb), "GB18030"};
  if (auto latin = try_convert(bytes, "windows-1252", nullptr)) return {std::move(*latin), "windows-1252"};
  return {sanitize_utf8(bytes), "UTF-8"};
}

std::string convert_to_utf8(std::string_view bytes, const std::string& charset, const std::string& what) {
  bool unknown = false;
  // GBK and GB2312 pages routinely contain GB18030-only characters; decode them with the superset.
  std::string name = charset;
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "gbk" || name == "gb2312" || name == "gb_2312-80" || name == "x-gbk" || name == "cp936") {
    name = "GB18030";
  }
  auto out = try_convert(bytes, name.c_str(), &unknown);
  if (unknown) throw InvalidInputError(what + ": unknown charset '" + charset + "'");
  if (!out) throw InvalidInputError(what + ": bytes are not valid " + charset);
  return std::move(*out);
}

}  // namespace hirelm::documents
