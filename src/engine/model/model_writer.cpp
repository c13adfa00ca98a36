#include "engine/model/model_writer.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/formats/gguf.h"
#include "engine/formats/safetensors.h"
#include "engine/kernels/quantize.h"
#include "util/error.h"

namespace hirelm::model {

namespace {

struct SchemeInfo {
  WeightScheme scheme;
  const char* name;
  DType base;
  uint32_t llama_ftype;  // general.file_type as llama.cpp numbers it
};

constexpr SchemeInfo kSchemes[] = {
    {WeightScheme::kF32, "F32", DType::kF32, 0},      {WeightScheme::kF16, "F16", DType::kF16, 1},
    {WeightScheme::kBF16, "BF16", DType::kBF16, 32},  {WeightScheme::kQ8_0, "Q8_0", DType::kQ8_0, 7},
    {WeightScheme::kQ4_0, "Q4_0", DType::kQ4_0, 2},   {WeightScheme::kQ4_K_M, "Q4_K_M", DType::kQ4_K, 15},
};

const SchemeInfo& info(WeightScheme scheme) {
  for (const auto& s : kSchemes) {
    if (s.scheme == scheme) return s;
  }
  return kSchemes[0];
}

// llama.cpp's use_more_bits(i_layer, n_layers): the first and last eighth of the layers and every third
// one in between get the bigger type.
bool use_more_bits(int64_t layer, int64_t n_layers) {
  return layer < n_layers / 8 || layer >= 7 * n_layers / 8 || (layer - n_layers / 8) % 3 == 2;
}

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t hash_name(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (unsigned char ch : s) h = (h ^ ch) * 0x100000001b3ULL;
  return h;
}

// Builds the bytes of one tensor in `type`, rows spread over the machine's threads.
std::vector<uint8_t> make_tensor(const TensorSpec& spec, DType type, const RowSource& rows) {
  size_t row_bytes = dtype_row_bytes(type, static_cast<uint64_t>(spec.cols));
  std::vector<uint8_t> bytes(row_bytes * static_cast<size_t>(spec.rows));
  auto work = [&](int64_t begin, int64_t end) {
    std::vector<float> row(static_cast<size_t>(spec.cols));
    for (int64_t r = begin; r < end; ++r) {
      rows(spec, r, row.data());
      kernels::quantize_row(type, row.data(), bytes.data() + static_cast<size_t>(r) * row_bytes, spec.cols);
    }
  };
  int64_t n_threads = spec.n_elements() >= (int64_t{1} << 18) ? std::max(1u, std::thread::hardware_concurrency()) : 1;
  n_threads = std::min(n_threads, spec.rows);
  std::vector<std::thread> threads;
  for (int64_t t = 1; t < n_threads; ++t) {
    threads.emplace_back(work, spec.rows * t / n_threads, spec.rows * (t + 1) / n_threads);
  }
  work(0, spec.rows / n_threads);
  for (auto& th : threads) th.join();
  return bytes;
}

}  // namespace

WeightScheme parse_weight_scheme(const std::string& name) {
  std::string upper = name;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char ch) { return std::toupper(ch); });
  for (const auto& s : kSchemes) {
    if (upper == s.name) return s.scheme;
  }
  throw InvalidInputError("--dtype: expected f32, f16, bf16, q8_0, q4_0 or q4_k_m, got '" + name + "'");
}

std::string weight_scheme_name(WeightScheme scheme) { return info(scheme).name; }

DType scheme_tensor_type(WeightScheme scheme, const Qwen2Config& config, const TensorSpec& spec) {
  if (spec.is_vector) return DType::kF32;
  bool is_output = spec.kind == TensorKind::kOutput || (config.tied_output && spec.kind == TensorKind::kTokenEmbd);
  DType type = info(scheme).base;
  if (scheme == WeightScheme::kQ4_0 && is_output) type = DType::kQ6_K;
  if (scheme == WeightScheme::kQ4_K_M) {
    bool more_bits = (spec.kind == TensorKind::kAttnV || spec.kind == TensorKind::kFfnDown) &&
                     use_more_bits(spec.layer, config.n_layers);
    if (is_output || more_bits) type = DType::kQ6_K;
  }
  if (spec.cols % 256 != 0) {
    if (type == DType::kQ4_K) type = DType::kQ4_0;
    if (type == DType::kQ6_K) type = DType::kQ8_0;
  }
  return type;
}

