// A set of token ids as a bitset over the vocabulary: the "allowed tokens" answer of a constraint.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

namespace hirelm::grammar {

class TokenMask {
 public:
  TokenMask() = default;
  explicit TokenMask(int32_t size) { resize(size); }

  void resize(int32_t size) {
    size_ = size;
    words_.assign((static_cast<size_t>(size) + 63) / 64, 0);
  }
  int32_t size() const { return size_; }
  void clear() { std::fill(words_.begin(), words_.end(), 0); }
  void set(int32_t id) { words_[static_cast<size_t>(id) >> 6] |= uint64_t{1} << (id & 63); }
  void reset(int32_t id) { words_[static_cast<size_t>(id) >> 6] &= ~(uint64_t{1} << (id & 63)); }
  bool test(int32_t id) const {
    return id >= 0 && id < size_ && ((words_[static_cast<size_t>(id) >> 6] >> (id & 63)) & 1);
  }
  int64_t count() const {
    int64_t n = 0;
    for (uint64_t w : words_) n += std::popcount(w);
    return n;
  }
  // Calls f(id) for every id in the set, in increasing order.
  template <typename F>
  void for_each(F&& f) const {
    for (size_t w = 0; w < words_.size(); ++w) {
      for (uint64_t bits = words_[w]; bits != 0; bits &= bits - 1) {
        f(static_cast<int32_t>(w * 64 + static_cast<size_t>(std::countr_zero(bits))));
      }
    }
  }
  std::vector<uint64_t>& words() { return words_; }
  const std::vector<uint64_t>& words() const { return words_; }

 private:
  int32_t size_ = 0;
  std::vector<uint64_t> words_;
};

}  // namespace hirelm::grammar
