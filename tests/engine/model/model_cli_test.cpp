// The model subcommands end to end through the built binary: logits against the llama.cpp reference,
// model synth (with the real tokenizer in the GGUF metadata), bench --json, and clean input errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/formats/gguf.h"
#include "engine/model/qwen2_model.h"
#include "engine/tokenizer/tokenizer.h"
#include "model_test_util.h"
#include "support/reference.h"
#include "support/tiny_model.h"

namespace hirelm::test {
namespace {

std::string run(const std::string& args, int* status) {
  std::string out;
  *status = run_command(hirelm_binary() + " " + args + " 2>/dev/null", "", &out);
  return out;
}

TEST(LogitsCommand, PrintsTheLastPositionLikeLlamaCpp) {
  HIRELM_REQUIRE_REFERENCE();
  auto ref = nlohmann::json::parse(read_file_text(reference_path("tiny-qwen2/logits/tiny-qwen2-A-F32.s1-len8.json")));
  std::string ids;
  for (const auto& id : ref["ids"]) ids += (ids.empty() ? "" : ",") + std::to_string(id.get<int>());
  int status = -1;
  std::string out = run("logits --model " + reference_path("tiny-qwen2/gguf/tiny-qwen2-A-F32.gguf") + " --ids " + ids + " -t 2", &status);
  ASSERT_EQ(status, 0);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
  auto got = nlohmann::json::parse(out).at("logits").get<std::vector<float>>();
  EXPECT_LT(max_abs_diff(got, ref["logits_last"].get<std::vector<float>>()), 1e-4);
}

TEST(LogitsCommand, BadInputExitsTwo) {
  HIRELM_REQUIRE_REFERENCE();
  int status = -1;
  std::string model = reference_path("tiny-qwen2/gguf/tiny-qwen2-A-F32.gguf");
  run("logits --model " + model + " --ids 1,x", &status);
  EXPECT_EQ(status, 2);
  run("logits --model " + model + " --ids 1024", &status);  // vocabulary is 1024
  EXPECT_EQ(status, 2);
  run("logits --model /nonexistent.gguf --ids 1", &status);
  EXPECT_EQ(status, 2);
  run("logits --model " + reference_path("tiny-qwen2/hf/tiny-qwen2-A-hf-f32") + " --ids 1 --dtype q5_1", &status);
  EXPECT_EQ(status, 2);
}

TEST(ModelSynth, TinyGgufCarriesTheRealTokenizerAndLoads) {
  HIRELM_REQUIRE_REFERENCE();
  TempDir dir;
  int status = -1;
  run("model synth --like tiny --dtype q8_0 --seed 3 -o " + dir.file("t.gguf"), &status);
  ASSERT_EQ(status, 0);
  auto file = formats::GgufFile::open(dir.file("t.gguf"));
  EXPECT_EQ(file.get_string("tokenizer.ggml.pre"), "deepseek-r1-qwen");
  EXPECT_EQ(file.get_string("tokenizer.chat_template"),
            read_file_text(reference_path("deepseek-r1-distill-qwen-1.5b/chat_template.jinja")));
  auto from_gguf = Tokenizer::from_gguf(file);
  auto from_json = Tokenizer::from_path(reference_path("deepseek-r1-distill-qwen-1.5b"));
  for (const char* text : {"<｜begin▁of▁sentence｜><｜User｜>Hello<｜Assistant｜><think>\n", "简历筛选 resume screening, 3 years C++"}) {
    EXPECT_EQ(from_gguf.encode(text), from_json.encode(text)) << text;
  }
  EXPECT_EQ(from_gguf.bos_id(), std::optional<int32_t>(151646));
  EXPECT_EQ(from_gguf.eos_id(), std::optional<int32_t>(151643));
  // The sampling defaults of generation_config.json travel as llama.cpp's general.sampling.* keys.
  EXPECT_NEAR(file.find_float("general.sampling.temp").value_or(-1), 0.6, 1e-6);
  EXPECT_NEAR(file.find_float("general.sampling.top_p").value_or(-1), 0.95, 1e-6);
  auto m = model::Qwen2Model::load(dir.file("t.gguf"));
  EXPECT_EQ(m.config().n_vocab, 151936);
  EXPECT_EQ(m.weight_type_name(), "Q8_0");
  // The same seed gives the same file; another seed other weights.
  run("model synth --like tiny --dtype q8_0 --seed 3 -o " + dir.file("same.gguf"), &status);
  run("model synth --like tiny --dtype q8_0 --seed 4 -o " + dir.file("other.gguf"), &status);
  EXPECT_EQ(read_file_text(dir.file("t.gguf")), read_file_text(dir.file("same.gguf")));
  EXPECT_NE(read_file_text(dir.file("t.gguf")), read_file_text(dir.file("other.gguf")));
}

TEST(ModelSynth, HfDirectoryLoadsAndBadOptionsExitTwo) {
  HIRELM_REQUIRE_REFERENCE();
  TempDir dir;
  int status = -1;
  run("model synth --like tiny --dtype bf16 -o " + dir.file("hf"), &status);
  ASSERT_EQ(status, 0);
  model::LoadOptions bf16;
  bf16.dtype = DType::kBF16;
  auto m = model::Qwen2Model::load(dir.file("hf"), bf16);
  EXPECT_EQ(m.weight_type_name(), "BF16");
  EXPECT_EQ(m.config().n_layers, 2);
  run("model synth --like llama-7b --dtype f16 -o " + dir.file("x.gguf"), &status);
  EXPECT_EQ(status, 2);
  run("model synth --like tiny --dtype q4_k_m -o " + dir.file("dir"), &status);  // directories are float only
  EXPECT_EQ(status, 2);
}

TEST(BenchCommand, JsonHasLlamaBenchFields) {
  TempDir dir;
  TinyModelSpec spec;
  std::string path = write_tiny_gguf(spec, model::WeightScheme::kF16, dir.file("b.gguf"));
  int status = -1;
  std::string out = run("bench --model " + path + " -p 24 -n 5 -t 2 -r 3 --json", &status);
  ASSERT_EQ(status, 0);
  auto records = nlohmann::json::parse(out);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["n_prompt"], 24);
  EXPECT_EQ(records[0]["n_gen"], 0);
  EXPECT_EQ(records[1]["n_prompt"], 0);
  EXPECT_EQ(records[1]["n_gen"], 5);
  for (const auto& r : records) {
    for (const char* key : {"model_filename", "model_type", "model_size", "model_n_params", "n_batch", "n_threads",
                            "type_k", "type_v", "test_time", "avg_ns", "stddev_ns", "avg_ts", "stddev_ts"}) {
      EXPECT_TRUE(r.contains(key)) << key;
    }
    EXPECT_EQ(r["n_threads"], 2);
    EXPECT_EQ(r["samples_ns"].size(), 3u);
    EXPECT_GT(r["avg_ts"].get<double>(), 0.0);
    double tokens = r["n_prompt"].get<double>() + r["n_gen"].get<double>();
    EXPECT_NEAR(r["samples_ts"][0].get<double>(), 1e9 * tokens / r["samples_ns"][0].get<double>(), 1e-6 * r["samples_ts"][0].get<double>());
  }
  EXPECT_EQ(records[0]["model_n_params"], spec.config().n_params());
}

}  // namespace
}  // namespace hirelm::test
