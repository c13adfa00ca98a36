#include "support/tiny_model.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace hirelm::test {

model::Qwen2Config TinyModelSpec::config() const {
  model::Qwen2Config c;
  c.n_vocab = n_vocab;
  c.n_embd = n_embd;
  c.n_ff = n_ff;
  c.n_layers = n_layers;
  c.n_heads = n_heads;
  c.n_heads_kv = n_heads_kv;
  c.head_dim = n_embd / n_heads;
  c.n_ctx_train = 4096;
  c.rms_eps = 1e-6;
  c.rope_theta = rope_theta;
  c.tied_output = tied;
  c.validate("tiny model spec");
  return c;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base != nullptr ? base : "/tmp") + "/hirelm-test-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + templ);
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string write_tiny_gguf(const TinyModelSpec& spec, model::WeightScheme scheme, const std::string& path) {
  model::write_gguf_model(path, spec.config(), scheme, model::random_rows(spec.init()), [](formats::GgufWriter&) {});
  return path;
}

std::string write_tiny_hf(const TinyModelSpec& spec, DType type, const std::string& dir) {
  model::write_hf_model(dir, spec.config(), type, model::random_rows(spec.init()));
  return dir;
}

}  // namespace hirelm::test
