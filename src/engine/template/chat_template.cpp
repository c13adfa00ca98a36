#include "engine/template/chat_template.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/template/parser.h"
#include "util/error.h"

namespace hirelm::templating {

ChatTemplate::ChatTemplate(std::string source, std::optional<std::string> bos_token,
                           std::optional<std::string> eos_token)
    : source_(std::move(source)),
      bos_token_(std::move(bos_token)),
      eos_token_(std::move(eos_token)),
      program_(std::make_shared<const StmtList>(parse_template(source_))) {}

std::string ChatTemplate::render(const Json& messages, bool add_generation_prompt, const Json& tools,
                                 const Json& extra_context) const {
  if (!messages.is_array()) {
    throw InvalidInputError("chat messages: expected a JSON array, got " + std::string(messages.type_name()));
  }
  if (!extra_context.is_object()) throw InvalidInputError("chat template context: expected a JSON object");
  std::map<std::string, Value> context;
  for (auto it = extra_context.begin(); it != extra_context.end(); ++it) context[it.key()] = Value(it.value());
  context["messages"] = Value(messages);
  context["tools"] = Value(tools);
  if (context.count("documents") == 0) context["documents"] = Value(Json(nullptr));
  context["add_generation_prompt"] = Value(Json(add_generation_prompt));
  if (bos_token_) context["bos_token"] = Value(Json(*bos_token_));
  if (eos_token_) context["eos_token"] = Value(Json(*eos_token_));
  Interpreter interpreter(limits_);
  return interpreter.render(*program_, std::move(context));
}

}  // namespace hirelm::templating
