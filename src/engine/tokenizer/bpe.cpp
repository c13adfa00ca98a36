#include "engine/tokenizer/bpe.h"

#include <algorithm>
#include <climits>
#include <functional>

namespace hirelm::tokenizer {

MergeTable::MergeTable(const std::vector<BpeMerge>& merges) {
  size_t capacity = 16;
  while (capacity < merges.size() * 2) capacity *= 2;
  entries_.assign(capacity, Entry{});
  mask_ = capacity - 1;
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const BpeMerge& m = merges[rank];
    uint64_t key = (uint64_t(uint32_t(m.left)) << 32) | uint32_t(m.right);
    size_t slot = hash(key) & mask_;
    while (entries_[slot].key != kEmpty && entries_[slot].key != key) slot = (slot + 1) & mask_;
    entries_[slot] = Entry{key, static_cast<int32_t>(rank), m.result};
  }
}

BpeModel::BpeModel(const std::array<int32_t, 256>& byte_ids, const std::vector<BpeMerge>& merges)
    : byte_ids_(byte_ids), merges_(merges) {}

namespace {
// Words longer than this use the O(n log n) heap merge instead of the O(n^2) scan, so adversarial input
// (a megabyte without a word break) stays linear-ish.
constexpr size_t kShortWordBytes = 96;
}  // namespace

void BpeModel::encode_word(std::string_view word, std::vector<int32_t>& out, BpeScratch& scratch) const {
  if (word.size() == 1) {
    out.push_back(byte_ids_[static_cast<uint8_t>(word[0])]);
    return;
  }
  if (word.size() <= kShortWordBytes) {
    encode_short(word, out, scratch);
  } else {
    encode_long(word, out, scratch);
  }
}

void BpeModel::encode_short(std::string_view word, std::vector<int32_t>& out, BpeScratch& scratch) const {
  auto& sym = scratch.symbols;
  auto& rank = scratch.ranks;
  const size_t n0 = word.size();
  sym.resize(n0);
  rank.resize(n0);
  for (size_t i = 0; i < n0; ++i) sym[i] = byte_ids_[static_cast<uint8_t>(word[i])];
  auto pair_rank = [&](size_t i) {
    const MergeTable::Entry* e = merges_.find(sym[i], sym[i + 1]);
    return e ? e->rank : INT_MAX;
  };
  size_t n = n0;
  for (size_t i = 0; i + 1 < n; ++i) rank[i] = pair_rank(i);
  while (n > 1) {
    size_t best = 0;
    int32_t best_rank = rank[0];
    for (size_t i = 1; i + 1 < n; ++i) {
      if (rank[i] < best_rank) {
        best_rank = rank[i];
        best = i;
      }
    }
    if (best_rank == INT_MAX) break;
    sym[best] = merges_.find(sym[best], sym[best + 1])->result;
    // Remove symbol best+1 and pair rank best+1 (the pair best..best+1 is now inside sym[best]).
    std::copy(sym.begin() + best + 2, sym.begin() + n, sym.begin() + best + 1);
    if (best + 2 < n) std::copy(rank.begin() + best + 2, rank.begin() + n - 1, rank.begin() + best + 1);
    --n;
    if (best > 0) rank[best - 1] = pair_rank(best - 1);
    if (best + 1 < n) rank[best] = pair_rank(best);
  }
  out.insert(out.end(), sym.begin(), sym.begin() + n);
}

void BpeModel::encode_long(std::string_view word, std::vector<int32_t>& out, BpeScratch& scratch) const {
  // Doubly linked list of symbols over positions 0..n-1; a merged-away symbol has sym = -1. The heap
  // holds (rank << 32 | position) of candidate pairs starting at `position`; stale candidates are
  // skipped by re-checking that the pair still exists with that rank.
  const size_t n = word.size();
  auto& sym = scratch.symbols;
  auto& next = scratch.next;
  auto& prev = scratch.prev;
  auto& heap = scratch.heap;
  sym.resize(n);
  next.resize(n);
  prev.resize(n);
  heap.clear();
  for (size_t i = 0; i < n; ++i) {
    sym[i] = byte_ids_[static_cast<uint8_t>(word[i])];
    next[i] = i + 1 < n ? static_cast<int32_t>(i + 1) : -1;
    prev[i] = static_cast<int32_t>(i) - 1;
  }
  auto push = [&](int32_t pos) {
    if (pos < 0 || next[pos] < 0) return;
    const MergeTable::Entry* e = merges_.find(sym[pos], sym[next[pos]]);
    if (!e) return;
    heap.push_back((uint64_t(uint32_t(e->rank)) << 32) | uint32_t(pos));
    std::push_heap(heap.begin(), heap.end(), std::greater<>());
  };
  for (size_t i = 0; i + 1 < n; ++i) push(static_cast<int32_t>(i));
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>());
    uint64_t top = heap.back();
    heap.pop_back();
    auto pos = static_cast<int32_t>(top & 0xFFFFFFFFu);
    auto r = static_cast<int32_t>(top >> 32);
    if (sym[pos] < 0 || next[pos] < 0) continue;
    const MergeTable::Entry* e = merges_.find(sym[pos], sym[next[pos]]);
    if (!e || e->rank != r) continue;
    int32_t right = next[pos];
    sym[pos] = e->result;
    sym[right] = -1;
    next[pos] = next[right];
    if (next[pos] >= 0) prev[next[pos]] = pos;
    push(prev[pos]);
    push(pos);
  }
  for (int32_t i = 0; i >= 0; i = next[i]) out.push_back(sym[i]);
}

}  // namespace hirelm::tokenizer
