#include "engine/grammar/grammar_cache.h"

#include "util/check.h"
#include "util/error.h"

namespace hirelm::grammar {
namespace {

// The cache key: the form, then the text, or each choice with its length (choices may hold any bytes).
std::string cache_key(ConstraintForm form, std::string_view text, const std::vector<std::string>& choices) {
  std::string key(1, static_cast<char>('0' + static_cast<int>(form)));
  if (form == ConstraintForm::kChoice) {
    for (const auto& c : choices) {
      key += std::to_string(c.size());
      key += ':';
      key += c;
    }
  } else if (form != ConstraintForm::kJsonObject) {
    key += text;
  }
  return key;
}

}  // namespace

GrammarCache::GrammarCache(const Tokenizer& tokenizer, size_t capacity) : tokenizer_(&tokenizer), capacity_(capacity) {
  HIRELM_CHECK(capacity_ >= 1);
}

std::shared_ptr<const Vocabulary> GrammarCache::vocabulary() const {
  std::call_once(vocabulary_once_, [this] { vocabulary_ = Vocabulary::from_tokenizer(*tokenizer_); });
  return vocabulary_;
}

std::shared_ptr<const Grammar> GrammarCache::get(ConstraintForm form, std::string_view text,
                                                 const std::vector<std::string>& choices) const {
  std::string key = cache_key(form, text, choices);
  {
    std::lock_guard lock(mutex_);
    auto it = grammars_.find(key);
    if (it != grammars_.end()) return it->second;
  }
  // Compile before touching the vocabulary, so a bad constraint fails fast even on a cold cache.
  FlatGrammar flat;
  switch (form) {
    case ConstraintForm::kJsonSchema: {
      nlohmann::ordered_json schema;
      try {
        schema = nlohmann::ordered_json::parse(text);
      } catch (const nlohmann::ordered_json::exception& e) {
        throw InvalidInputError(std::string("json schema: not valid JSON: ") + e.what());
      }
      flat = compile_json_schema(schema);
      break;
    }
    case ConstraintForm::kJsonObject: flat = compile_json_object(); break;
    case ConstraintForm::kRegex: flat = compile_regex(text); break;
    case ConstraintForm::kChoice: flat = compile_choice(choices); break;
    case ConstraintForm::kGbnf: flat = compile_gbnf(text); break;
  }
  auto grammar = std::make_shared<const Grammar>(std::move(flat), vocabulary());
  std::lock_guard lock(mutex_);
  auto [it, inserted] = grammars_.emplace(key, grammar);
  if (!inserted) return it->second;
  order_.push_back(std::move(key));
  while (order_.size() > capacity_) {
    grammars_.erase(order_.front());
    order_.pop_front();
  }
  return grammar;
}

size_t GrammarCache::size() const {
  std::lock_guard lock(mutex_);
  return grammars_.size();
}

}  // namespace hirelm::grammar
