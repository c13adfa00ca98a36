// GGUF reader: maps the file, parses header, metadata and tensor infos through a bounds-checked
// cursor, and validates every tensor's placement before handing out pointers into the map.
#include <algorithm>
#include <bit>
#include <limits>
#include <string>
#include <utility>

#include "engine/formats/byte_reader.h"
#include "engine/formats/gguf.h"
#include "util/check.h"
#include "util/error.h"

namespace hirelm::formats {

static_assert(std::endian::native == std::endian::little, "GGUF reading assumes a little-endian host");

namespace {

constexpr uint32_t kMaxDims = 4;
// Smallest encodings, used to reject counts the remaining bytes could never hold before allocating.
constexpr uint64_t kMinKvBytes = 8 + 4 + 1;                // empty key, type, 1-byte value
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 4 + 8;    // empty name, n_dims = 0, type, offset

std::string hex32(uint32_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s += digits[(v >> shift) & 0xf];
  return s;
}

// Bytes one element of a scalar type takes on disk; 0 for string/array/unknown.
uint64_t scalar_size(GgufType t) {
  switch (t) {
    case GgufType::kUint8:
    case GgufType::kInt8:
    case GgufType::kBool: return 1;
    case GgufType::kUint16:
    case GgufType::kInt16: return 2;
    case GgufType::kUint32:
    case GgufType::kInt32:
    case GgufType::kFloat32: return 4;
    case GgufType::kUint64:
    case GgufType::kInt64:
    case GgufType::kFloat64: return 8;
    default: return 0;
  }
}

bool is_integer_type(GgufType t) {
  switch (t) {
    case GgufType::kUint8:
    case GgufType::kInt8:
    case GgufType::kUint16:
    case GgufType::kInt16:
    case GgufType::kUint32:
    case GgufType::kInt32:
    case GgufType::kUint64:
    case GgufType::kInt64: return true;
    default: return false;
  }
}

bool is_float_type(GgufType t) { return t == GgufType::kFloat32 || t == GgufType::kFloat64; }

class Parser {
 public:
  explicit Parser(ByteReader& r) : r_(r) {}

  std::string read_string(const std::string& what) {
    uint64_t len = r_.read<uint64_t>(what + " length");
    if (len > r_.remaining()) {
      throw InvalidInputError(r_.path() + ": " + what + " length " + std::to_string(len) + " at offset " +
                              std::to_string(r_.offset() - 8) + " exceeds the " + std::to_string(r_.remaining()) +
                              " bytes left in the file");
    }
    return std::string(r_.read_bytes(len, what));
  }

  GgufType read_type(const std::string& what) {
    uint32_t raw = r_.read<uint32_t>(what + " type");
    if (raw > static_cast<uint32_t>(GgufType::kFloat64)) {
      throw InvalidInputError(r_.path() + ": " + what + " has unknown value type " + std::to_string(raw) +
                              ", expected 0..12");
    }
    return static_cast<GgufType>(raw);
  }

  // Reads one scalar of type `t` (not string/array) into `i` or `f`.
  void read_scalar(GgufType t, const std::string& what, int64_t* i, double* f) {
    switch (t) {
      case GgufType::kUint8: *i = r_.read<uint8_t>(what); break;
      case GgufType::kInt8: *i = r_.read<int8_t>(what); break;
      case GgufType::kUint16: *i = r_.read<uint16_t>(what); break;
      case GgufType::kInt16: *i = r_.read<int16_t>(what); break;
      case GgufType::kUint32: *i = r_.read<uint32_t>(what); break;
      case GgufType::kInt32: *i = r_.read<int32_t>(what); break;
      case GgufType::kInt64: *i = r_.read<int64_t>(what); break;
      case GgufType::kUint64: {
        uint64_t v = r_.read<uint64_t>(what);
        if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          throw InvalidInputError(r_.path() + ": " + what + " uint64 value " + std::to_string(v) +
                                  " exceeds the supported maximum " +
                                  std::to_string(std::numeric_limits<int64_t>::max()));
        }
        *i = static_cast<int64_t>(v);
        break;
      }
      case GgufType::kBool: {
        uint8_t v = r_.read<uint8_t>(what);
        if (v > 1) {
          throw InvalidInputError(r_.path() + ": " + what + " bool byte is " + std::to_string(v) +
                                  ", expected 0 or 1");
        }
        *i = v;
        break;
      }
      case GgufType::kFloat32: *f = r_.read<float>(what); break;
      case GgufType::kFloat64: *f = r_.read<double>(what); break;
      default: HIRELM_CHECK(false);
    }
  }

