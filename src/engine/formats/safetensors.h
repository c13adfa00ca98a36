// Hugging Face safetensors reading (memory-mapped, zero-copy) and writing.
// Format: 8-byte little-endian header length N, N bytes of JSON header {name: {dtype, shape,
// data_offsets: [begin, end]}, "__metadata__": {...}}, then the data. Every malformed file is an
// InvalidInputError naming the file and what is wrong (expected vs actual).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/kernels/dtype.h"
#include "util/mapped_file.h"

namespace hirelm::formats {

struct SafetensorsTensor {
  std::string name;
  DType type = DType::kF32;     // F32, F16 or BF16 (other dtypes are UnsupportedError on access)
  std::vector<uint64_t> shape;  // PyTorch order: shape[0] is the outermost dim ([out, in] for weights)
  const uint8_t* data = nullptr;
  uint64_t n_bytes = 0;
};

class SafetensorsFile {
 public:
  static SafetensorsFile open(const std::string& path);
  const std::string& path() const { return file_->path(); }
  // Tensors of supported dtypes, in data order. Tensors of other dtypes are validated but listed
  // only in unsupported(); find() on one of them throws UnsupportedError naming tensor and dtype.
  const std::vector<SafetensorsTensor>& tensors() const { return tensors_; }
  const SafetensorsTensor* find(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // name -> dtype string ("I64", "F64", ...) of tensors whose dtype hirelm does not load.
  const std::map<std::string, std::string>& unsupported() const { return unsupported_; }

 private:
  SafetensorsFile() = default;
  std::shared_ptr<MappedFile> file_;
  std::vector<SafetensorsTensor> tensors_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
  std::map<std::string, std::string> unsupported_;
};

// All tensors of a Hugging Face model directory: model.safetensors, or the shards named by
// model.safetensors.index.json. Throws NotFoundError if the directory has neither.
class SafetensorsModel {
 public:
  static SafetensorsModel open_dir(const std::string& dir);
  const SafetensorsTensor* find(const std::string& name) const;
  std::vector<const SafetensorsTensor*> tensors() const;
  const std::vector<SafetensorsFile>& files() const { return files_; }

 private:
  std::vector<SafetensorsFile> files_;
  std::map<std::string, std::pair<size_t, size_t>> index_;  // name -> (file, tensor)
};

class SafetensorsWriter {
 public:
  // `data` is copied; shape in PyTorch order. type must be F32, F16 or BF16.
  void add_tensor(const std::string& name, DType type, const std::vector<uint64_t>& shape, const void* data,
                  size_t n_bytes);
  void set_metadata(const std::string& key, const std::string& value);
  void write(const std::string& path) const;

 private:
  struct Tensor {
    std::string name;
    DType type;
    std::vector<uint64_t> shape;
    std::vector<uint8_t> bytes;
  };
  std::vector<Tensor> tensors_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace hirelm::formats
