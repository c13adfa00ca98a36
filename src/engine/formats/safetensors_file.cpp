// Safetensors reader: validates the JSON header (types, shapes, offsets, duplicates) and that the
// tensors tile the data section exactly, then hands out pointers into the map.
#include <algorithm>
#include <limits>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/formats/byte_reader.h"
#include "engine/formats/safetensors.h"
#include "util/error.h"

namespace hirelm::formats {

namespace {

// Headers larger than this are refused (the reference implementation uses the same 100 MB cap).
constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;

// Element size of every dtype the format defines; 0 if unknown.
uint64_t dtype_size(const std::string& dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" || dtype == "F8_E5M2") return 1;
  return 0;
}

std::optional<DType> supported_dtype(const std::string& dtype) {
  if (dtype == "F32") return DType::kF32;
  if (dtype == "F16") return DType::kF16;
  if (dtype == "BF16") return DType::kBF16;
  return std::nullopt;
}

uint64_t as_u64(const std::string& path, const std::string& what, const nlohmann::json& v) {
  if (!v.is_number_unsigned()) {
    if (v.is_number_integer() && v.get<int64_t>() >= 0) return static_cast<uint64_t>(v.get<int64_t>());
    throw InvalidInputError(path + ": " + what + " is " + v.dump() + ", expected a non-negative integer");
  }
  return v.get<uint64_t>();
}

struct Span {
  uint64_t begin, end;
  std::string name;
};

}  // namespace

SafetensorsFile SafetensorsFile::open(const std::string& path) {
  SafetensorsFile f;
  f.file_ = std::make_shared<MappedFile>(path);
  ByteReader r(f.file_->path(), f.file_->data(), f.file_->size());
  uint64_t header_len = r.read<uint64_t>("header length");
  if (header_len > r.remaining() || header_len > kMaxHeaderBytes) {
    throw InvalidInputError(path + ": header length " + std::to_string(header_len) + " exceeds " +
                            (header_len > r.remaining() ? "the " + std::to_string(r.remaining()) +
                                                              " bytes after the length field"
                                                        : "the limit of " + std::to_string(kMaxHeaderBytes)));
  }
  std::string_view header = r.read_bytes(header_len, "header");
  const uint64_t data_size = r.remaining();
  const uint8_t* data = f.file_->data() + r.offset();

  // Parse once, noting top-level keys as they come: nlohmann keeps only the last of duplicate keys.
  std::set<std::string> seen;
  std::string duplicate;
  nlohmann::json::parser_callback_t on_event = [&](int depth, nlohmann::json::parse_event_t event,
                                                   nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && depth == 1 && parsed.is_string()) {
      if (!seen.insert(parsed.get<std::string>()).second && duplicate.empty()) duplicate = parsed.get<std::string>();
    }
    return true;
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(header.begin(), header.end(), on_event);
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInputError(path + ": header is not valid JSON: " + e.what());
  }
  if (!duplicate.empty()) throw InvalidInputError(path + ": duplicate tensor name '" + duplicate + "' in header");
  if (!j.is_object()) throw InvalidInputError(path + ": header is a JSON " + std::string(j.type_name()) + ", expected an object");

