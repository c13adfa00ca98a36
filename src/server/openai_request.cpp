#include "server/openai_request.h"

#include <cmath>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <vector>

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


// --- Structured outputs -------------------------------------------------------------------------------

using OrderedJson = nlohmann::ordered_json;
using engine::OutputConstraint;

// The value at a member path (null when `root` is null or a step is missing or not an object). Used on
// the body and on its key-ordered copy alike.
template <typename JsonT>
const JsonT* member_at(const JsonT* root, std::initializer_list<const char*> path) {
  for (const char* key : path) {
    if (!root || !root->is_object()) return nullptr;
    auto it = root->find(key);
    if (it == root->end()) return nullptr;
    root = &*it;
  }
  return root;
}

// A JSON schema given as an object (or boolean) or as JSON text. The text keeps the client's property
// order when the ordered body is known (properties are generated in schema order).
std::string schema_text(const json& v, const OrderedJson* ordered, const std::string& param) {
  if (v.is_string()) {
    if (v.get<std::string>().empty()) bad(param, "expected a JSON schema, got an empty string");
    return v.get<std::string>();
  }
  if (!v.is_object() && !v.is_boolean()) bad(param, "expected a JSON schema (an object), got " + type_of(v));
  return ordered ? ordered->dump() : v.dump();
}

std::string text_field(const json& v, const std::string& param) {
  if (!v.is_string()) bad(param, "expected a string, got " + type_of(v));
  return v.get<std::string>();
}

