// A fixed-size, direct-mapped cache from a pre-tokenizer piece (raw bytes) to its BPE ids. Text repeats
// words constantly, so most pieces skip BPE entirely. Not thread-safe by itself: the tokenizer guards it
// with a try-lock and simply bypasses it when another thread holds it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hirelm::tokenizer {

class WordCache {
 public:
  static constexpr size_t kSlots = size_t{1} << 15;
  static constexpr size_t kMaxWordBytes = 64;  // longer pieces are rare and not cached

  WordCache() : slots_(kSlots) {}

  static uint64_t hash(std::string_view word) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (char c : word) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
    return h | 1;  // never 0, which marks an empty slot
  }

  // Appends the cached ids of `word` to `out` and returns true, or returns false on a miss.
  bool lookup(std::string_view word, uint64_t h, std::vector<int32_t>& out) const {
    const Slot& s = slots_[h & (kSlots - 1)];
    if (s.hash != h || s.key != word) return false;
    out.insert(out.end(), s.ids.begin(), s.ids.end());
    return true;
  }

  void store(std::string_view word, uint64_t h, const int32_t* ids, size_t count) {
    Slot& s = slots_[h & (kSlots - 1)];
    s.hash = h;
    s.key.assign(word);
    s.ids.assign(ids, ids + count);
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    std::string key;
    std::vector<int32_t> ids;
  };
  std::vector<Slot> slots_;
};

}  // namespace hirelm::tokenizer
