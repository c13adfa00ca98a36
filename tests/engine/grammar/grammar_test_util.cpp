#include "grammar_test_util.h"

#include <cmath>

#include "engine/tokenizer/tokenizer.h"
#include "support/reference.h"

namespace hirelm::grammar::test {

const SmallVocab& small_vocab() {
  static const SmallVocab v = [] {
    std::vector<std::string> tokens;
    for (int b = 0; b < 256; ++b) tokens.emplace_back(1, static_cast<char>(b));
    for (const char* t : {"{\"", "\":", "\",", "\"}", ", \"", "\": \"", "null", "true", "false", " \"", "\n ", "  ",
                          "\n\n", "12", "0.", "-1", "e5", "本科", "硕士", "博士", "张三", "工程师", "北京大学", "name",
                          "email", "@", ".com", "abc", "\\\"", "\\n", "\\u00e9", "\\ud83d", "\"]", "[{\"", "}]",
                          "},{\"", "[]", "{}", "\"\"", "2023-", "-02-29", "01-31", "\xe4\xb8", "\xad\xe6\x96\x87",
                          "x@y", "a.b", "...", "</", "think", ">", ">\n\n", "ab", "abab", "yes", "no", "maybe"}) {
      tokens.emplace_back(t);
    }
    SmallVocab out{};
    out.eos = static_cast<int32_t>(tokens.size());
    tokens.emplace_back("<eos>");
    out.think_start = static_cast<int32_t>(tokens.size());
    tokens.emplace_back("<think>");
    out.think_end = static_cast<int32_t>(tokens.size());
    tokens.emplace_back("</think>");
    out.control = static_cast<int32_t>(tokens.size());
    tokens.emplace_back("<|control|>");
    std::vector<bool> added(tokens.size(), false), control(tokens.size(), false);
    for (int32_t id : {out.eos, out.think_start, out.think_end, out.control}) added[static_cast<size_t>(id)] = true;
    control[static_cast<size_t>(out.eos)] = true;
    control[static_cast<size_t>(out.control)] = true;
    out.vocab = Vocabulary::from_tokens(tokens, added, control, out.eos, out.think_end);
    return out;
  }();
  return v;
}

std::shared_ptr<const Vocabulary> deepseek_vocab() {
  static const std::shared_ptr<const Vocabulary> v = []() -> std::shared_ptr<const Vocabulary> {
    if (!hirelm::test::reference_available()) return nullptr;
    Tokenizer tok = Tokenizer::from_path(hirelm::test::reference_path("deepseek-r1-distill-qwen-1.5b"));
    return Vocabulary::from_tokenizer(tok);
  }();
  return v;
}

bool matches(const FlatGrammar& grammar, std::string_view text) {
  Automaton a(std::make_shared<const FlatGrammar>(grammar));
  int32_t s = a.start_state(false);
  for (char c : text) {
    s = a.next(s, static_cast<uint8_t>(c));
    if (s == Automaton::kDead) return false;
  }
  return a.accepting(s);
}

Generation generate(GrammarState& state, std::mt19937_64& rng, int max_tokens, double greedy_rate) {
  Generation g;
  TokenMask mask;
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  // A tiny random model: fixed random logits per token. Each step takes the top-ranked allowed token
  // with probability `greedy_rate`, else draws from the softmax over the allowed tokens.
  state.allowed_tokens(mask);
  std::vector<double> logit(static_cast<size_t>(mask.size())), weight(logit.size());
  for (size_t i = 0; i < logit.size(); ++i) {
    logit[i] = 2.0 * normal(rng);
    weight[i] = std::exp(logit[i]);
  }
  std::vector<int32_t> ids;
  const Vocabulary& vocab = state.grammar().vocabulary();
  for (; g.tokens < max_tokens; ++g.tokens) {
    state.allowed_tokens(mask);
    ids.clear();
    mask.for_each([&](int32_t id) { ids.push_back(id); });
    if (ids.empty()) {
      g.dead_end = !state.is_complete();
      g.complete = state.is_complete();
      return g;
    }
    int32_t id = ids[0];
    if (uniform(rng) < greedy_rate) {
      for (int32_t x : ids) {
        if (logit[static_cast<size_t>(x)] > logit[static_cast<size_t>(id)]) id = x;
      }
    } else {
      double total = 0;
      for (int32_t x : ids) total += weight[static_cast<size_t>(x)];
      double r = uniform(rng) * total;
      for (int32_t x : ids) {
        id = x;
        if ((r -= weight[static_cast<size_t>(x)]) <= 0) break;
      }
    }
    if (!state.accept_token(id)) {
      g.dead_end = true;  // the mask allowed a token that accept_token refused: an inconsistency
      return g;
    }
    if (vocab.eos_id() && id == *vocab.eos_id()) {
      g.complete = true;
      ++g.tokens;
      return g;
    }
    g.text.append(vocab.token_bytes(id));
    if (state.is_finished()) {
      g.complete = true;
      ++g.tokens;
      return g;
    }
  }
  return g;
}

}  // namespace hirelm::grammar::test