  GgufValue read_value(GgufType t, const std::string& what) {
    GgufValue v;
    v.type = t;
    if (t == GgufType::kString) {
      v.s = read_string(what);
    } else if (t == GgufType::kArray) {
      v.array_type = read_type(what + " element");
      uint64_t n = r_.read<uint64_t>(what + " array length");
      if (v.array_type == GgufType::kArray) {
        throw UnsupportedError(r_.path() + ": " + what + " is a nested array, which hirelm does not support");
      }
      uint64_t elem_min = v.array_type == GgufType::kString ? 8 : scalar_size(v.array_type);
      if (n > r_.remaining() / elem_min) {
        throw InvalidInputError(r_.path() + ": " + what + " array length " + std::to_string(n) + " of " +
                                gguf_type_name(v.array_type) + " needs at least " +
                                std::to_string(elem_min) + " bytes each, but only " +
                                std::to_string(r_.remaining()) + " bytes are left in the file");
      }
      if (v.array_type == GgufType::kString) {
        v.strings.reserve(n);
        for (uint64_t k = 0; k < n; ++k) v.strings.push_back(read_string(what + "[" + std::to_string(k) + "]"));
      } else if (is_float_type(v.array_type)) {
        v.floats.resize(n);
        int64_t unused = 0;
        for (uint64_t k = 0; k < n; ++k) read_scalar(v.array_type, what, &unused, &v.floats[k]);
      } else {
        v.ints.resize(n);
        double unused = 0;
        for (uint64_t k = 0; k < n; ++k) read_scalar(v.array_type, what, &v.ints[k], &unused);
      }
    } else {
      read_scalar(t, what, &v.i, &v.f);
    }
    return v;
  }

 private:
  ByteReader& r_;
};

// a * b, or nullopt on uint64 overflow.
bool mul_overflows(uint64_t a, uint64_t b, uint64_t* out) { return __builtin_mul_overflow(a, b, out); }

}  // namespace

