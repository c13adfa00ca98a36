// Tiny random Qwen2 models built in-process for tests: any shape, any storage scheme, tied or untied,
// written through the real GgufWriter / SafetensorsWriter (model_writer.h) into a temporary directory.
#pragma once

#include <cstdint>
#include <string>

#include "engine/kernels/dtype.h"
#include "engine/model/model_writer.h"
#include "engine/model/qwen2_config.h"

namespace hirelm::test {

struct TinyModelSpec {
  int64_t n_vocab = 320;
  int64_t n_embd = 64;
  int64_t n_ff = 128;
  int64_t n_layers = 2;
  int64_t n_heads = 4;
  int64_t n_heads_kv = 2;
  double rope_theta = 10000.0;
  bool tied = false;
  uint64_t seed = 7;
  float stddev = 0.06f;  // like the reference tiny-qwen2 models: logits of order 1

  model::Qwen2Config config() const;
  model::RandomInit init() const { return {seed, stddev, 0.1f}; }
};

// A directory under $TMPDIR (or /tmp) removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes the model as PATH (GGUF) and returns PATH.
std::string write_tiny_gguf(const TinyModelSpec& spec, model::WeightScheme scheme, const std::string& path);
// Writes the model as a Hugging Face directory DIR (config.json + model.safetensors) and returns DIR.
std::string write_tiny_hf(const TinyModelSpec& spec, DType type, const std::string& dir);

}  // namespace hirelm::test
