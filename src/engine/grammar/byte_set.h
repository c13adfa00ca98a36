// A set of byte values (0..255): the terminal alphabet of every constraint grammar. Grammars work on
// bytes, not characters, so a multi-byte UTF-8 character is a sequence of byte sets.
#pragma once

#include <array>
#include <cstdint>

namespace hirelm::grammar {

class ByteSet {
 public:
  ByteSet() = default;
  static ByteSet single(uint8_t b) {
    ByteSet s;
    s.set(b);
    return s;
  }
  // The inclusive range [lo, hi]; empty when lo > hi.
  static ByteSet range(uint8_t lo, uint8_t hi) {
    ByteSet s;
    s.set_range(lo, hi);
    return s;
  }
  static ByteSet all() { return range(0, 255); }

  void set(uint8_t b) { bits_[b >> 6] |= uint64_t{1} << (b & 63); }
  void set_range(unsigned lo, unsigned hi) {
    for (unsigned b = lo; b <= hi && b < 256; ++b) set(static_cast<uint8_t>(b));
  }
  void reset(uint8_t b) { bits_[b >> 6] &= ~(uint64_t{1} << (b & 63)); }
  bool test(uint8_t b) const { return (bits_[b >> 6] >> (b & 63)) & 1; }
  bool empty() const { return (bits_[0] | bits_[1] | bits_[2] | bits_[3]) == 0; }
  ByteSet& operator|=(const ByteSet& o) {
    for (int i = 0; i < 4; ++i) bits_[i] |= o.bits_[i];
    return *this;
  }
  ByteSet complement() const {
    ByteSet s;
    for (int i = 0; i < 4; ++i) s.bits_[i] = ~bits_[i];
    return s;
  }
  bool operator==(const ByteSet& o) const { return bits_ == o.bits_; }
  const std::array<uint64_t, 4>& words() const { return bits_; }

 private:
  std::array<uint64_t, 4> bits_{};
};

}  // namespace hirelm::grammar