GgufFile GgufFile::open(const std::string& path) {
  GgufFile g;
  g.file_ = std::make_shared<MappedFile>(path);
  ByteReader r(g.file_->path(), g.file_->data(), g.file_->size());
  Parser p(r);

  uint32_t magic = r.read<uint32_t>("magic");
  if (magic != 0x46554747u) {  // "GGUF" read as a little-endian uint32
    throw InvalidInputError(path + ": bad magic: expected 'GGUF' (0x46554747), got " + hex32(magic));
  }
  g.version_ = r.read<uint32_t>("version");
  if (g.version_ == 1) throw UnsupportedError(path + ": GGUF version 1 is not supported (expected 2 or 3)");
  if (g.version_ == 0 || g.version_ > 3) {
    throw UnsupportedError(path + ": GGUF version " + std::to_string(g.version_) +
                           " is not supported (expected 2 or 3; a huge value may mean a big-endian file)");
  }
  uint64_t n_tensors = r.read<uint64_t>("tensor count");
  uint64_t n_kv = r.read<uint64_t>("metadata count");
  if (n_kv > r.remaining() / kMinKvBytes) {
    throw InvalidInputError(path + ": metadata count " + std::to_string(n_kv) + " is more than the " +
                            std::to_string(r.remaining()) + " bytes left could hold (at most " +
                            std::to_string(r.remaining() / kMinKvBytes) + ")");
  }
  if (n_tensors > r.remaining() / kMinTensorInfoBytes) {
    throw InvalidInputError(path + ": tensor count " + std::to_string(n_tensors) + " is more than the " +
                            std::to_string(r.remaining()) + " bytes left could hold (at most " +
                            std::to_string(r.remaining() / kMinTensorInfoBytes) + ")");
  }

  for (uint64_t k = 0; k < n_kv; ++k) {
    std::string key = p.read_string("metadata key #" + std::to_string(k));
    GgufType t = p.read_type("metadata '" + key + "'");
    GgufValue v = p.read_value(t, "metadata '" + key + "'");
    if (!g.metadata_.emplace(key, std::move(v)).second) {
      throw InvalidInputError(path + ": duplicate metadata key '" + key + "'");
    }
  }

  if (const GgufValue* a = g.find("general.alignment")) {
    if (a->type != GgufType::kUint32) {
      throw InvalidInputError(path + ": metadata 'general.alignment' has type " + gguf_type_name(a->type) +
                              ", expected uint32");
    }
    if (a->i == 0 || (a->i & (a->i - 1)) != 0) {
      throw InvalidInputError(path + ": metadata 'general.alignment' is " + std::to_string(a->i) +
                              ", expected a power of two");
    }
    g.alignment_ = static_cast<uint64_t>(a->i);
  }

  g.tensors_.reserve(n_tensors);
  for (uint64_t k = 0; k < n_tensors; ++k) {
    GgufTensorInfo t;
    t.name = p.read_string("tensor name #" + std::to_string(k));
    const std::string what = "tensor '" + t.name + "'";
    uint32_t n_dims = r.read<uint32_t>(what + " n_dims");
    if (n_dims > kMaxDims) {
      throw InvalidInputError(path + ": " + what + " has " + std::to_string(n_dims) + " dims, expected at most " +
                              std::to_string(kMaxDims));
    }
    t.ne.resize(n_dims);
    t.n_elements = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
      t.ne[d] = r.read<uint64_t>(what + " ne[" + std::to_string(d) + "]");
      if (t.ne[d] > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
          mul_overflows(t.n_elements, t.ne[d], &t.n_elements) ||
          t.n_elements > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        throw InvalidInputError(path + ": " + what + " element count overflows (ne[" + std::to_string(d) +
                                "] = " + std::to_string(t.ne[d]) + ")");
      }
    }
    uint32_t type_id = r.read<uint32_t>(what + " type");
    auto dtype = dtype_from_ggml_id(type_id);
    if (!dtype) {
      throw UnsupportedError(path + ": " + what + " has tensor type id " + std::to_string(type_id) +
                             ", which hirelm does not support (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)");
    }
    t.type = *dtype;
    t.offset = r.read<uint64_t>(what + " offset");
    const DTypeTraits tr = dtype_traits(t.type);
    uint64_t ne0 = n_dims > 0 ? t.ne[0] : 1;
    if (ne0 % tr.block_elements != 0) {
      throw InvalidInputError(path + ": " + what + " of type " + std::string(tr.name) + " has ne[0] = " +
                              std::to_string(ne0) + ", expected a multiple of the block size " +
                              std::to_string(tr.block_elements));
    }
    // n_elements / block_elements cannot overflow; times block_bytes might.
    if (mul_overflows(t.n_elements / tr.block_elements, tr.block_bytes, &t.n_bytes)) {
      throw InvalidInputError(path + ": " + what + " byte size overflows");
    }
    if (t.offset % g.alignment_ != 0) {
      throw InvalidInputError(path + ": " + what + " offset " + std::to_string(t.offset) +
                              " is misaligned: expected a multiple of " + std::to_string(g.alignment_));
    }
    if (!g.tensor_index_.emplace(t.name, g.tensors_.size()).second) {
      throw InvalidInputError(path + ": duplicate tensor name '" + t.name + "'");
    }
    g.tensors_.push_back(std::move(t));
  }

  // The data section starts at the next multiple of the alignment after the tensor infos.
  uint64_t info_end = r.offset();
  uint64_t data_start = info_end + (g.alignment_ - info_end % g.alignment_) % g.alignment_;
  uint64_t file_size = r.size();
  if (!g.tensors_.empty() && data_start > file_size) {
    throw InvalidInputError(path + ": truncated: data section should start at offset " + std::to_string(data_start) +
                            ", but the file is " + std::to_string(file_size) + " bytes");
  }
  uint64_t data_size = data_start <= file_size ? file_size - data_start : 0;
  for (GgufTensorInfo& t : g.tensors_) {
    if (t.offset > data_size || t.n_bytes > data_size - t.offset) {
      throw InvalidInputError(path + ": tensor '" + t.name + "' data out of bounds: bytes [" +
                              std::to_string(t.offset) + ", " + std::to_string(t.offset) + " + " +
                              std::to_string(t.n_bytes) + ") of the data section, which holds " +
                              std::to_string(data_size) + " bytes (file truncated?)");
    }
    t.data = g.file_->data() + data_start + t.offset;
  }
  std::vector<const GgufTensorInfo*> by_offset;
  by_offset.reserve(g.tensors_.size());
  for (const GgufTensorInfo& t : g.tensors_) by_offset.push_back(&t);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const GgufTensorInfo* a, const GgufTensorInfo* b) { return a->offset < b->offset; });
  const GgufTensorInfo* furthest = nullptr;  // the tensor whose data ends last among those seen so far
  for (const GgufTensorInfo* cur : by_offset) {
    if (cur->n_bytes == 0) continue;
    if (furthest != nullptr && furthest->offset + furthest->n_bytes > cur->offset) {
      throw InvalidInputError(path + ": tensor '" + cur->name + "' data at offset " + std::to_string(cur->offset) +
                              " overlaps tensor '" + furthest->name + "', which ends at " +
                              std::to_string(furthest->offset + furthest->n_bytes));
    }
    if (furthest == nullptr || cur->offset + cur->n_bytes > furthest->offset + furthest->n_bytes) furthest = cur;
  }
  return g;
}

