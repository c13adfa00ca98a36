#include "engine/grammar/automaton.h"

#include <algorithm>
#include <array>

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
    visited_set_.clear();
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

namespace {
constexpr size_t kLinearVisited = 32;
}  // namespace

bool Automaton::visit(uint64_t key) {
  if (visited_.size() < kLinearVisited) {
    if (std::find(visited_.begin(), visited_.end(), key) != visited_.end()) return false;
    visited_.push_back(key);
    return true;
  }
  if (visited_set_.empty()) visited_set_.insert(visited_.begin(), visited_.end());
  if (!visited_set_.insert(key).second) return false;
  visited_.push_back(key);
  return true;
}

void Automaton::settle(uint32_t pos, int32_t parent) {
  // The result depends only on (pos, parent), so a configuration met twice in one step is skipped; this
  // also ends cycles of tail calls through nullable rules.
  uint64_t key = (uint64_t{pos} << 32) | static_cast<uint32_t>(parent);
  if (!visit(key)) return;

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

int32_t Automaton::step(const std::vector<int32_t>& nodes, uint64_t which, uint8_t byte) {
  scratch_.clear();
  visited_.clear();
  visited_set_.clear();
  for (size_t j = 0; j < nodes.size(); ++j) {
    if (nodes[j] == 0) continue;
    if (which != ~uint64_t{0} && !((which >> j) & 1)) continue;
    Node n = nodes_[nodes[j]];
    const auto& element = grammar_->elements[n.pos];
    HIRELM_CHECK(element.kind == FlatGrammar::Element::Kind::kBytes);
    if (grammar_->byte_sets[element.id].test(byte)) settle(n.pos + 1, n.parent);
  }
  return intern_state(scratch_);
}

int32_t Automaton::compute_next(int32_t state, uint8_t byte) {
  current_ = states_[state];  // settle() may grow states_
  std::array<int32_t, 256> row;
  if (current_.size() > 64) {
    row.fill(-1);
    row[byte] = step(current_, ~uint64_t{0}, byte);
  } else {
    // Signature of a byte: which of the state's stacks accept it.
    std::array<uint64_t, 256> signature{};
    for (size_t j = 0; j < current_.size(); ++j) {
      if (current_[j] == 0) continue;
      const ByteSet& set = grammar_->byte_sets[grammar_->elements[nodes_[current_[j]].pos].id];
      for (int b = 0; b < 256; ++b) {
        if (set.test(static_cast<uint8_t>(b))) signature[static_cast<size_t>(b)] |= uint64_t{1} << j;
      }
    }
    std::vector<std::pair<uint64_t, int32_t>> done;
    for (int b = 0; b < 256; ++b) {
      uint64_t sig = signature[static_cast<size_t>(b)];
      if (sig == 0) {
        row[static_cast<size_t>(b)] = kDead;
        continue;
      }
      auto it = std::find_if(done.begin(), done.end(), [&](const auto& d) { return d.first == sig; });
      if (it != done.end()) {
        row[static_cast<size_t>(b)] = it->second;
        continue;
      }
      // Every byte with this signature is accepted by exactly the same stacks and each stack advances
      // past a byte-set element regardless of which byte it was, so one settle serves them all.
      int32_t next_state = step(current_, sig, static_cast<uint8_t>(b));
      done.emplace_back(sig, next_state);
      row[static_cast<size_t>(b)] = next_state;
    }
  }
  std::copy(row.begin(), row.end(), transitions_.begin() + static_cast<ptrdiff_t>(state) * 256);
  return row[byte];
}

int32_t Automaton::canonical_node(int32_t node) {
  if (node == 0) return 0;
  if (static_cast<size_t>(node) < canonical_nodes_.size() && canonical_nodes_[static_cast<size_t>(node)] >= 0) {
    return canonical_nodes_[static_cast<size_t>(node)];
  }
  Node n = nodes_[static_cast<size_t>(node)];
  int32_t parent = canonical_node(n.parent);
  uint32_t pos = n.pos;
  uint32_t rule = grammar_->rule_of_position[pos];
  auto [chain, k] = grammar_->chain_of_rule[rule];
  if (chain >= 0 && k > horizon_) {
    uint32_t canonical_rule = grammar_->chain_rules[static_cast<size_t>(chain)][static_cast<size_t>(horizon_ - 1)];
    pos = grammar_->rule_starts[canonical_rule][0] + (pos - grammar_->rule_starts[rule][0]);
  }
  int32_t result = (pos == n.pos && parent == n.parent) ? node : intern_node(pos, parent);
  if (canonical_nodes_.size() < nodes_.size()) canonical_nodes_.resize(nodes_.size(), -1);
  canonical_nodes_[static_cast<size_t>(node)] = result;
  return result;
}

int32_t Automaton::canonical_state(int32_t state) {
  if (horizon_ < 2 || grammar_->chain_rules.empty()) return state;
  if (static_cast<size_t>(state) < canonical_states_.size() && canonical_states_[static_cast<size_t>(state)] >= 0) {
    return canonical_states_[static_cast<size_t>(state)];
  }
  std::vector<int32_t> nodes = states_[static_cast<size_t>(state)];
  bool changed = false;
  for (int32_t& node : nodes) {
    int32_t c = canonical_node(node);
    changed |= c != node;
    node = c;
  }
  int32_t result = changed ? intern_state(nodes) : state;
  if (canonical_states_.size() < states_.size()) canonical_states_.resize(states_.size(), -1);
  canonical_states_[static_cast<size_t>(state)] = result;
  return result;
}

}  // namespace hirelm::grammar
