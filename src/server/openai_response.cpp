#include "server/openai_response.h"

#include <chrono>
#include <random>

namespace hirelm::server {

std::string make_response_id(const std::string& prefix) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = prefix;
  for (int i = 0; i < 24; ++i) id += kHex[rng() & 15];
  return id;
}

int64_t unix_time_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string dump_json(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string sse_event(const Json& value) { return "data: " + dump_json(value) + "\n\n"; }

std::string finish_reason_text(engine::FinishReason reason) {
  return reason == engine::FinishReason::kLength ? "length" : "stop";
}

Json usage_json(const Usage& usage) {
  Json u;
  u["prompt_tokens"] = usage.prompt_tokens;
  u["completion_tokens"] = usage.completion_tokens;
  u["total_tokens"] = usage.prompt_tokens + usage.completion_tokens;
  u["prompt_tokens_details"] = {{"cached_tokens", usage.cached_tokens}};
  return u;
}

namespace {

std::string token_string(const Tokenizer& tokenizer, int32_t id) { return std::string(tokenizer.token_bytes(id)); }

Json token_bytes_json(const std::string& s) {
  Json bytes = Json::array();
  for (unsigned char c : s) bytes.push_back(static_cast<int>(c));
  return bytes;
}

Json chat_token_json(const Tokenizer& tokenizer, const sampling::TokenLogprob& t) {
  const std::string s = token_string(tokenizer, t.id);
  return {{"token", s}, {"logprob", t.logprob}, {"bytes", token_bytes_json(s)}};
}

Usage usage_of(const std::vector<Choice>& choices) {
  Usage u;
  for (const Choice& c : choices) {
    u.prompt_tokens = c.result.prompt_tokens;  // every choice shares the prompt; OpenAI counts it once
    u.completion_tokens += c.result.completion_tokens;
  }
  // The prompt's cached part as the first choice saw it (later choices of n > 1 usually find the
  // whole prompt cached by the first; counting that would report a prefix the client never shared).
  if (!choices.empty()) u.cached_tokens = choices.front().result.cached_tokens;
  return u;
}

}  // namespace

Json chat_logprobs_json(const std::vector<sampling::TokenLogprobs>& logprobs, const Tokenizer& tokenizer) {
  Json content = Json::array();
  for (const auto& lp : logprobs) {
    Json entry = chat_token_json(tokenizer, lp.chosen);
    Json top = Json::array();
    for (const auto& alt : lp.top) top.push_back(chat_token_json(tokenizer, alt));
    entry["top_logprobs"] = std::move(top);
    content.push_back(std::move(entry));
  }
  return {{"content", std::move(content)}};
}

Json completion_logprobs_json(const std::vector<sampling::TokenLogprobs>& logprobs, const Tokenizer& tokenizer,
                              size_t first_offset) {
  Json tokens = Json::array(), token_logprobs = Json::array(), top = Json::array(), offsets = Json::array();
  size_t offset = first_offset;
  for (const auto& lp : logprobs) {
    const std::string s = token_string(tokenizer, lp.chosen.id);
    tokens.push_back(s);
    token_logprobs.push_back(lp.chosen.logprob);
    Json alternatives = Json::object();
    for (const auto& alt : lp.top) alternatives[token_string(tokenizer, alt.id)] = alt.logprob;
    top.push_back(std::move(alternatives));
    offsets.push_back(offset);
    offset += s.size();
  }
  return {{"tokens", tokens}, {"token_logprobs", token_logprobs}, {"top_logprobs", top}, {"text_offset", offsets}};
}

Json chat_message_json(const engine::GenerationResult& result) {
  Json m;
  m["role"] = "assistant";
  const bool cut_in_reasoning = result.has_reasoning && !result.reasoning_closed;
  m["content"] = cut_in_reasoning ? Json(nullptr) : Json(result.content);
  m["reasoning_content"] = result.has_reasoning ? Json(result.reasoning) : Json(nullptr);
  m["reasoning"] = m["reasoning_content"];
  return m;
}

Json chat_completion_json(const std::string& id, int64_t created, const std::string& model,
                          const std::vector<Choice>& choices, bool with_logprobs, const Tokenizer& tokenizer) {
  Json r;
  r["id"] = id;
  r["object"] = "chat.completion";
  r["created"] = created;
  r["model"] = model;
  Json list = Json::array();
  for (size_t i = 0; i < choices.size(); ++i) {
    Json c;
    c["index"] = i;
    c["message"] = chat_message_json(choices[i].result);
    c["logprobs"] = with_logprobs ? chat_logprobs_json(choices[i].logprobs, tokenizer) : Json(nullptr);
    c["finish_reason"] = finish_reason_text(choices[i].result.finish_reason);
    list.push_back(std::move(c));
  }
  r["choices"] = std::move(list);
  r["usage"] = usage_json(usage_of(choices));
  return r;
}

Json text_completion_json(const std::string& id, int64_t created, const std::string& model,
                          const std::vector<Choice>& choices, bool with_logprobs, const std::string& prompt_text,
                          const Tokenizer& tokenizer) {
  Json r;
  r["id"] = id;
  r["object"] = "text_completion";
  r["created"] = created;
  r["model"] = model;
  Json list = Json::array();
  for (size_t i = 0; i < choices.size(); ++i) {
    const auto& result = choices[i].result;
    // A plain completion has no reasoning split unless its prompt opened one: return all text.
    std::string text = prompt_text;
    if (result.has_reasoning) text += result.reasoning + (result.reasoning_closed ? "</think>" : "");
    text += result.content;
    Json c;
    c["index"] = i;
    c["text"] = text;
    c["logprobs"] = with_logprobs ? completion_logprobs_json(choices[i].logprobs, tokenizer, prompt_text.size())
                                  : Json(nullptr);
    c["finish_reason"] = finish_reason_text(result.finish_reason);
    list.push_back(std::move(c));
  }
  r["choices"] = std::move(list);
  r["usage"] = usage_json(usage_of(choices));
  return r;
}

Json chat_chunk_json(const std::string& id, int64_t created, const std::string& model, int index, Json delta,
                     const Json& finish_reason, const Json& logprobs) {
  Json r;
  r["id"] = id;
  r["object"] = "chat.completion.chunk";
  r["created"] = created;
  r["model"] = model;
  Json c;
  c["index"] = index;
  c["delta"] = std::move(delta);
  c["logprobs"] = logprobs;
  c["finish_reason"] = finish_reason;
  r["choices"] = Json::array({std::move(c)});
  return r;
}

Json chat_usage_chunk_json(const std::string& id, int64_t created, const std::string& model, const Usage& usage) {
  Json r;
  r["id"] = id;
  r["object"] = "chat.completion.chunk";
  r["created"] = created;
  r["model"] = model;
  r["choices"] = Json::array();
  r["usage"] = usage_json(usage);
  return r;
}

Json completion_chunk_json(const std::string& id, int64_t created, const std::string& model, int index,
                           const std::string& text, const Json& finish_reason, const Json& logprobs) {
  Json r;
  r["id"] = id;
  r["object"] = "text_completion";
  r["created"] = created;
  r["model"] = model;
  Json c;
  c["index"] = index;
  c["text"] = text;
  c["logprobs"] = logprobs;
  c["finish_reason"] = finish_reason;
  r["choices"] = Json::array({std::move(c)});
  return r;
}

}  // namespace hirelm::server
