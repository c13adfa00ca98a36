// Qwen2Model::load: GGUF files (weights used in place from the mmap) and Hugging Face directories
// (safetensors, converted to the compute type), both validated tensor by tensor through for_each_tensor.
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <thread>

#include "engine/formats/gguf.h"
#include "engine/formats/safetensors.h"
#include "engine/kernels/quantize.h"
#include "engine/model/qwen2_model.h"
#include "util/error.h"

namespace hirelm::model {

DType parse_dtype(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
  for (DType t : {DType::kF32, DType::kF16, DType::kBF16, DType::kQ8_0, DType::kQ4_0, DType::kQ4_K, DType::kQ6_K}) {
    std::string n(dtype_name(t));
    std::transform(n.begin(), n.end(), n.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (n == lower) return t;
  }
  throw InvalidInputError("--dtype: expected f32, f16, bf16, q8_0, q4_0, q4_k or q6_k, got '" + name + "'");
}

namespace {

std::string shape_string(const std::vector<uint64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

// Converts a [rows, cols] tensor stored in `from` into `to` (via f32), rows split across threads.
std::shared_ptr<uint8_t[]> convert(DType from, const void* src, int64_t rows, int64_t cols, DType to) {
  size_t src_row = dtype_row_bytes(from, static_cast<uint64_t>(cols));
  size_t dst_row = dtype_row_bytes(to, static_cast<uint64_t>(cols));
  std::shared_ptr<uint8_t[]> out(new uint8_t[dst_row * static_cast<size_t>(rows)]);
  auto work = [&](int64_t begin, int64_t end) {
    std::vector<float> row(static_cast<size_t>(cols));
    for (int64_t r = begin; r < end; ++r) {
      kernels::dequantize_row(from, static_cast<const uint8_t*>(src) + static_cast<size_t>(r) * src_row, row.data(), cols);
      kernels::quantize_row(to, row.data(), out.get() + static_cast<size_t>(r) * dst_row, cols);
    }
  };
  int64_t n_threads = rows * cols >= (int64_t{1} << 20) ? std::max(1u, std::thread::hardware_concurrency()) : 1;
  std::vector<std::thread> threads;
  for (int64_t t = 1; t < n_threads; ++t) threads.emplace_back(work, rows * t / n_threads, rows * (t + 1) / n_threads);
  work(0, rows / n_threads);
  for (auto& th : threads) th.join();
  return out;
}

bool is_float_type(DType t) { return t == DType::kF32 || t == DType::kF16 || t == DType::kBF16; }

// Fills one slot from a stored tensor: in place when the stored type is the wanted one, else converted
// into a buffer appended to `storage`.
void fill_slot(const TensorSpec& spec, DType stored, const void* data, std::optional<DType> wanted,
               kernels::MatrixView& slot, std::vector<std::shared_ptr<const void>>& storage) {
  DType target = spec.is_vector ? DType::kF32 : wanted.value_or(stored);
  if (target == stored) {
    slot = kernels::make_matrix_view(stored, data, spec.rows, spec.cols);
    return;
  }
  auto buffer = convert(stored, data, spec.rows, spec.cols, target);
  slot = kernels::make_matrix_view(target, buffer.get(), spec.rows, spec.cols);
  storage.push_back(std::move(buffer));
}

void check_block_multiple(const std::string& source, const TensorSpec& spec, DType type) {
  uint32_t block = dtype_traits(type).block_elements;
  if (spec.cols % block != 0) {
    throw InvalidInputError(source + ": tensor '" + spec.gguf_name + "' has " + std::to_string(spec.cols) +
                            " columns, expected a multiple of " + std::to_string(block) + " for " +
                            std::string(dtype_name(type)));
  }
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

Qwen2Model Qwen2Model::load(const std::string& path, const LoadOptions& options) {
  Qwen2Model model;
  model.path_ = path;
  if (is_directory(path)) {
    model.config_ = Qwen2Config::from_hf_file(path + "/config.json");
    auto st = std::make_shared<formats::SafetensorsModel>(formats::SafetensorsModel::open_dir(path));
    model.storage_.push_back(st);
    std::optional<DType> wanted = options.dtype.value_or(DType::kQ8_0);
    for_each_tensor(model.config_, model.weights_, [&](const TensorSpec& spec, kernels::MatrixView& slot) {
      const formats::SafetensorsTensor* t = st->find(spec.hf_name);
      if (t == nullptr) throw InvalidInputError(path + ": tensor '" + spec.hf_name + "' missing");
      if (t->shape != spec.hf_shape()) {
        throw InvalidInputError(path + ": tensor '" + spec.hf_name + "' has shape " + shape_string(t->shape) +
                                ", expected " + shape_string(spec.hf_shape()));
      }
      if (!is_float_type(t->type)) {
        throw InvalidInputError(path + ": tensor '" + spec.hf_name + "' has dtype " + std::string(dtype_name(t->type)) +
                                ", expected F32, F16 or BF16");
      }
      if (!spec.is_vector) check_block_multiple(path, spec, *wanted);
      fill_slot(spec, t->type, t->data, wanted, slot, model.storage_);
    });
  } else {
    auto file = std::make_shared<formats::GgufFile>(formats::GgufFile::open(path));
    model.storage_.push_back(file);
    model.config_ = Qwen2Config::from_gguf(*file);
    for_each_tensor(model.config_, model.weights_, [&](const TensorSpec& spec, kernels::MatrixView& slot) {
      const formats::GgufTensorInfo* t = file->find_tensor(spec.gguf_name);
      if (t == nullptr) throw InvalidInputError(path + ": tensor '" + spec.gguf_name + "' missing");
      if (t->ne != spec.gguf_ne()) {
        throw InvalidInputError(path + ": tensor '" + spec.gguf_name + "' has shape " + shape_string(t->ne) +
                                ", expected " + shape_string(spec.gguf_ne()));
      }
      if (spec.is_vector && !is_float_type(t->type)) {
        throw InvalidInputError(path + ": tensor '" + spec.gguf_name + "' has dtype " + std::string(dtype_name(t->type)) +
                                ", expected F32");
      }
      check_block_multiple(path, spec, t->type);
      if (!spec.is_vector && options.dtype) check_block_multiple(path, spec, *options.dtype);
      fill_slot(spec, t->type, t->data, options.dtype, slot, model.storage_);
      if (spec.kind == TensorKind::kTokenEmbd) model.token_embd_mapped_ = slot.data == t->data;
    });
  }
  tie_output(model.config_, model.weights_);
  return model;
}

}  // namespace hirelm::model
