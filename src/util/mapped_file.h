// A read-only memory map of a whole file. Weights are pointers into this map: loading a model copies
// nothing, and the kernel pages weights in on first touch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hirelm {

class MappedFile {
 public:
  // Maps `path` read-only. Throws NotFoundError if it does not exist and IoError if it cannot be mapped.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }

 private:
  void release();

  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Reads a whole file into a string. Throws NotFoundError / IoError like MappedFile.
std::string read_file(const std::string& path);

}  // namespace hirelm
