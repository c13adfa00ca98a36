// A batch of tokens for one forward pass: tokens from any number of sequences, interleaved freely, each
// with its own sequence id and position. This is the unit continuous batching schedules.
#pragma once

#include <cstdint>
#include <vector>

namespace hirelm::model {

struct Batch {
  std::vector<int32_t> tokens;     // [n] token ids in [0, n_vocab)
  std::vector<int32_t> positions;  // [n] position of each token in its sequence
  std::vector<int32_t> seq_ids;    // [n] sequence (KV cache entry) of each token
  std::vector<uint8_t> want_logits;  // [n] 1 = write this token's logits; empty = only the last token's

  size_t size() const { return tokens.size(); }
  void add(int32_t token, int32_t position, int32_t seq_id, bool logits) {
    tokens.push_back(token);
    positions.push_back(position);
    seq_ids.push_back(seq_id);
    want_logits.push_back(logits ? 1 : 0);
  }
  void clear() {
    tokens.clear();
    positions.clear();
    seq_ids.clear();
    want_logits.clear();
  }
};

// A batch holding one sequence's tokens at positions start, start+1, ...; logits for the last one only
// unless all_logits.
Batch make_sequence_batch(const std::vector<int32_t>& tokens, int32_t seq_id, int32_t start, bool all_logits);

}  // namespace hirelm::model
