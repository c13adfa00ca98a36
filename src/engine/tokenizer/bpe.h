// Byte-level BPE by merge rank. A word (one pre-tokenizer piece, as raw bytes) starts as one symbol per
// byte; the adjacent pair with the lowest merge rank is merged, leftmost first among equal ranks, until no
// adjacent pair has a merge. This is Hugging Face's BPE with dropout off and ignore_merges false.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hirelm::tokenizer {

// One merge rule: tokens `left` + `right` become `result`. Its rank is its index in the merge list.
struct BpeMerge {
  int32_t left = 0;
  int32_t right = 0;
  int32_t result = 0;
};

// Open-addressing hash map from a token-id pair to (rank, merged id). Immutable after construction.
class MergeTable {
 public:
  struct Entry {
    uint64_t key = kEmpty;  // (uint64(left) << 32) | uint32(right)
    int32_t rank = 0;
    int32_t result = 0;
  };
  static constexpr uint64_t kEmpty = ~uint64_t{0};

  MergeTable() = default;
  // When a pair appears more than once, the later rule wins (as in Hugging Face's loader).
  explicit MergeTable(const std::vector<BpeMerge>& merges);

  // The entry for (left, right), or nullptr if the pair does not merge.
  const Entry* find(int32_t left, int32_t right) const {
    if (entries_.empty()) return nullptr;
    uint64_t key = (uint64_t(uint32_t(left)) << 32) | uint32_t(right);
    size_t slot = hash(key) & mask_;
    while (true) {
      const Entry& e = entries_[slot];
      if (e.key == key) return &e;
      if (e.key == kEmpty) return nullptr;
      slot = (slot + 1) & mask_;
    }
  }

 private:
  static size_t hash(uint64_t key) { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 29); }
  std::vector<Entry> entries_;
  size_t mask_ = 0;
};

// Reusable buffers for BpeModel::encode_word, so the hot loop does not allocate once warm.
struct BpeScratch {
  std::vector<int32_t> symbols;
  std::vector<int32_t> ranks;
  std::vector<int32_t> next, prev;
  std::vector<uint64_t> heap;
};

class BpeModel {
 public:
  BpeModel() = default;
  // byte_ids[b] is the id of the one-byte token for byte b (all 256 must exist).
  BpeModel(const std::array<int32_t, 256>& byte_ids, const std::vector<BpeMerge>& merges);

  // Appends the ids of `word` (raw bytes, non-empty) to `out`.
  void encode_word(std::string_view word, std::vector<int32_t>& out, BpeScratch& scratch) const;

 private:
  void encode_short(std::string_view word, std::vector<int32_t>& out, BpeScratch& scratch) const;
  void encode_long(std::string_view word, std::vector<int32_t>& out, BpeScratch& scratch) const;

  std::array<int32_t, 256> byte_ids_{};
  MergeTable merges_;
};

}  // namespace hirelm::tokenizer