  std::vector<Span> spans;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& name = it.key();
    const nlohmann::json& v = it.value();
    if (name == "__metadata__") {
      if (!v.is_object()) throw InvalidInputError(path + ": '__metadata__' is a " + std::string(v.type_name()) + ", expected an object");
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string()) {
          throw InvalidInputError(path + ": '__metadata__." + m.key() + "' is a " + std::string(m.value().type_name()) +
                                  ", expected a string");
        }
        f.metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    const std::string what = "tensor '" + name + "'";
    if (!v.is_object()) throw InvalidInputError(path + ": " + what + " is a " + std::string(v.type_name()) + ", expected an object");
    auto dt = v.find("dtype");
    auto sh = v.find("shape");
    auto off = v.find("data_offsets");
    if (dt == v.end() || !dt->is_string()) throw InvalidInputError(path + ": " + what + " field 'dtype' missing or not a string");
    if (sh == v.end() || !sh->is_array()) throw InvalidInputError(path + ": " + what + " field 'shape' missing or not an array");
    if (off == v.end() || !off->is_array() || off->size() != 2) {
      throw InvalidInputError(path + ": " + what + " field 'data_offsets' missing or not an array of 2 integers");
    }
    const std::string dtype = dt->get<std::string>();
    const uint64_t elem = dtype_size(dtype);
    if (elem == 0) throw InvalidInputError(path + ": " + what + " has unknown dtype '" + dtype + "'");
    SafetensorsTensor t;
    t.name = name;
    uint64_t n_elements = 1;
    for (size_t d = 0; d < sh->size(); ++d) {
      uint64_t dim = as_u64(path, what + " shape[" + std::to_string(d) + "]", (*sh)[d]);
      t.shape.push_back(dim);
      if (__builtin_mul_overflow(n_elements, dim, &n_elements)) {
        throw InvalidInputError(path + ": " + what + " element count overflows");
      }
    }
    uint64_t begin = as_u64(path, what + " data_offsets[0]", (*off)[0]);
    uint64_t end = as_u64(path, what + " data_offsets[1]", (*off)[1]);
    if (begin > end || end > data_size) {
      throw InvalidInputError(path + ": " + what + " data_offsets [" + std::to_string(begin) + ", " +
                              std::to_string(end) + "] out of bounds: the data section holds " +
                              std::to_string(data_size) + " bytes");
    }
    uint64_t n_bytes = 0;
    if (__builtin_mul_overflow(n_elements, elem, &n_bytes)) {
      throw InvalidInputError(path + ": " + what + " byte size overflows");
    }
    if (n_bytes != end - begin) {
      throw InvalidInputError(path + ": " + what + " of dtype " + dtype + " and " + std::to_string(n_elements) +
                              " elements needs " + std::to_string(n_bytes) + " bytes, but data_offsets span " +
                              std::to_string(end - begin));
    }
    spans.push_back({begin, end, name});
    if (auto st = supported_dtype(dtype)) {
      t.type = *st;
      t.data = data + begin;
      t.n_bytes = n_bytes;
      f.tensors_.push_back(std::move(t));
    } else {
      f.unsupported_[name] = dtype;
    }
  }

  // The tensors must tile [0, data_size) exactly: no gaps, no overlaps, no trailing bytes.
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  uint64_t expected = 0;
  for (const Span& s : spans) {
    if (s.begin != expected) {
      throw InvalidInputError(path + ": tensor '" + s.name + "' data starts at " + std::to_string(s.begin) +
                              ", expected " + std::to_string(expected) +
                              (s.begin < expected ? " (overlaps the previous tensor)" : " (gap before it)"));
    }
    expected = s.end;
  }
  if (expected != data_size) {
    throw InvalidInputError(path + ": tensor data ends at " + std::to_string(expected) + " but the data section holds " +
                            std::to_string(data_size) + " bytes (trailing garbage)");
  }
  std::sort(f.tensors_.begin(), f.tensors_.end(),
            [](const SafetensorsTensor& a, const SafetensorsTensor& b) { return a.data < b.data; });
  for (size_t k = 0; k < f.tensors_.size(); ++k) f.index_[f.tensors_[k].name] = k;
  return f;
}

const SafetensorsTensor* SafetensorsFile::find(const std::string& name) const {
  auto it = index_.find(name);
  if (it != index_.end()) return &tensors_[it->second];
  auto u = unsupported_.find(name);
  if (u != unsupported_.end()) {
    throw UnsupportedError(path() + ": tensor '" + name + "' has dtype " + u->second +
                           ", which hirelm does not load (supported: F32, F16, BF16)");
  }
  return nullptr;
}

}  // namespace hirelm::formats
