#include "server/openapi.h"

#include "server/swagger_ui.h"

namespace hirelm::server {

namespace {

// The fixed part of the document. Field lists and ranges mirror openai_request.cpp and
// docs/server.md; keep the three in step.
constexpr const char* kDocument = R"JSON({
  "openapi": "3.1.0",
  "info": {
    "title": "hirelm",
    "version": "0.1.0",
    "description": "OpenAI-compatible API of `hirelm serve` (vLLM's extensions included: /tokenize, /detokenize, reasoning_content). Errors are `{\"error\": {message, type, param, code}}`.",
    "license": {"name": "see the hirelm repository"}
  },
  "tags": [
    {"name": "openai", "description": "OpenAI-compatible generation"},
    {"name": "vllm", "description": "vLLM-compatible extras"},
    {"name": "ops", "description": "health, metrics and this description"}
  ],
  "paths": {
    "/v1/chat/completions": {
      "post": {
        "tags": ["openai"],
        "operationId": "createChatCompletion",
        "summary": "Chat completion, streamed as Server-Sent Events when `stream` is true",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChatCompletionRequest"}}}},
        "responses": {
          "200": {
            "description": "a chat.completion object, or (stream) chat.completion.chunk events ending with `data: [DONE]`",
            "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/ChatCompletion"}},
              "text/event-stream": {"schema": {"type": "string", "description": "`data: <chat.completion.chunk JSON>` events, then `data: [DONE]`"}}
            }
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "413": {"$ref": "#/components/responses/TooLarge"},
          "429": {"$ref": "#/components/responses/Overloaded"},
          "503": {"$ref": "#/components/responses/NotReady"}
        }
      }
    },
    "/v1/completions": {
      "post": {
        "tags": ["openai"],
        "operationId": "createCompletion",
        "summary": "Legacy text completion of one prompt (text or token ids)",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CompletionRequest"}}}},
        "responses": {
          "200": {
            "description": "a text_completion object, or (stream) text_completion events ending with `data: [DONE]`",
            "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/Completion"}},
              "text/event-stream": {"schema": {"type": "string"}}
            }
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "413": {"$ref": "#/components/responses/TooLarge"},
          "429": {"$ref": "#/components/responses/Overloaded"},
          "503": {"$ref": "#/components/responses/NotReady"}
        }
      }
    },
    "/v1/models": {
      "get": {
        "tags": ["openai"],
        "operationId": "listModels",
        "summary": "The one served model",
        "responses": {
          "200": {"description": "model list", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ModelList"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "503": {"$ref": "#/components/responses/NotReady"}
        }
      }
    },
    "/tokenize": {
      "post": {
        "tags": ["vllm"],
        "operationId": "tokenize",
        "summary": "Token ids of a prompt, or of chat messages rendered with the chat template",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenizeRequest"}}}},
        "responses": {
          "200": {"description": "tokens", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenizeResponse"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "503": {"$ref": "#/components/responses/NotReady"}
        }
      }
    },
    "/detokenize": {
      "post": {
        "tags": ["vllm"],
        "operationId": "detokenize",
        "summary": "Text of token ids",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DetokenizeRequest"}}}},
        "responses": {
          "200": {"description": "text", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DetokenizeResponse"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "503": {"$ref": "#/components/responses/NotReady"}
        }
      }
    },
    "/health": {
      "get": {
        "tags": ["ops"],
        "operationId": "health",
        "summary": "200 once the model is loaded, 503 while it loads; never needs an API key",
        "security": [],
        "responses": {
          "200": {"description": "ready", "content": {"application/json": {"schema": {"type": "object"}}}},
          "503": {"$ref": "#/components/responses/NotReady"}
        }
      }
    },
    "/metrics": {
      "get": {
        "tags": ["ops"],
        "operationId": "metrics",
        "summary": "Prometheus text exposition (hirelm:* counters, gauges and latency histograms)",
        "responses": {
          "200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    },
    "/openapi.json": {
      "get": {
        "tags": ["ops"],
        "operationId": "openapi",
        "summary": "This document",
        "responses": {
          "200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    },
    "/docs": {
      "get": {
        "tags": ["ops"],
        "operationId": "docs",
        "summary": "Swagger UI for this document",
        "responses": {
          "200": {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    },
    "/docs/swagger-ui-bundle.js": {
      "get": {
        "tags": ["ops"],
        "operationId": "docsScript",
        "summary": "Swagger UI script (bundled at build time; 404 when the build has none)",
        "responses": {
          "200": {"description": "JavaScript", "content": {"text/javascript": {"schema": {"type": "string"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"}
        }
      }
    },
    "/docs/swagger-ui.css": {
      "get": {
        "tags": ["ops"],
        "operationId": "docsStyle",
        "summary": "Swagger UI style sheet (bundled at build time; 404 when the build has none)",
        "responses": {
          "200": {"description": "CSS", "content": {"text/css": {"schema": {"type": "string"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"}
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearerAuth": {"type": "http", "scheme": "bearer", "description": "a key given to --api-key or --api-key-file"}
    },
    "responses": {
      "BadRequest": {"description": "malformed JSON, a wrong type, an out-of-range value (param names the field) or an unsupported feature (code unsupported_parameter)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Unauthorized": {"description": "missing or wrong API key", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "NotFound": {"description": "unknown model or route", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "TooLarge": {"description": "body over --max-body, or a prompt as long as the context (code context_length_exceeded)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Overloaded": {"description": "more than --max-waiting requests queued", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "NotReady": {"description": "the model is still loading", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
          "error": {
            "type": "object",
            "required": ["message", "type"],
            "properties": {
              "message": {"type": "string"},
              "type": {"type": "string", "examples": ["invalid_request_error", "authentication_error", "not_found_error"]},
              "param": {"type": ["string", "null"]},
              "code": {"type": ["string", "null"]}
            }
          }
        }
      },
      "Stop": {
        "description": "a stop string or up to 16 of them; the text stops before it and does not include it",
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "maxItems": 16}, {"type": "null"}]
      },
      "SamplingFields": {
        "type": "object",
        "description": "fields shared by chat and text completions; null counts as absent, unknown fields are ignored",
        "properties": {
          "model": {"type": "string", "description": "the served name or its basename; may be omitted"},
          "temperature": {"type": "number", "minimum": 0, "maximum": 2, "description": "0 = greedy; default: the model's generation_config"},
          "top_p": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
          "top_k": {"type": "integer", "minimum": -1, "description": "-1 or 0 = off"},
          "min_p": {"type": "number", "minimum": 0, "maximum": 1},
          "presence_penalty": {"type": "number", "minimum": -2, "maximum": 2},
          "frequency_penalty": {"type": "number", "minimum": -2, "maximum": 2},
          "repetition_penalty": {"type": "number", "exclusiveMinimum": 0},
          "seed": {"type": "integer", "description": "the same seed gives the same output; choice i of n uses seed + i"},
          "stop": {"$ref": "#/components/schemas/Stop"},
          "stop_token_ids": {"type": "array", "items": {"type": "integer", "minimum": 0}},
          "n": {"type": "integer", "minimum": 1, "maximum": 16, "default": 1},
          "max_tokens": {"type": "integer", "minimum": 1},
          "stream": {"type": "boolean", "default": false},
          "stream_options": {"type": "object", "properties": {"include_usage": {"type": "boolean"}}},
          "ignore_eos": {"type": "boolean", "default": false}
        }
      },
      "ChatMessage": {
        "type": "object",
        "required": ["role"],
        "properties": {
          "role": {"type": "string", "enum": ["system", "developer", "user", "assistant"], "description": "developer is treated as system"},
          "content": {
            "oneOf": [
              {"type": "string"},
              {"type": "array", "items": {"type": "object", "required": ["type", "text"], "properties": {"type": {"const": "text"}, "text": {"type": "string"}}}},
              {"type": "null"}
            ]
          },
          "name": {"type": "string"}
        }
      },
      "ChatCompletionRequest": {
        "allOf": [
          {"$ref": "#/components/schemas/SamplingFields"},
          {
            "type": "object",
            "required": ["messages"],
            "properties": {
              "messages": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/ChatMessage"}},
              "max_completion_tokens": {"type": "integer", "minimum": 1, "description": "wins over max_tokens"},
              "logprobs": {"type": "boolean", "default": false},
              "top_logprobs": {"type": "integer", "minimum": 0, "maximum": 20},
              "response_format": {
                "type": "object",
                "required": ["type"],
                "description": "text; json_object and json_schema where structured output is available (otherwise 400 unsupported_parameter)",
                "properties": {"type": {"type": "string", "enum": ["text", "json_object", "json_schema"]}, "json_schema": {"type": "object"}}
              }
            }
          }
        ]
      },
      "CompletionRequest": {
        "allOf": [
          {"$ref": "#/components/schemas/SamplingFields"},
          {
            "type": "object",
            "required": ["prompt"],
            "properties": {
              "prompt": {
                "description": "a string, token ids, or a batch of exactly one of either",
                "oneOf": [
                  {"type": "string"},
                  {"type": "array", "items": {"type": "integer", "minimum": 0}},
                  {"type": "array", "minItems": 1, "maxItems": 1, "items": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "integer"}}]}}
                ]
              },
              "echo": {"type": "boolean", "default": false},
              "logprobs": {"type": ["integer", "null"], "minimum": 0, "maximum": 20, "description": "alternatives per token"},
              "max_tokens": {"type": "integer", "minimum": 1, "default": 16}
            }
          }
        ]
      },
      "Usage": {
        "type": "object",
        "properties": {
          "prompt_tokens": {"type": "integer"},
          "completion_tokens": {"type": "integer"},
          "total_tokens": {"type": "integer"},
          "prompt_tokens_details": {"type": "object", "properties": {"cached_tokens": {"type": "integer", "description": "prompt tokens whose KV came from the prefix cache"}}}
        }
      },
      "ChatCompletion": {
        "type": "object",
        "properties": {
          "id": {"type": "string"},
          "object": {"const": "chat.completion"},
          "created": {"type": "integer"},
          "model": {"type": "string"},
          "choices": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "index": {"type": "integer"},
                "message": {
                  "type": "object",
                  "properties": {
                    "role": {"const": "assistant"},
                    "content": {"type": ["string", "null"], "description": "the answer after </think>; null when generation stopped inside the reasoning"},
                    "reasoning_content": {"type": ["string", "null"], "description": "the text inside <think> (vLLM's name)"},
                    "reasoning": {"type": ["string", "null"], "description": "the same text (the newer name)"}
                  }
                },
                "logprobs": {"type": ["object", "null"]},
                "finish_reason": {"type": "string", "enum": ["stop", "length"]}
              }
            }
          },
          "usage": {"$ref": "#/components/schemas/Usage"}
        }
      },
      "Completion": {
        "type": "object",
        "properties": {
          "id": {"type": "string"},
          "object": {"const": "text_completion"},
          "created": {"type": "integer"},
          "model": {"type": "string"},
          "choices": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "index": {"type": "integer"},
                "text": {"type": "string"},
                "logprobs": {"type": ["object", "null"]},
                "finish_reason": {"type": "string", "enum": ["stop", "length"]}
              }
            }
          },
          "usage": {"$ref": "#/components/schemas/Usage"}
        }
      },
      "ModelList": {
        "type": "object",
        "properties": {
          "object": {"const": "list"},
          "data": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "id": {"type": "string"},
                "object": {"const": "model"},
                "created": {"type": "integer"},
                "owned_by": {"type": "string"},
                "root": {"type": "string"},
                "max_model_len": {"type": "integer"}
              }
            }
          }
        }
      },
      "TokenizeRequest": {
        "type": "object",
        "properties": {
          "model": {"type": "string"},
          "prompt": {"type": "string", "description": "text; added-token strings in it are matched as tokens"},
          "messages": {"type": "array", "items": {"$ref": "#/components/schemas/ChatMessage"}, "description": "used when prompt is absent"},
          "add_special_tokens": {"type": "boolean", "default": true, "description": "prompt only: prepend BOS"},
          "add_generation_prompt": {"type": "boolean", "default": true, "description": "messages only"}
        }
      },
      "TokenizeResponse": {
        "type": "object",
        "properties": {
          "tokens": {"type": "array", "items": {"type": "integer"}},
          "count": {"type": "integer"},
          "max_model_len": {"type": "integer"}
        }
      },
      "DetokenizeRequest": {
        "type": "object",
        "required": ["tokens"],
        "properties": {"model": {"type": "string"}, "tokens": {"type": "array", "items": {"type": "integer", "minimum": 0}}}
      },
      "DetokenizeResponse": {"type": "object", "properties": {"prompt": {"type": "string"}}}
    }
  }
})JSON";

}  // namespace

nlohmann::ordered_json openapi_document(const OpenApiOptions& options) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(kDocument);
  if (options.api_keys_required) {
    doc["security"] = nlohmann::ordered_json::array({{{"bearerAuth", nlohmann::ordered_json::array()}}});
  }
  if (!options.served_model_name.empty()) {
    doc["components"]["schemas"]["SamplingFields"]["properties"]["model"]["examples"] = {options.served_model_name};
  }
  const std::string_view ui = swagger_ui_version();
  if (!ui.empty()) doc["info"]["x-swagger-ui-version"] = std::string(ui);
  return doc;
}

}  // namespace hirelm::server
