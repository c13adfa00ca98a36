#include "server/openai_request.h"

#include <cmath>
#include <limits>
#include <optional>

#include "server/api_error.h"

namespace hirelm::server {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& param, const std::string& message) {
  throw ApiError(ApiErrorKind::kBadRequest, param + ": " + message, param);
}

std::string type_of(const json& v) { return v.type_name(); }

const json* field(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<double> number(const json& body, const char* name, double lo, double hi, bool lo_open = false) {
  const json* v = field(body, name);
  if (!v) return std::nullopt;
  if (!v->is_number()) bad(name, "expected a number, got " + type_of(*v));
  const double x = v->get<double>();
  const bool below = lo_open ? !(x > lo) : !(x >= lo);
  if (!std::isfinite(x) || below || x > hi) {
    bad(name, "expected a number in " + std::string(lo_open ? "(" : "[") + std::to_string(lo) + ", " +
                  std::to_string(hi) + "], got " + v->dump());
  }
  return x;
}

std::optional<int64_t> integer(const json& body, const char* name, int64_t lo, int64_t hi) {
  const json* v = field(body, name);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) bad(name, "expected an integer, got " + (v->is_number() ? v->dump() : type_of(*v)));
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(hi)) {
    bad(name, "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + v->dump());
  }
  const auto x = v->get<int64_t>();
  if (x < lo || x > hi) {
    bad(name, "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + v->dump());
  }
  return x;
}

std::optional<bool> boolean(const json& body, const char* name) {
  const json* v = field(body, name);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) bad(name, "expected a boolean, got " + type_of(*v));
  return v->get<bool>();
}

// Fields both endpoints share: model, sampling, stop, n, stream, ignore_eos.
void parse_common(const json& body, OpenAiRequest& r) {
  if (const json* v = field(body, "model")) {
    if (!v->is_string()) bad("model", "expected a string, got " + type_of(*v));
    r.model = v->get<std::string>();
  }
  auto& s = r.generation.sampling;
  constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();
  s.temperature = number(body, "temperature", 0.0, 2.0);
  s.top_p = number(body, "top_p", 0.0, 1.0, /*lo_open=*/true);
  if (auto k = integer(body, "top_k", -1, kIntMax)) s.top_k = *k < 0 ? 0 : static_cast<int>(*k);
  s.min_p = number(body, "min_p", 0.0, 1.0);
  s.presence_penalty = number(body, "presence_penalty", -2.0, 2.0);
  s.frequency_penalty = number(body, "frequency_penalty", -2.0, 2.0);
  s.repetition_penalty = number(body, "repetition_penalty", 0.0, 100.0, /*lo_open=*/true);
  if (const json* v = field(body, "seed")) {
    if (!v->is_number_integer()) bad("seed", "expected an integer, got " + (v->is_number() ? v->dump() : type_of(*v)));
    s.seed = v->is_number_unsigned() ? v->get<uint64_t>() : static_cast<uint64_t>(v->get<int64_t>());
  }

  if (const json* v = field(body, "stop")) {
    if (v->is_string()) {
      if (!v->get<std::string>().empty()) r.generation.stop.push_back(v->get<std::string>());
    } else if (v->is_array()) {
      if (v->size() > kMaxStopStrings) {
        bad("stop", "expected at most " + std::to_string(kMaxStopStrings) + " strings, got " +
                        std::to_string(v->size()));
      }
      for (const json& item : *v) {
        if (!item.is_string()) bad("stop", "expected an array of strings, found " + type_of(item));
        if (!item.get<std::string>().empty()) r.generation.stop.push_back(item.get<std::string>());
      }
    } else {
      bad("stop", "expected a string or an array of strings, got " + type_of(*v));
    }
  }
  if (const json* v = field(body, "stop_token_ids")) {
    if (!v->is_array()) bad("stop_token_ids", "expected an array of token ids, got " + type_of(*v));
    for (const json& item : *v) {
      if (!item.is_number_integer() || item.get<int64_t>() < 0 || item.get<int64_t>() > kIntMax) {
        bad("stop_token_ids", "expected non-negative token ids, found " + item.dump());
      }
      r.generation.stop_token_ids.push_back(item.get<int32_t>());
    }
  }

  if (auto n = integer(body, "n", 1, kMaxChoices)) r.n = static_cast<int>(*n);
  if (auto v = boolean(body, "stream")) r.stream = *v;
  if (const json* v = field(body, "stream_options")) {
    if (!v->is_object()) bad("stream_options", "expected an object, got " + type_of(*v));
    if (!r.stream) bad("stream_options", "only allowed when stream is true");
    if (auto u = boolean(*v, "include_usage")) r.include_usage = *u;
  }
  if (auto v = boolean(body, "ignore_eos")) r.generation.ignore_eos = *v;
  if (const json* v = field(body, "logit_bias"); v && !(v->is_object() && v->empty())) {
    throw ApiError(ApiErrorKind::kUnsupported, "logit_bias: not supported yet", "logit_bias");
  }
}

void parse_max_tokens(const json& body, OpenAiRequest& r, const char* name) {
  if (auto m = integer(body, name, 1, std::numeric_limits<int32_t>::max())) r.generation.max_tokens = *m;
}

}  // namespace

