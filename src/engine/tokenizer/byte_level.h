// GPT-2 byte-level alphabet ("bytes_to_unicode"): every byte 0..255 is spelled as one printable code
// point, so a vocabulary of strings can hold arbitrary bytes. Printable ASCII and Latin-1 bytes
// (0x21..0x7E, 0xA1..0xAC, 0xAE..0xFF) map to themselves; the other 68 bytes map, in increasing byte
// order, to U+0100, U+0101, ... (so the space 0x20 becomes U+0120 'Ġ' and '\n' becomes U+010A 'Ċ').
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hirelm::tokenizer {

// The code point that spells `byte`.
char32_t byte_to_char(uint8_t byte);

// The byte that code point `cp` spells, or nullopt if cp is not in the byte-level alphabet.
std::optional<uint8_t> char_to_byte(char32_t cp);

// Spells raw bytes in the byte-level alphabet (UTF-8 of the mapped code points).
std::string bytes_to_byte_level(std::string_view bytes);

// Turns a vocabulary string back into raw bytes. As Hugging Face's ByteLevel decoder does, a string
// containing any code point outside the alphabet (or ill-formed UTF-8) is taken as its own UTF-8 bytes.
std::string byte_level_to_bytes(std::string_view token);

}  // namespace hirelm::tokenizer
