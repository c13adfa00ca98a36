// The Qwen2.5-Instruct ChatML template (as published in Qwen2.5's tokenizer_config.json), rendered
// with tools, parallel tool calls, consecutive tool results and the generation prompt. The expected
// prompts follow from reading the template: tools are listed one json.dumps line each (HF's tojson:
// ", " and ": " separators, non-ASCII kept), an assistant turn with tool_calls prints one <tool_call>
// block per call, and consecutive tool messages share one user turn.
#include <string>

#include <gtest/gtest.h>

#include "engine/template/chat_template.h"

namespace hirelm::templating {
namespace {

const char* kQwen25Template = R"TPL({%- if tools %}
    {{- '<|im_start|>system\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
    {%- endif %}
    {{- "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}
    {%- for tool in tools %}
        {{- "\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}
    {%- else %}
        {{- '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>' + '\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\n<tool_call>\n{"name": "' }}
            {{- tool_call.name }}
            {{- '", "arguments": ' }}
            {{- tool_call.arguments | tojson }}
            {{- '}\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\n<tool_response>\n' }}
        {{- message.content }}
        {{- '\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
{%- endif %}
)TPL";

const char* kTools = R"([{"type": "function", "function": {"name": "get_weather", "description": "Get the weather",
  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}])";

const char* kToolConversation = R"([
  {"role": "system", "content": "You are a weather bot."},
  {"role": "user", "content": "Weather in Paris and Köln?"},
  {"role": "assistant", "content": "", "tool_calls": [
    {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}},
    {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Köln"}}}]},
  {"role": "tool", "content": "{\"temp\": 18}"},
  {"role": "tool", "content": "{\"temp\": 12}"},
  {"role": "assistant", "content": "Paris 18, Köln 12."}])";

TEST(Qwen25Template, ToolsToolCallsAndGenerationPrompt) {
  ChatTemplate tmpl(kQwen25Template, std::nullopt, "<|im_end|>");
  std::string expected =
      "<|im_start|>system\n"
      "You are a weather bot.\n"
      "\n"
      "# Tools\n"
      "\n"
      "You may call one or more functions to assist with the user query.\n"
      "\n"
      "You are provided with function signatures within <tools></tools> XML tags:\n"
      "<tools>\n"
      "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the weather\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}\n"
      "</tools>\n"
      "\n"
      "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
      "<tool_call>\n"
      "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n"
      "</tool_call><|im_end|>\n"
      "<|im_start|>user\n"
      "Weather in Paris and Köln?<|im_end|>\n"
      "<|im_start|>assistant\n"
      "<tool_call>\n"
      "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n"
      "</tool_call>\n"
      "<tool_call>\n"
      "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Köln\"}}\n"
      "</tool_call><|im_end|>\n"
      "<|im_start|>user\n"
      "<tool_response>\n"
      "{\"temp\": 18}\n"
      "</tool_response>\n"
      "<tool_response>\n"
      "{\"temp\": 12}\n"
      "</tool_response><|im_end|>\n"
      "<|im_start|>assistant\n"
      "Paris 18, Köln 12.<|im_end|>\n"
      "<|im_start|>assistant\n";
  EXPECT_EQ(tmpl.render(Json::parse(kToolConversation), true, Json::parse(kTools)), expected);
}

TEST(Qwen25Template, DefaultSystemPromptWithoutTools) {
  ChatTemplate tmpl(kQwen25Template, std::nullopt, "<|im_end|>");
  Json messages = Json::parse(R"([{"role": "user", "content": "Hi"}])");
  const std::string head =
      "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
      "<|im_start|>user\nHi<|im_end|>\n";
  EXPECT_EQ(tmpl.render(messages, false), head);
  EXPECT_EQ(tmpl.render(messages, true), head + "<|im_start|>assistant\n");
}

TEST(Qwen25Template, UserSystemPromptReplacesTheDefault) {
  ChatTemplate tmpl(kQwen25Template, std::nullopt, "<|im_end|>");
  Json messages = Json::parse(R"([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                                  {"role": "assistant", "content": "Hello."}])");
  EXPECT_EQ(tmpl.render(messages, false),
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\nHello.<|im_end|>\n");
}

}  // namespace
}  // namespace hirelm::templating