const GgufValue* GgufFile::find(const std::string& key) const {
  auto it = metadata_.find(key);
  return it == metadata_.end() ? nullptr : &it->second;
}

const GgufTensorInfo* GgufFile::find_tensor(const std::string& name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

namespace {

std::string value_type_name(const GgufValue& v) {
  if (v.type == GgufType::kArray) return "array[" + gguf_type_name(v.array_type) + "]";
  return gguf_type_name(v.type);
}

[[noreturn]] void throw_missing(const std::string& path, const std::string& key) {
  throw InvalidInputError(path + ": metadata '" + key + "' missing");
}

[[noreturn]] void throw_type(const std::string& path, const std::string& key, const GgufValue& v,
                             const std::string& expected) {
  throw InvalidInputError(path + ": metadata '" + key + "' has type " + value_type_name(v) + ", expected " + expected);
}

}  // namespace

std::optional<std::string> GgufFile::find_string(const std::string& key) const {
  const GgufValue* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (v->type != GgufType::kString) throw_type(path(), key, *v, "string");
  return v->s;
}

std::optional<int64_t> GgufFile::find_int(const std::string& key) const {
  const GgufValue* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!is_integer_type(v->type)) throw_type(path(), key, *v, "an integer");
  return v->i;
}

std::optional<double> GgufFile::find_float(const std::string& key) const {
  const GgufValue* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (is_float_type(v->type)) return v->f;
  if (is_integer_type(v->type)) return static_cast<double>(v->i);
  throw_type(path(), key, *v, "a number");
}

std::optional<bool> GgufFile::find_bool(const std::string& key) const {
  const GgufValue* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (v->type != GgufType::kBool) throw_type(path(), key, *v, "bool");
  return v->i != 0;
}

std::string GgufFile::get_string(const std::string& key) const {
  auto v = find_string(key);
  if (!v) throw_missing(path(), key);
  return *v;
}

int64_t GgufFile::get_int(const std::string& key) const {
  auto v = find_int(key);
  if (!v) throw_missing(path(), key);
  return *v;
}

double GgufFile::get_float(const std::string& key) const {
  auto v = find_float(key);
  if (!v) throw_missing(path(), key);
  return *v;
}

bool GgufFile::get_bool(const std::string& key) const {
  auto v = find_bool(key);
  if (!v) throw_missing(path(), key);
  return *v;
}

const std::vector<std::string>& GgufFile::get_string_array(const std::string& key) const {
  const GgufValue* v = find(key);
  if (v == nullptr) throw_missing(path(), key);
  if (v->type != GgufType::kArray || v->array_type != GgufType::kString) throw_type(path(), key, *v, "array[string]");
  return v->strings;
}

const std::vector<int64_t>& GgufFile::get_int_array(const std::string& key) const {
  const GgufValue* v = find(key);
  if (v == nullptr) throw_missing(path(), key);
  if (v->type != GgufType::kArray || !(is_integer_type(v->array_type) || v->array_type == GgufType::kBool)) {
    throw_type(path(), key, *v, "an integer array");
  }
  return v->ints;
}

const std::vector<double>& GgufFile::get_float_array(const std::string& key) const {
  const GgufValue* v = find(key);
  if (v == nullptr) throw_missing(path(), key);
  if (v->type != GgufType::kArray || !is_float_type(v->array_type)) throw_type(path(), key, *v, "a float array");
  return v->floats;
}

}  // namespace hirelm::formats
