// GGUF v2/v3 reading (memory-mapped, zero-copy tensors) and writing.
// Spec: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md. Every malformed file is an
// InvalidInputError whose message starts with the file path and names what is wrong, with
// expected-vs-actual values; nothing in a file can make the reader crash or allocate absurdly.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/kernels/dtype.h"
#include "util/mapped_file.h"

namespace hirelm::formats {

enum class GgufType : uint32_t {
  kUint8 = 0, kInt8 = 1, kUint16 = 2, kInt16 = 3, kUint32 = 4, kInt32 = 5, kFloat32 = 6,
  kBool = 7, kString = 8, kArray = 9, kUint64 = 10, kInt64 = 11, kFloat64 = 12,
};

// One metadata value. Scalars are widened: every integer type lands in `i` (uint64 values above
// INT64_MAX are rejected), floats in `f`, bools in `i` (0/1). Arrays hold one element type.
struct GgufValue {
  GgufType type = GgufType::kUint32;
  GgufType array_type = GgufType::kUint32;  // element type when type == kArray
  int64_t i = 0;
  double f = 0.0;
  std::string s;
  std::vector<int64_t> ints;        // integer and bool arrays
  std::vector<double> floats;       // float arrays
  std::vector<std::string> strings; // string arrays
};

// "uint8", "float32", "string", "array", ... as the spec names the types; "type#N" for unknown ids.
std::string gguf_type_name(GgufType type);

// A one-line human summary of a value: scalars printed in full (strings quoted, cut at
// `max_string` bytes), arrays as "array[TYPE] (N items): first, second, ..." with at most
// `max_items` items shown.
std::string gguf_value_summary(const GgufValue& value, size_t max_items = 5, size_t max_string = 80);

struct GgufTensorInfo {
  std::string name;
  DType type = DType::kF32;
  std::vector<uint64_t> ne;  // dimensions, GGML order: ne[0] is the innermost (contiguous) one
  uint64_t offset = 0;       // from the start of the data section
  uint64_t n_elements = 0;
  uint64_t n_bytes = 0;
  const uint8_t* data = nullptr;  // points into the mapped file
};

class GgufFile {
 public:
  // Maps and validates the file. Throws NotFoundError / InvalidInputError / UnsupportedError.
  static GgufFile open(const std::string& path);

  const std::string& path() const { return file_->path(); }
  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }

  const std::map<std::string, GgufValue>& metadata() const { return metadata_; }
  bool has(const std::string& key) const { return metadata_.count(key) > 0; }
  const GgufValue* find(const std::string& key) const;

  // Typed getters. get_* throw InvalidInputError "PATH: metadata 'KEY' missing" or
  // "PATH: metadata 'KEY' has type T, expected U"; find_* return nullopt when the key is absent
  // (and still throw on a wrong type).
  std::string get_string(const std::string& key) const;
  int64_t get_int(const std::string& key) const;  // any integer type
  double get_float(const std::string& key) const;  // any float or integer type
  bool get_bool(const std::string& key) const;
  std::optional<std::string> find_string(const std::string& key) const;
  std::optional<int64_t> find_int(const std::string& key) const;
  std::optional<double> find_float(const std::string& key) const;
  std::optional<bool> find_bool(const std::string& key) const;
  const std::vector<std::string>& get_string_array(const std::string& key) const;
  const std::vector<int64_t>& get_int_array(const std::string& key) const;
  const std::vector<double>& get_float_array(const std::string& key) const;

  const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
  const GgufTensorInfo* find_tensor(const std::string& name) const;

 private:
  GgufFile() = default;
  std::shared_ptr<MappedFile> file_;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  std::map<std::string, GgufValue> metadata_;
  std::vector<GgufTensorInfo> tensors_;
  std::map<std::string, size_t> tensor_index_;
};

// Builds a GGUF v3 file in memory order: metadata in insertion order, then tensors in insertion
// order, each aligned to `general.alignment` (32 unless set).
class GgufWriter {
 public:
  // Setting a key twice keeps its first position and the last value.
  void set_string(const std::string& key, const std::string& value);
  void set_uint32(const std::string& key, uint32_t value);
  void set_int32(const std::string& key, int32_t value);
  void set_uint64(const std::string& key, uint64_t value);
  void set_float32(const std::string& key, float value);
  void set_bool(const std::string& key, bool value);
  void set_string_array(const std::string& key, const std::vector<std::string>& values);
  void set_int32_array(const std::string& key, const std::vector<int32_t>& values);
  void set_float32_array(const std::string& key, const std::vector<float>& values);

  // Adds a tensor; `data` is copied. ne is in GGML order (ne[0] innermost); data must hold exactly
  // dtype_row_bytes(type, ne[0]) * (product of the other dims) bytes.
  void add_tensor(const std::string& name, DType type, const std::vector<uint64_t>& ne, const void* data,
                  size_t n_bytes);

  // Writes the file; throws IoError on failure.
  void write(const std::string& path) const;

 private:
  struct Entry {
    std::string key;
    GgufValue value;
  };
  // Replaces the value of an existing key in place (keeping its position) or appends a new key.
  void set(const std::string& key, GgufValue value);
  struct Tensor {
    std::string name;
    DType type;
    std::vector<uint64_t> ne;
    std::vector<uint8_t> bytes;
  };
  std::vector<Entry> entries_;
  std::vector<Tensor> tensors_;
};

}  // namespace hirelm::formats
