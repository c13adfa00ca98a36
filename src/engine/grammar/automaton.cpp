#include "engine/grammar/automaton.h"

#include <algorithm>

#include "util/check.h"

namespace hirelm::grammar {

size_t Automaton::VectorHash::operator()(const std::vector<int32_t>& v) const {
  uint64_t h = 1469598103934665603ull;
  for (int32_t x : v) h = (h ^ static_cast<uint32_t>(x)) * 1099511628211ull;
  return static_cast<size_t>(h);
}

Automaton::Automaton(std::shared_ptr<const FlatGrammar> grammar) : grammar_(std::move(grammar)) {
  nodes_.push_back({0, -1});  // the empty stack
  std::vector<int32_t> dead;
  intern_state(dead);
  for (bool answer : {false, true}) {
    scratch_.clear();
    visited_.clear();
    for (uint32_t start : grammar_->rule_starts[answer ? grammar_->answer_root : grammar_->root]) settle(start, 0);
    int32_t s = intern_state(scratch_);
    (answer ? answer_start_ : start_) = s;
  }
}

int32_t Automaton::intern_node(uint32_t pos, int32_t parent) {
  uint64_t key = (uint64_t{pos} << 32) | static_cast<uint32_t>(parent);
  auto [it, inserted] = node_ids_.try_emplace(key, static_cast<int32_t>(nodes_.size()));
  if (inserted) nodes_.push_back({pos, parent});
  return it->second;
}

int32_t Automaton::intern_state(std::vector<int32_t>& nodes) {
  std::sort(nodes.begin(), nodes.end(), std::greater<>());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  auto [it, inserted] = state_ids_.try_emplace(nodes, static_cast<int32_t>(states_.size()));
  if (inserted) {
    states_.push_back(nodes);
    transitions_.resize(states_.size() * 256, -1);
    accepting_.push_back(!nodes.empty() && nodes.back() == 0);
  }
  return it->second;
}

void Automaton::settle(uint32_t pos, int32_t parent) {
  // The result depends only on (pos, parent), so a configuration met twice in one step is skipped; this
  // also ends cycles of tail calls through nullable rules.
  uint64_t key = (uint64_t{pos} << 32) | static_cast<uint32_t>(parent);
  if (!visited_.insert(key).second) return;

  const auto& element = grammar_->elements[pos];
  using Kind = FlatGrammar::Element::Kind;
  switch (element.kind) {
    case Kind::kBytes:
      scratch_.push_back(intern_node(pos, parent));
      return;
    case Kind::kEnd:
      if (parent == 0) {
        scratch_.push_back(0);
      } else {
        Node ret = nodes_[parent];
        settle(ret.pos, ret.parent);
      }
      return;
    case Kind::kRule: {
      // Tail call: a reference in last position pushes no return frame, so right recursion runs in
      // constant stack depth.
      int32_t ret = parent;
      if (grammar_->elements[pos + 1].kind != Kind::kEnd) ret = intern_node(pos + 1, parent);
      for (uint32_t start : grammar_->rule_starts[element.id]) settle(start, ret);
      return;
    }
  }
}

int32_t Automaton::compute_next(int32_t state, uint8_t byte) {
  scratch_.clear();
  visited_.clear();
  // Copy: settle() may grow states_.
  const std::vector<int32_t> current = states_[state];
  for (int32_t node : current) {
    if (node == 0) continue;
    Node n = nodes_[node];
    const auto& element = grammar_->elements[n.pos];
    HIRELM_CHECK(element.kind == FlatGrammar::Element::Kind::kBytes);
    if (grammar_->byte_sets[element.id].test(byte)) settle(n.pos + 1, n.parent);
  }
  int32_t next_state = intern_state(scratch_);
  transitions_[static_cast<size_t>(state) * 256 + byte] = next_state;
  return next_state;
}

}  // namespace hirelm::grammar
