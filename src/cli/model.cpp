// `hirelm model synth|info`.
//   synth: a random-weight model of a real shape (or a tiny one) with the real tokenizer and chat
//          template, as a GGUF file or a Hugging Face directory - for benchmarks and tests without
//          downloading weights.
//   info:  what a model file or directory holds (formats::describe_model_file).
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cli/args.h"
#include "cli/command.h"
#include "engine/formats/describe.h"
#include "engine/formats/gguf.h"
#include "engine/formats/hf_config.h"
#include "engine/model/gguf_tokenizer_metadata.h"
#include "engine/model/model_writer.h"
#include "util/error.h"

namespace hirelm::cli {
namespace {

struct Shape {
  const char* name;
  const char* tokenizer_pre;
  model::Qwen2Config config;
};

model::Qwen2Config make_config(int64_t layers, int64_t embd, int64_t heads, int64_t heads_kv, int64_t ff, bool tied,
                               double theta, int64_t ctx) {
  model::Qwen2Config c;
  c.n_vocab = 151936;
  c.n_embd = embd;
  c.n_ff = ff;
  c.n_layers = layers;
  c.n_heads = heads;
  c.n_heads_kv = heads_kv;
  c.head_dim = embd / heads;
  c.n_ctx_train = ctx;
  c.rms_eps = 1e-6;
  c.rope_theta = theta;
  c.tied_output = tied;
  return c;
}

// The published shapes (see docs/architecture.md) and the tiny reference shape R of tiny-qwen2.
const Shape kShapes[] = {
    {"deepseek-r1-distill-qwen-1.5b", "deepseek-r1-qwen", make_config(28, 1536, 12, 2, 8960, false, 10000.0, 131072)},
    {"qwen2.5-0.5b", "qwen2", make_config(24, 896, 14, 2, 4864, true, 1000000.0, 32768)},
    {"tiny", "deepseek-r1-qwen", make_config(2, 64, 4, 2, 128, false, 10000.0, 131072)},
};

std::string reference_dir() {
  if (const char* env = std::getenv("HIRELM_REFERENCE_DIR")) return env;
  return HIRELM_REFERENCE_DIR;
}

int synth_main(int argc, char** argv) {
  const std::vector<OptionSpec> specs = {
      {"like", "", true, false, "shape: deepseek-r1-distill-qwen-1.5b | qwen2.5-0.5b | tiny"},
      {"dtype", "", true, false, "f16 | bf16 | q8_0 | q4_0 | q4_k_m | f32 (a directory: f16 | bf16 | f32)"},
      {"output", "o", true, false, "FILE.gguf, or a directory for Hugging Face safetensors"},
      {"seed", "", true, false, "random seed (default 1)"},
      {"help", "h", false, false, "show this help"},
  };
  Args args(specs, argc, argv, 3);
  if (args.has("help")) {
    std::printf("usage: hirelm model synth --like SHAPE --dtype TYPE -o FILE.gguf|DIR [--seed S]\n\n"
                "Writes random weights of a real model's exact shape with the real tokenizer.\n\n%s",
                format_options(specs).c_str());
    return kExitOk;
  }
  auto like = args.get("like");
  auto out = args.get("output");
  if (!like || !out) throw InvalidInputError("--like and -o are required (see --help)");
  const Shape* shape = nullptr;
  for (const auto& s : kShapes) {
    if (*like == s.name) shape = &s;
  }
  if (shape == nullptr) {
    throw InvalidInputError("--like: expected deepseek-r1-distill-qwen-1.5b, qwen2.5-0.5b or tiny, got '" + *like + "'");
  }
  model::WeightScheme scheme = model::parse_weight_scheme(args.get_or("dtype", "f16"));
  long long seed = args.get_int("seed", 1);
  model::RowSource rows = model::random_rows({static_cast<uint64_t>(seed), 0.02f, 0.1f});
  const std::string tokenizer_dir = reference_dir() + "/deepseek-r1-distill-qwen-1.5b";

  bool as_gguf = out->size() > 5 && out->compare(out->size() - 5, 5, ".gguf") == 0;
  if (as_gguf) {
    auto files = model::tokenizer_files_in(tokenizer_dir, shape->tokenizer_pre);
    model::write_gguf_model(*out, shape->config, scheme, rows, [&](formats::GgufWriter& w) {
      w.set_string("general.name", std::string(shape->name) + " (random weights)");
      model::add_gguf_tokenizer_metadata(w, files, shape->config.n_vocab);
      // The model's sampling defaults, as llama.cpp's convert script writes them (general.sampling.*).
      auto generation = formats::GenerationConfig::load(tokenizer_dir + "/generation_config.json");
      if (generation.do_sample.value_or(true)) {
        if (generation.temperature) w.set_float32("general.sampling.temp", *generation.temperature);
        if (generation.top_p) w.set_float32("general.sampling.top_p", *generation.top_p);
        if (generation.top_k) w.set_int32("general.sampling.top_k", *generation.top_k);
      }
    });
  } else {
    DType type = scheme == model::WeightScheme::kF32    ? DType::kF32
                 : scheme == model::WeightScheme::kBF16 ? DType::kBF16
                 : scheme == model::WeightScheme::kF16  ? DType::kF16
                                                        : throw InvalidInputError(
                                                              "--dtype: a Hugging Face directory holds f16, bf16 or f32, got '" +
                                                              args.get_or("dtype", "") + "'");
    model::write_hf_model(*out, shape->config, type, rows);
    for (const char* name : {"tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "generation_config.json"}) {
      std::error_code ec;
      std::filesystem::copy_file(tokenizer_dir + "/" + name, *out + "/" + name,
                                 std::filesystem::copy_options::overwrite_existing, ec);
      if (ec) throw IoError(tokenizer_dir + "/" + name + ": cannot copy to " + *out + ": " + ec.message());
    }
  }
  std::fprintf(stderr, "wrote %s: %s, %s, %.3fB parameters\n", out->c_str(), shape->name,
               model::weight_scheme_name(scheme).c_str(), static_cast<double>(shape->config.n_params()) / 1e9);
  return kExitOk;
}

int info_main(int argc, char** argv) {
  const std::vector<OptionSpec> specs = {{"help", "h", false, false, "show this help"}};
  Args args(specs, argc, argv, 3);
  if (args.has("help") || args.positionals().size() != 1) {
    std::printf("usage: hirelm model info FILE.gguf|FILE.safetensors|DIR\n");
    return args.has("help") ? kExitOk : kExitBadInput;
  }
  std::string text = formats::describe_model_file(args.positionals()[0]);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

int model_main(int argc, char** argv) {
  std::string sub = argc > 2 ? argv[2] : "";
  if (sub == "synth") return synth_main(argc, argv);
  if (sub == "info") return info_main(argc, argv);
  if (sub == "--help" || sub == "-h") {
    std::printf("usage: hirelm model synth|info ...\n  synth  write a random-weight model of a real shape\n"
                "  info   describe a model file or directory\n");
    return kExitOk;
  }
  throw InvalidInputError("expected 'model synth' or 'model info', got '" + sub + "'");
}

}  // namespace

HIRELM_COMMAND(model, "model", "model files: synth (random weights of a real shape), info", model_main);

}  // namespace hirelm::cli