RowSource random_rows(const RandomInit& init) {
  return [init](const TensorSpec& spec, int64_t row, float* out) {
    uint64_t state = init.seed * 0x9e3779b97f4a7c15ULL ^ hash_name(spec.gguf_name) ^
                     (static_cast<uint64_t>(row) * 0xd1b54a32d192ed03ULL);
    splitmix64(state);
    // Irwin-Hall: the sum of four uniform 16-bit lanes, centred and scaled to unit variance - a
    // close-enough normal at one generator call per value.
    constexpr float kScale = 1.7320508f / 32768.0f;  // sqrt(12 / 4) / 2^16 * 2
    float mean = spec.is_norm() ? 1.0f : 0.0f;
    float stddev = spec.is_norm() ? init.norm_stddev : init.stddev;
    for (int64_t i = 0; i < spec.cols; ++i) {
      uint64_t r = splitmix64(state);
      float sum = static_cast<float>((r & 0xffff) + ((r >> 16) & 0xffff) + ((r >> 32) & 0xffff) + (r >> 48)) - 131070.0f;
      out[i] = mean + stddev * sum * kScale * 0.5f;
    }
  };
}

RowSource weight_rows(const Qwen2Config& config, const Qwen2Weights& weights) {
  std::map<std::string, kernels::MatrixView> views;
  Qwen2Weights copy = weights;
  for_each_tensor(config, copy, [&](const TensorSpec& spec, kernels::MatrixView& view) { views[spec.gguf_name] = view; });
  return [views = std::move(views)](const TensorSpec& spec, int64_t row, float* out) {
    const kernels::MatrixView& v = views.at(spec.gguf_name);
    kernels::dequantize_row(v.type, static_cast<const uint8_t*>(v.data) + static_cast<size_t>(row) * v.row_bytes, out,
                            v.cols);
  };
}

void write_gguf_model(const std::string& path, const Qwen2Config& c, WeightScheme scheme, const RowSource& rows,
                      const std::function<void(formats::GgufWriter&)>& add_metadata) {
  formats::GgufWriter w;
  w.set_string("general.architecture", "qwen2");
  w.set_uint32("general.file_type", info(scheme).llama_ftype);
  w.set_uint32("qwen2.context_length", static_cast<uint32_t>(c.n_ctx_train));
  w.set_uint32("qwen2.embedding_length", static_cast<uint32_t>(c.n_embd));
  w.set_uint32("qwen2.block_count", static_cast<uint32_t>(c.n_layers));
  w.set_uint32("qwen2.feed_forward_length", static_cast<uint32_t>(c.n_ff));
  w.set_uint32("qwen2.attention.head_count", static_cast<uint32_t>(c.n_heads));
  w.set_uint32("qwen2.attention.head_count_kv", static_cast<uint32_t>(c.n_heads_kv));
  if (c.head_dim != c.n_embd / c.n_heads) {
    w.set_uint32("qwen2.attention.key_length", static_cast<uint32_t>(c.head_dim));
    w.set_uint32("qwen2.attention.value_length", static_cast<uint32_t>(c.head_dim));
  }
  w.set_float32("qwen2.rope.freq_base", static_cast<float>(c.rope_theta));
  w.set_float32("qwen2.attention.layer_norm_rms_epsilon", static_cast<float>(c.rms_eps));
  if (add_metadata) add_metadata(w);
  Qwen2Weights slots;
  for_each_tensor(c, slots, [&](const TensorSpec& spec, kernels::MatrixView&) {
    DType type = scheme_tensor_type(scheme, c, spec);
    std::vector<uint8_t> bytes = make_tensor(spec, type, rows);
    w.add_tensor(spec.gguf_name, type, spec.gguf_ne(), bytes.data(), bytes.size());
  });
  w.write(path);
}

void write_hf_model(const std::string& dir, const Qwen2Config& c, DType type, const RowSource& rows) {
  if (type != DType::kF32 && type != DType::kF16 && type != DType::kBF16) {
    throw InvalidInputError("Hugging Face output: dtype " + std::string(dtype_name(type)) + ", expected F32, F16 or BF16");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw IoError(dir + ": cannot create directory: " + ec.message());
  formats::SafetensorsWriter w;
  w.set_metadata("format", "pt");
  Qwen2Weights slots;
  for_each_tensor(c, slots, [&](const TensorSpec& spec, kernels::MatrixView&) {
    std::vector<uint8_t> bytes = make_tensor(spec, type, rows);
    w.add_tensor(spec.hf_name, type, spec.hf_shape(), bytes.data(), bytes.size());
  });
  w.write(dir + "/model.safetensors");
  nlohmann::json config = c.to_hf_json();
  config["torch_dtype"] = type == DType::kF32 ? "float32" : type == DType::kF16 ? "float16" : "bfloat16";
  std::ofstream out(dir + "/config.json");
  out << config.dump(2) << "\n";
  if (!out) throw IoError(dir + "/config.json: write failed");
}

}  // namespace hirelm::model
