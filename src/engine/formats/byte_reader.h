// Bounds-checked little-endian reads from a byte span, for parsers of untrusted files. Every read
// that would run past the end throws InvalidInputError "PATH: truncated while reading WHAT at offset
// N: need K bytes, M left", so a parser never touches memory outside the span.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "util/error.h"

namespace hirelm::formats {

class ByteReader {
 public:
  // `path` names the file in error messages; `data` must outlive the reader.
  ByteReader(const std::string& path, const uint8_t* data, uint64_t size) : path_(path), data_(data), size_(size) {}

  uint64_t offset() const { return pos_; }
  uint64_t remaining() const { return size_ - pos_; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

  // Throws unless `n` more bytes are available; `what` names the field being read.
  void require(uint64_t n, std::string_view what) const {
    if (n > remaining()) {
      throw InvalidInputError(path_ + ": truncated while reading " + std::string(what) + " at offset " +
                              std::to_string(pos_) + ": need " + std::to_string(n) + " bytes, " +
                              std::to_string(remaining()) + " left");
    }
  }

  template <typename T>
  T read(std::string_view what) {
    require(sizeof(T), what);
    T v;
    std::memcpy(&v, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  // Returns a view of the next `n` bytes and advances past them.
  std::string_view read_bytes(uint64_t n, std::string_view what) {
    require(n, what);
    std::string_view v(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(n));
    pos_ += n;
    return v;
  }

  void skip(uint64_t n, std::string_view what) {
    require(n, what);
    pos_ += n;
  }

 private:
  const std::string& path_;
  const uint8_t* data_;
  uint64_t size_;
  uint64_t pos_ = 0;
};

}  // namespace hirelm::formats
