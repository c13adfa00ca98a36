// config.json and generation_config.json parsing.
#include <gtest/gtest.h>

#include <string>

#include "engine/formats/hf_config.h"
#include "engine/formats/temp_dir.h"
#include "support/reference.h"
#include "util/error.h"

namespace hirelm::formats {
namespace {

TEST(HfConfig, ReadsTheR1DistillConfig) {
  HIRELM_REQUIRE_REFERENCE();
  const std::string dir = test::reference_path("deepseek-r1-distill-qwen-1.5b");
  HfConfig c = HfConfig::load(dir);
  EXPECT_EQ(c.path(), dir + "/config.json");
  EXPECT_EQ(c.get_string("model_type"), "qwen2");
  EXPECT_EQ(c.get_int("hidden_size"), 1536);
  EXPECT_EQ(c.get_int_in("num_key_value_heads", 1, 1024), 2);
  EXPECT_DOUBLE_EQ(c.get_float("rms_norm_eps"), 1e-6);
  EXPECT_DOUBLE_EQ(c.get_float("rope_theta"), 10000.0);  // an integer in the file
  EXPECT_FALSE(c.get_bool("tie_word_embeddings"));
  EXPECT_FALSE(c.find_int("rope_scaling").has_value());
  EXPECT_EQ(c.json()["architectures"][0], "Qwen2ForCausalLM");
}

TEST(HfConfig, ErrorsNameFileAndField) {
  test::TempDir dir;
  dir.write("config.json", R"({"hidden_size": "big", "n": 1.5, "heads": 0, "ok": 2.0, "nothing": null})");
  HfConfig c = HfConfig::load(dir.path());
  const std::string path = dir.file("config.json");
  try {
    c.get_int("hidden_size");
    FAIL();
  } catch (const InvalidInputError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": field 'hidden_size' is a string (\"big\"), expected an integer");
  }
  try {
    c.get_int("missing_key");
    FAIL();
  } catch (const InvalidInputError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": field 'missing_key' missing");
  }
  EXPECT_THROW(c.get_int("n"), InvalidInputError);
  EXPECT_EQ(c.get_int("ok"), 2);
  EXPECT_THROW(c.get_int_in("heads", 1, 64), InvalidInputError);
  EXPECT_THROW(c.get_int("nothing"), InvalidInputError);
  EXPECT_FALSE(c.has("nothing"));
  EXPECT_THROW(c.get_bool("ok"), InvalidInputError);
}

TEST(HfConfig, BadFiles) {
  test::TempDir dir;
  EXPECT_THROW(HfConfig::load(dir.path()), NotFoundError);
  dir.write("config.json", "{\"a\": 1,,}");
  try {
    HfConfig::load(dir.path());
    FAIL();
  } catch (const InvalidInputError& e) {
    EXPECT_NE(std::string(e.what()).find(dir.file("config.json") + ": invalid JSON at byte 9"), std::string::npos)
        << e.what();
  }
  dir.write("config.json", "[1]");
  EXPECT_THROW(HfConfig::load(dir.path()), InvalidInputError);
}

TEST(GenerationConfig, ReadsTheR1DistillDefaults) {
  HIRELM_REQUIRE_REFERENCE();
  GenerationConfig g = GenerationConfig::load(test::reference_path("deepseek-r1-distill-qwen-1.5b"));
  EXPECT_FLOAT_EQ(*g.temperature, 0.6f);
  EXPECT_FLOAT_EQ(*g.top_p, 0.95f);
  EXPECT_FALSE(g.top_k.has_value());
  EXPECT_EQ(g.eos_token_ids, (std::vector<int32_t>{151643}));
  EXPECT_EQ(*g.bos_token_id, 151646);
  EXPECT_TRUE(*g.do_sample);
}

TEST(GenerationConfig, EosListAndValidation) {
  test::TempDir dir;
  dir.write("generation_config.json", R"({"eos_token_id": [151643, 151645], "top_k": 20, "max_new_tokens": 512})");
  GenerationConfig g = GenerationConfig::load(dir.path());
  EXPECT_EQ(g.eos_token_ids, (std::vector<int32_t>{151643, 151645}));
  EXPECT_EQ(*g.top_k, 20);
  EXPECT_EQ(*g.max_new_tokens, 512);
  EXPECT_FALSE(g.temperature.has_value());

  auto rejects = [&](const std::string& json) {
    dir.write("generation_config.json", json);
    EXPECT_THROW(GenerationConfig::load(dir.path()), InvalidInputError) << json;
  };
  rejects(R"({"top_p": 1.5})");
  rejects(R"({"temperature": "hot"})");
  rejects(R"({"eos_token_id": [1, "x"]})");
  rejects(R"({"eos_token_id": -1})");
  rejects(R"({"eos_token_id": 4294967296})");
  rejects(R"({"top_k": -3})");
  rejects(R"({"do_sample": 1})");
}

}  // namespace
}  // namespace hirelm::formats
