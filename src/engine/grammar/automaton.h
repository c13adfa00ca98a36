// A lazily built deterministic automaton over bytes for a FlatGrammar (a pushdown grammar run as a DFA
// whose states are discovered on demand).
//
// A parse stack is a chain of interned nodes (position, parent): the top position always points at a
// byte-set element, the parents hold return positions. Stacks are shared and identified by their top
// node, so a state — the set of stacks the input so far can be in — is a sorted vector of node ids,
// interned to a state id. Transitions (state, byte) are computed once and stored in a 256-wide row per
// state, so walking the vocabulary trie costs one array load per trie edge once warm.
//
// State 0 is the dead state (no stack). Node 0 is the empty stack: a state holding it is accepting.
//
// Not thread-safe: Grammar serialises access.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/grammar/grammar_builder.h"

namespace hirelm::grammar {

class Automaton {
 public:
  static constexpr int32_t kDead = 0;

  explicit Automaton(std::shared_ptr<const FlatGrammar> grammar);

  // The initial state for the constraint (answer = true: leading whitespace allowed first).
  int32_t start_state(bool answer) const { return answer ? answer_start_ : start_; }

  int32_t next(int32_t state, uint8_t byte) {
    int32_t t = transitions_[static_cast<size_t>(state) * 256 + byte];
    return t >= 0 ? t : compute_next(state, byte);
  }
  bool accepting(int32_t state) const { return accepting_[state] != 0; }
  // True when some byte can extend the input (a stack other than the empty one remains).
  bool can_continue(int32_t state) const {
    const auto& set = states_[state];
    return !set.empty() && set.back() != 0;
  }
  // The state with every bounded-repetition chain position tail_k (k > horizon) replaced by tail_horizon.
  // For any input of at most `horizon` bytes both states accept exactly the same inputs (each repetition
  // step consumes a byte, so no path can reach the end of a chain), so they share the mask of short tokens.
  void set_chain_horizon(int64_t horizon) { horizon_ = horizon; }
  int32_t canonical_state(int32_t state);

  size_t state_count() const { return states_.size(); }
  size_t node_count() const { return nodes_.size(); }
  const FlatGrammar& grammar() const { return *grammar_; }

 private:
  struct Node {
    uint32_t pos;
    int32_t parent;
  };
  struct VectorHash {
    size_t operator()(const std::vector<int32_t>& v) const;
  };

  // Fills the whole transition row of `state` and returns its entry for `byte`. Bytes that the state's
  // stacks treat alike (the same stacks accept them) share one settle, so a string-character state
  // costs a handful of settles, not one per byte.
  int32_t compute_next(int32_t state, uint8_t byte);
  int32_t step(const std::vector<int32_t>& nodes, uint64_t which, uint8_t byte);
  bool visit(uint64_t key);
  int32_t intern_node(uint32_t pos, int32_t parent);
  int32_t intern_state(std::vector<int32_t>& nodes);
  // Adds to scratch_ every settled stack reachable from "match `pos` next, then return to `parent`".
  void settle(uint32_t pos, int32_t parent);

  std::shared_ptr<const FlatGrammar> grammar_;
  std::vector<Node> nodes_;
  std::unordered_map<uint64_t, int32_t> node_ids_;
  std::vector<std::vector<int32_t>> states_;  // sorted descending so that node 0 comes last
  std::unordered_map<std::vector<int32_t>, int32_t, VectorHash> state_ids_;
  std::vector<int32_t> transitions_;  // states_.size() * 256, -1 = not computed yet
  std::vector<uint8_t> accepting_;
  std::vector<int32_t> scratch_;
  std::vector<uint64_t> visited_;         // configurations settled this step (small: linear scan)
  std::unordered_set<uint64_t> visited_set_;  // used once visited_ grows past kLinearVisited
  std::vector<int32_t> current_;
  int32_t canonical_node(int32_t node);
  int64_t horizon_ = 0;  // 0: no canonicalisation
  std::vector<int32_t> canonical_states_;  // per state, -1 = not computed
  std::vector<int32_t> canonical_nodes_;   // per node, -1 = not computed
  int32_t start_ = 0;
  int32_t answer_start_ = 0;
};

}  // namespace hirelm::grammar