std::vector<std::string> choice_list(const json& v, const std::string& param) {
  if (!v.is_array() || v.empty()) bad(param, "expected a non-empty array of strings");
  std::vector<std::string> out;
  for (const json& item : v) {
    if (!item.is_string() || item.get<std::string>().empty()) {
      bad(param, "expected non-empty strings, found " + item.dump());
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

OutputConstraint make_constraint(OutputConstraint::Kind kind, std::string text = {},
                                 std::vector<std::string> choices = {}) {
  OutputConstraint c;
  c.kind = kind;
  c.text = std::move(text);
  c.choices = std::move(choices);
  return c;
}

// response_format, structured_outputs (vLLM) and the older guided_* fields: at most one constraint.
void parse_constraint(const json& body, const OrderedJson* ordered, OpenAiRequest& r) {
  using Kind = OutputConstraint::Kind;
  std::optional<OutputConstraint> found;
  std::string found_param;
  auto set = [&](const std::string& param, OutputConstraint c) {
    if (found) bad(param, "only one output constraint per request; " + found_param + " was given too");
    found = std::move(c);
    found_param = param;
  };

  if (const json* v = field(body, "response_format")) {
    if (!v->is_object()) bad("response_format", "expected an object, got " + type_of(*v));
    auto type = v->find("type");
    if (type == v->end() || !type->is_string()) bad("response_format.type", "required string");
    if (*type == "json_object") {
      set("response_format", make_constraint(Kind::kJsonObject));
    } else if (*type == "json_schema") {
      const json* js = field(*v, "json_schema");
      if (!js) bad("response_format.json_schema", "required with type json_schema");
      if (!js->is_object()) bad("response_format.json_schema", "expected an object, got " + type_of(*js));
      if (const json* name = field(*js, "name"); name && !name->is_string()) {
        bad("response_format.json_schema.name", "expected a string, got " + type_of(*name));
      }
      if (const json* strict = field(*js, "strict"); strict && !strict->is_boolean()) {
        bad("response_format.json_schema.strict", "expected a boolean, got " + type_of(*strict));
      }  // strict or not, the output always matches the schema
      const json* schema = field(*js, "schema");
      if (!schema) bad("response_format.json_schema.schema", "required");
      set("response_format", make_constraint(Kind::kJsonSchema,
                                             schema_text(*schema, member_at(ordered, {"response_format", "json_schema", "schema"}),
                                                         "response_format.json_schema.schema")));
    } else if (*type != "text") {
      bad("response_format.type", "expected text, json_object or json_schema, got " + type->dump());
    }
  }

  if (const json* so = field(body, "structured_outputs")) {
    if (!so->is_object()) bad("structured_outputs", "expected an object, got " + type_of(*so));
    for (const char* unsupported : {"structural_tag", "whitespace_pattern"}) {
      if (field(*so, unsupported)) {
        throw ApiError(ApiErrorKind::kUnsupported,
                       std::string("structured_outputs.") + unsupported + ": not supported", "structured_outputs");
      }
    }
    // disable_fallback, disable_any_whitespace, disable_additional_properties: accepted and ignored (our
    // whitespace is bounded and objects never get properties the schema does not list).
    int given = 0;
    if (const json* v = field(*so, "json")) {
      ++given;
      set("structured_outputs.json",
          make_constraint(Kind::kJsonSchema, schema_text(*v, member_at(ordered, {"structured_outputs", "json"}),
                                                         "structured_outputs.json")));
    }
    if (const json* v = field(*so, "regex")) {
      ++given;
      set("structured_outputs.regex", make_constraint(Kind::kRegex, text_field(*v, "structured_outputs.regex")));
    }
    if (const json* v = field(*so, "choice")) {
      ++given;
      set("structured_outputs.choice", make_constraint(Kind::kChoice, {}, choice_list(*v, "structured_outputs.choice")));
    }
    if (const json* v = field(*so, "grammar")) {
      ++given;
      set("structured_outputs.grammar", make_constraint(Kind::kGrammar, text_field(*v, "structured_outputs.grammar")));
    }
    if (auto v = boolean(*so, "json_object")) {
      if (*v) {
        ++given;
        set("structured_outputs.json_object", make_constraint(Kind::kJsonObject));
      }
    }
    if (given == 0) bad("structured_outputs", "expected one of json, regex, choice, grammar or json_object");
  }

  if (field(body, "guided_whitespace_pattern")) {
    throw ApiError(ApiErrorKind::kUnsupported, "guided_whitespace_pattern: not supported", "guided_whitespace_pattern");
  }
  if (const json* v = field(body, "guided_json")) {
    set("guided_json", make_constraint(Kind::kJsonSchema, schema_text(*v, member_at(ordered, {"guided_json"}), "guided_json")));
  }
  if (const json* v = field(body, "guided_regex")) {
    set("guided_regex", make_constraint(Kind::kRegex, text_field(*v, "guided_regex")));
  }
  if (const json* v = field(body, "guided_choice")) {
    set("guided_choice", make_constraint(Kind::kChoice, {}, choice_list(*v, "guided_choice")));
  }
  if (const json* v = field(body, "guided_grammar")) {
    set("guided_grammar", make_constraint(Kind::kGrammar, text_field(*v, "guided_grammar")));
  }

  if (const json* v = field(body, "structured_outputs_scope")) {
    if (!v->is_string() || (*v != "answer_only" && *v != "everything")) {
      bad("structured_outputs_scope", "expected \"answer_only\" or \"everything\", got " + v->dump());
    }
    if (found && *v == "everything") found->scope = OutputConstraint::Scope::kEverything;
  }
  r.generation.constraint = std::move(found);
}

// True when the body carries a JSON schema whose property order the ordered re-parse should keep.
bool has_schema(const json& body) {
  auto object_at = [&](std::initializer_list<const char*> path) {
    const json* v = member_at(&body, path);
    return v && v->is_object();
  };
  return object_at({"response_format", "json_schema", "schema"}) || object_at({"structured_outputs", "json"}) ||
         object_at({"guided_json"});
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

OpenAiRequest parse_chat_request(const json& body, const nlohmann::ordered_json* ordered_body) {
  if (!body.is_object()) bad("body", "expected a JSON object, got " + type_of(body));
  OpenAiRequest r;
  r.endpoint = Endpoint::kChat;
  parse_common(body, r);
  parse_constraint(body, ordered_body, r);

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

  if (const json* v = field(body, "tools"); v && !(v->is_array() && v->empty())) {
    throw ApiError(ApiErrorKind::kUnsupported, "tools: not supported yet", "tools");
  }
  return r;
}

OpenAiRequest parse_completion_request(const json& body, const nlohmann::ordered_json* ordered_body) {
  if (!body.is_object()) bad("body", "expected a JSON object, got " + type_of(body));
  OpenAiRequest r;
  r.endpoint = Endpoint::kCompletion;
  parse_common(body, r);
  parse_constraint(body, ordered_body, r);

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
  // A schema's properties are generated in the client's order, which `json` (sorted keys) loses: parse
  // the text once more, keeping key order, only when a schema object is present.
  std::optional<nlohmann::ordered_json> ordered;
  if (parsed.is_object() && has_schema(parsed)) ordered = nlohmann::ordered_json::parse(body, nullptr, false);
  const nlohmann::ordered_json* ordered_body = ordered ? &*ordered : nullptr;
  return endpoint == Endpoint::kChat ? parse_chat_request(parsed, ordered_body)
                                     : parse_completion_request(parsed, ordered_body);
}

}  // namespace hirelm::server
