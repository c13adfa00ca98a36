// Engine::load: resolves a model spec, loads weights, tokenizer, chat template and generation defaults.
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "engine/engine.h"
#include "engine/formats/gguf.h"
#include "engine/formats/hf_config.h"
#include "engine/hub/hub.h"
#include "engine/template/chat_template.h"
#include "util/error.h"

namespace hirelm::engine {

namespace {
namespace fs = std::filesystem;

bool is_gguf(const std::string& path) { return fs::path(path).extension() == ".gguf"; }

// Resolves a model spec to a local path: hf:OWNER/NAME[:FILE] through the hub cache (downloading if
// needed and allowed), local paths checked here so a wrong one fails with a clear message.
std::string resolve_model_path(const std::string& spec) {
  if (hub::parse_hub_spec(spec)) return hub::resolve_model(spec, hub::HubOptions::from_env());
  std::error_code ec;
  if (!fs::exists(spec, ec)) throw NotFoundError("model '" + spec + "' not found");
  if (!fs::is_directory(spec, ec) && !is_gguf(spec)) {
    throw InvalidInputError("model '" + spec + "': expected a .gguf file or a Hugging Face model directory");
  }
  return spec;
}

void add_unique(std::vector<int32_t>& ids, int32_t id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

// generation_config.json values arrive as float; widen through their shortest decimal spelling so
// 0.6 stays 0.6 (not 0.60000002384) in the defaults we report and use.
double widen(float value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  if (ec != std::errc()) return value;
  return std::strtod(std::string(buf, end).c_str(), nullptr);
}

// generation_config.json of a model directory: sampling defaults and end-of-sequence ids.
void apply_generation_config(const std::string& dir, GenerationDefaults& d) {
  const fs::path file = fs::path(dir) / "generation_config.json";
  std::error_code ec;
  if (!fs::exists(file, ec)) return;
  const auto g = formats::GenerationConfig::load(file.string());
  if (g.do_sample && !*g.do_sample) {
    d.sampling.temperature = 0.0;  // HF's do_sample=false is greedy decoding
  } else {
    if (g.temperature) d.sampling.temperature = widen(*g.temperature);
    if (g.top_p) d.sampling.top_p = widen(*g.top_p);
    if (g.top_k) d.sampling.top_k = *g.top_k;
    if (g.min_p) d.sampling.min_p = widen(*g.min_p);
  }
  if (g.repetition_penalty) d.sampling.repetition_penalty = widen(*g.repetition_penalty);
  for (int32_t id : g.eos_token_ids) add_unique(d.eos_ids, id);
}

// llama.cpp's optional general.sampling.* GGUF keys.
void apply_gguf_sampling(const std::string& path, GenerationDefaults& d) {
  const auto file = formats::GgufFile::open(path);
  if (auto v = file.find_float("general.sampling.temp")) d.sampling.temperature = *v;
  if (auto v = file.find_float("general.sampling.top_p")) d.sampling.top_p = *v;
  if (auto v = file.find_int("general.sampling.top_k")) d.sampling.top_k = static_cast<int>(*v);
  if (auto v = file.find_float("general.sampling.min_p")) d.sampling.min_p = *v;
  if (auto v = file.find_float("general.sampling.penalty_repeat")) d.sampling.repetition_penalty = *v;
}
}  // namespace

Engine Engine::load(const std::string& model_spec, const EngineOptions& options) {
  const std::string path = resolve_model_path(model_spec);
  model::LoadOptions load_options;
  load_options.dtype = options.dtype;
  model::Qwen2Model model = model::Qwen2Model::load(path, load_options);
  Tokenizer tokenizer = Tokenizer::from_path(path);

  GenerationDefaults defaults;
  if (is_gguf(path)) {
    apply_gguf_sampling(path, defaults);
  } else {
    apply_generation_config(path, defaults);
  }
  if (auto eos = tokenizer.eos_id()) add_unique(defaults.eos_ids, *eos);
  sampling::validate(defaults.sampling);

  ChatRenderer chat;
  try {
    auto tmpl = std::make_shared<const templating::ChatTemplate>(templating::ChatTemplate::from_model_path(path));
    chat = [tmpl](const nlohmann::ordered_json& messages, bool add_generation_prompt) {
      return tmpl->render(messages, add_generation_prompt);
    };
  } catch (const Error& e) {
    // Raw prompts still work without a template; chat requests report why there is none.
    std::string reason = e.what();
    chat = [reason](const nlohmann::ordered_json&, bool) -> std::string {
      throw UnsupportedError("this model has no usable chat template: " + reason);
    };
  }
  return Engine(std::move(model), std::move(tokenizer), std::move(chat), std::move(defaults), options);
}

}  // namespace hirelm::engine
