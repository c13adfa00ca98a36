// GGUF v3 writer: header, metadata in insertion order, tensor infos, then each tensor's data padded
// to the alignment, the layout llama.cpp's gguf reader expects.
#include <cstring>
#include <fstream>
#include <string>

#include "engine/formats/gguf.h"
#include "util/check.h"
#include "util/error.h"

namespace hirelm::formats {

namespace {

constexpr uint64_t kDefaultAlignment = 32;

class Out {
 public:
  void bytes(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    buf_.insert(buf_.end(), b, b + n);
  }
  template <typename T>
  void put(T v) {
    bytes(&v, sizeof v);
  }
  void str(const std::string& s) {
    put<uint64_t>(s.size());
    bytes(s.data(), s.size());
  }
  void pad_to(uint64_t alignment) {
    while (buf_.size() % alignment != 0) buf_.push_back(0);
  }
  const std::vector<uint8_t>& data() const { return buf_; }

 private:
  std::vector<uint8_t> buf_;
};

void write_value(Out& o, const GgufValue& v) {
  o.put<uint32_t>(static_cast<uint32_t>(v.type));
  switch (v.type) {
    case GgufType::kString: o.str(v.s); break;
    case GgufType::kUint32: o.put<uint32_t>(static_cast<uint32_t>(v.i)); break;
    case GgufType::kInt32: o.put<int32_t>(static_cast<int32_t>(v.i)); break;
    case GgufType::kUint64: o.put<uint64_t>(static_cast<uint64_t>(v.i)); break;
    case GgufType::kFloat32: o.put<float>(static_cast<float>(v.f)); break;
    case GgufType::kBool: o.put<uint8_t>(v.i != 0 ? 1 : 0); break;
    case GgufType::kArray:
      o.put<uint32_t>(static_cast<uint32_t>(v.array_type));
      if (v.array_type == GgufType::kString) {
        o.put<uint64_t>(v.strings.size());
        for (const std::string& s : v.strings) o.str(s);
      } else if (v.array_type == GgufType::kInt32) {
        o.put<uint64_t>(v.ints.size());
        for (int64_t x : v.ints) o.put<int32_t>(static_cast<int32_t>(x));
      } else {
        HIRELM_CHECK(v.array_type == GgufType::kFloat32);
        o.put<uint64_t>(v.floats.size());
        for (double x : v.floats) o.put<float>(static_cast<float>(x));
      }
      break;
    default: HIRELM_CHECK_MSG(false, "GgufWriter holds a value type it cannot write");
  }
}

}  // namespace

void GgufWriter::set(const std::string& key, GgufValue value) {
  for (Entry& e : entries_) {
    if (e.key == key) {
      e.value = std::move(value);
      return;
    }
  }
  entries_.push_back({key, std::move(value)});
}

void GgufWriter::set_string(const std::string& key, const std::string& value) {
  GgufValue v;
  v.type = GgufType::kString;
  v.s = value;
  set(key, std::move(v));
}

void GgufWriter::set_uint32(const std::string& key, uint32_t value) {
  GgufValue v;
  v.type = GgufType::kUint32;
  v.i = value;
  set(key, std::move(v));
}

void GgufWriter::set_int32(const std::string& key, int32_t value) {
  GgufValue v;
  v.type = GgufType::kInt32;
  v.i = value;
  set(key, std::move(v));
}

void GgufWriter::set_uint64(const std::string& key, uint64_t value) {
  HIRELM_CHECK(value <= static_cast<uint64_t>(INT64_MAX));
  GgufValue v;
  v.type = GgufType::kUint64;
  v.i = static_cast<int64_t>(value);
  set(key, std::move(v));
}

void GgufWriter::set_float32(const std::string& key, float value) {
  GgufValue v;
  v.type = GgufType::kFloat32;
  v.f = value;
  set(key, std::move(v));
}

void GgufWriter::set_bool(const std::string& key, bool value) {
  GgufValue v;
  v.type = GgufType::kBool;
  v.i = value ? 1 : 0;
  set(key, std::move(v));
}

void GgufWriter::set_string_array(const std::string& key, const std::vector<std::string>& values) {
  GgufValue v;
  v.type = GgufType::kArray;
  v.array_type = GgufType::kString;
  v.strings = values;
  set(key, std::move(v));
}

void GgufWriter::set_int32_array(const std::string& key, const std::vector<int32_t>& values) {
  GgufValue v;
  v.type = GgufType::kArray;
  v.array_type = GgufType::kInt32;
  v.ints.assign(values.begin(), values.end());
  set(key, std::move(v));
}

void GgufWriter::set_float32_array(const std::string& key, const std::vector<float>& values) {
  GgufValue v;
  v.type = GgufType::kArray;
  v.array_type = GgufType::kFloat32;
  v.floats.assign(values.begin(), values.end());
  set(key, std::move(v));
}

void GgufWriter::add_tensor(const std::string& name, DType type, const std::vector<uint64_t>& ne, const void* data,
                            size_t n_bytes) {
  for (const Tensor& t : tensors_) {
    if (t.name == name) throw InvalidInputError("GGUF writer: duplicate tensor name '" + name + "'");
  }
  if (ne.empty() || ne.size() > 4) {
    throw InvalidInputError("GGUF writer: tensor '" + name + "' has " + std::to_string(ne.size()) +
                            " dims, expected 1 to 4");
  }
  const DTypeTraits tr = dtype_traits(type);
  if (ne[0] % tr.block_elements != 0) {
    throw InvalidInputError("GGUF writer: tensor '" + name + "' has ne[0] = " + std::to_string(ne[0]) +
                            ", expected a multiple of " + std::to_string(tr.block_elements) + " for " +
                            std::string(tr.name));
  }
  uint64_t expected = dtype_row_bytes(type, ne[0]);
  for (size_t d = 1; d < ne.size(); ++d) expected *= ne[d];
  if (expected != n_bytes) {
    throw InvalidInputError("GGUF writer: tensor '" + name + "' needs " + std::to_string(expected) +
                            " bytes, got " + std::to_string(n_bytes));
  }
  Tensor t{name, type, ne, {}};
  t.bytes.resize(n_bytes);
  if (n_bytes > 0) std::memcpy(t.bytes.data(), data, n_bytes);
  tensors_.push_back(std::move(t));
}

void GgufWriter::write(const std::string& path) const {
  uint64_t alignment = kDefaultAlignment;
  for (const Entry& e : entries_) {
    if (e.key == "general.alignment") {
      HIRELM_CHECK_MSG(e.value.type == GgufType::kUint32 && e.value.i > 0 && (e.value.i & (e.value.i - 1)) == 0,
                       "general.alignment must be a uint32 power of two");
      alignment = static_cast<uint64_t>(e.value.i);
    }
  }
  Out o;
  o.put<uint32_t>(0x46554747u);  // "GGUF"
  o.put<uint32_t>(3);
  o.put<uint64_t>(tensors_.size());
  o.put<uint64_t>(entries_.size());
  for (const Entry& e : entries_) {
    o.str(e.key);
    write_value(o, e.value);
  }
  uint64_t offset = 0;
  for (const Tensor& t : tensors_) {
    o.str(t.name);
    o.put<uint32_t>(static_cast<uint32_t>(t.ne.size()));
    for (uint64_t d : t.ne) o.put<uint64_t>(d);
    o.put<uint32_t>(static_cast<uint32_t>(t.type));
    o.put<uint64_t>(offset);
    offset += (t.bytes.size() + alignment - 1) / alignment * alignment;
  }
  o.pad_to(alignment);

  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw IoError(path + ": cannot open for writing");
  f.write(reinterpret_cast<const char*>(o.data().data()), static_cast<std::streamsize>(o.data().size()));
  static const char kZeros[256] = {};
  for (const Tensor& t : tensors_) {
    f.write(reinterpret_cast<const char*>(t.bytes.data()), static_cast<std::streamsize>(t.bytes.size()));
    uint64_t pad = (alignment - t.bytes.size() % alignment) % alignment;
    while (pad > 0) {
      uint64_t n = pad < sizeof kZeros ? pad : sizeof kZeros;
      f.write(kZeros, static_cast<std::streamsize>(n));
      pad -= n;
    }
  }
  f.close();
  if (!f) throw IoError(path + ": write failed");
}

}  // namespace hirelm::formats