std::string message_text(const json& content, const std::string& param) {
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) bad(param, "expected a string or an array of content parts, got " + type_of(content));
  std::string text;
  for (const json& part : content) {
    if (!part.is_object()) bad(param, "expected content parts as objects, found " + type_of(part));
    auto type = part.find("type");
    if (type == part.end() || !type->is_string()) bad(param, "content part without a string 'type'");
    if (*type != "text") {
      throw ApiError(ApiErrorKind::kUnsupported,
                     param + ": content part type '" + type->get<std::string>() + "' is not supported", param);
    }
    auto t = part.find("text");
    if (t == part.end() || !t->is_string()) bad(param, "text part without a string 'text'");
    text += t->get<std::string>();
  }
  return text;
}

OpenAiRequest parse_chat_request(const json& body) {
  if (!body.is_object()) bad("body", "expected a JSON object, got " + type_of(body));
  OpenAiRequest r;
  r.endpoint = Endpoint::kChat;
  parse_common(body, r);

  const json* messages = field(body, "messages");
  if (!messages) bad("messages", "required");
  if (!messages->is_array() || messages->empty()) bad("messages", "expected a non-empty array of messages");
  auto out = nlohmann::ordered_json::array();
  for (size_t i = 0; i < messages->size(); ++i) {
    const json& m = (*messages)[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    if (!m.is_object()) bad(where, "expected an object, got " + type_of(m));
    auto role = m.find("role");
    if (role == m.end() || !role->is_string()) bad(where + ".role", "required string");
    const auto role_name = role->get<std::string>();
    if (role_name != "system" && role_name != "developer" && role_name != "user" && role_name != "assistant" &&
        role_name != "tool") {
      bad(where + ".role", "expected system, developer, user, assistant or tool, got '" + role_name + "'");
    }
    auto content = m.find("content");
    std::string text;
    if (content != m.end() && !content->is_null()) {
      text = message_text(*content, where + ".content");
    } else if (role_name != "assistant") {
      bad(where + ".content", "required");
    }
    out.push_back({{"role", role_name == "developer" ? "system" : role_name}, {"content", text}});
  }
  r.generation.messages = std::move(out);

  parse_max_tokens(body, r, "max_tokens");
  parse_max_tokens(body, r, "max_completion_tokens");  // the newer name wins when both are given
  if (auto v = boolean(body, "logprobs")) r.logprobs = *v;
  if (auto v = integer(body, "top_logprobs", 0, kMaxTopLogprobs)) {
    if (!r.logprobs) bad("top_logprobs", "requires logprobs to be true");
    r.top_logprobs = static_cast<int>(*v);
  }
  if (r.logprobs) r.generation.top_logprobs = r.top_logprobs;

  if (const json* v = field(body, "response_format")) {
    if (!v->is_object()) bad("response_format", "expected an object, got " + type_of(*v));
    auto type = v->find("type");
    if (type == v->end() || !type->is_string()) bad("response_format.type", "required string");
    if (*type == "json_object" || *type == "json_schema") {
      throw ApiError(ApiErrorKind::kUnsupported,
                     "response_format: type '" + type->get<std::string>() + "' is not supported yet",
                     "response_format");
    }
    if (*type != "text") bad("response_format.type", "expected text, json_object or json_schema, got " + type->dump());
  }
  if (const json* v = field(body, "tools"); v && !(v->is_array() && v->empty())) {
    throw ApiError(ApiErrorKind::kUnsupported, "tools: not supported yet", "tools");
  }
  return r;
}

OpenAiRequest parse_completion_request(const json& body) {
  if (!body.is_object()) bad("body", "expected a JSON object, got " + type_of(body));
  OpenAiRequest r;
  r.endpoint = Endpoint::kCompletion;
  parse_common(body, r);

  const json* prompt = field(body, "prompt");
  if (!prompt) bad("prompt", "required");
  const json* p = prompt;
  // A batch of one prompt is accepted: ["text"] or [[ids]].
  if (p->is_array() && p->size() == 1 && ((*p)[0].is_string() || (*p)[0].is_array())) p = &(*p)[0];
  if (p->is_string()) {
    r.generation.prompt = p->get<std::string>();
    if (r.generation.prompt.empty()) bad("prompt", "empty");
  } else if (p->is_array()) {
    if (p->empty()) bad("prompt", "empty");
    for (const json& id : *p) {
      if (id.is_string() || id.is_array()) {
        throw ApiError(ApiErrorKind::kUnsupported, "prompt: batches of several prompts are not supported yet",
                       "prompt");
      }
      if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > std::numeric_limits<int32_t>::max()) {
        bad("prompt", "expected token ids (non-negative integers), found " + id.dump());
      }
      r.generation.prompt_tokens.push_back(id.get<int32_t>());
    }
  } else {
    bad("prompt", "expected a string or an array of token ids, got " + type_of(*p));
  }

  r.generation.max_tokens = kCompletionDefaultMaxTokens;
  parse_max_tokens(body, r, "max_tokens");
  if (auto v = boolean(body, "echo")) r.echo = *v;
  if (auto v = integer(body, "logprobs", 0, kMaxTopLogprobs)) {
    r.logprobs = true;
    r.top_logprobs = static_cast<int>(*v);
    r.generation.top_logprobs = r.top_logprobs;
  }
  // Plain completions continue the text as it is: no reasoning split unless the prompt opens one.
  return r;
}

OpenAiRequest parse_request(Endpoint endpoint, std::string_view body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    throw ApiError(ApiErrorKind::kBadRequest, "request body is not valid JSON", "body");
  }
  return endpoint == Endpoint::kChat ? parse_chat_request(parsed) : parse_completion_request(parsed);
}

}  // namespace hirelm::server
