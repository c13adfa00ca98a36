// Safetensors writer: JSON header in insertion order, padded with spaces to a multiple of 8 bytes,
// then the tensors back to back in the same order.
#include <cstring>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/formats/safetensors.h"
#include "util/error.h"

namespace hirelm::formats {

namespace {

const char* dtype_string(DType t) {
  switch (t) {
    case DType::kF32: return "F32";
    case DType::kF16: return "F16";
    case DType::kBF16: return "BF16";
    default: return nullptr;
  }
}

}  // namespace

void SafetensorsWriter::add_tensor(const std::string& name, DType type, const std::vector<uint64_t>& shape,
                                   const void* data, size_t n_bytes) {
  if (dtype_string(type) == nullptr) {
    throw UnsupportedError("safetensors writer: tensor '" + name + "' has type " + std::string(dtype_name(type)) +
                           ", expected F32, F16 or BF16");
  }
  if (name == "__metadata__") throw InvalidInputError("safetensors writer: '__metadata__' is not a tensor name");
  for (const Tensor& t : tensors_) {
    if (t.name == name) throw InvalidInputError("safetensors writer: duplicate tensor name '" + name + "'");
  }
  uint64_t expected = dtype_traits(type).block_bytes;
  for (uint64_t d : shape) expected *= d;
  if (expected != n_bytes) {
    throw InvalidInputError("safetensors writer: tensor '" + name + "' needs " + std::to_string(expected) +
                            " bytes, got " + std::to_string(n_bytes));
  }
  Tensor t{name, type, shape, {}};
  t.bytes.resize(n_bytes);
  if (n_bytes > 0) std::memcpy(t.bytes.data(), data, n_bytes);
  tensors_.push_back(std::move(t));
}

void SafetensorsWriter::set_metadata(const std::string& key, const std::string& value) { metadata_[key] = value; }

void SafetensorsWriter::write(const std::string& path) const {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata_.empty()) header["__metadata__"] = metadata_;
  uint64_t offset = 0;
  for (const Tensor& t : tensors_) {
    header[t.name] = {{"dtype", dtype_string(t.type)},
                      {"shape", t.shape},
                      {"data_offsets", {offset, offset + t.bytes.size()}}};
    offset += t.bytes.size();
  }
  std::string text = header.dump();
  while (text.size() % 8 != 0) text += ' ';
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw IoError(path + ": cannot open for writing");
  const uint64_t len = text.size();
  f.write(reinterpret_cast<const char*>(&len), sizeof len);
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  for (const Tensor& t : tensors_) {
    f.write(reinterpret_cast<const char*>(t.bytes.data()), static_cast<std::streamsize>(t.bytes.size()));
  }
  f.close();
  if (!f) throw IoError(path + ": write failed");
}

}  // namespace hirelm::formats
