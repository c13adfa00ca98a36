// Names and human-readable summaries of GGUF metadata values (for errors and `hirelm model info`).
#include <cstdio>
#include <string>

#include "engine/formats/gguf.h"

namespace hirelm::formats {

std::string gguf_type_name(GgufType type) {
  switch (type) {
    case GgufType::kUint8: return "uint8";
    case GgufType::kInt8: return "int8";
    case GgufType::kUint16: return "uint16";
    case GgufType::kInt16: return "int16";
    case GgufType::kUint32: return "uint32";
    case GgufType::kInt32: return "int32";
    case GgufType::kFloat32: return "float32";
    case GgufType::kBool: return "bool";
    case GgufType::kString: return "string";
    case GgufType::kArray: return "array";
    case GgufType::kUint64: return "uint64";
    case GgufType::kInt64: return "int64";
    case GgufType::kFloat64: return "float64";
  }
  return "type#" + std::to_string(static_cast<uint32_t>(type));
}

namespace {

std::string quote(const std::string& s, size_t max_string) {
  std::string out = "\"";
  size_t n = 0;
  for (char c : s) {
    if (n++ >= max_string) {
      out += "...";
      break;
    }
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += "\"";
  return out;
}

std::string format_double(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

bool is_float_type(GgufType t) { return t == GgufType::kFloat32 || t == GgufType::kFloat64; }

}  // namespace

std::string gguf_value_summary(const GgufValue& value, size_t max_items, size_t max_string) {
  switch (value.type) {
    case GgufType::kString: return quote(value.s, max_string);
    case GgufType::kBool: return value.i != 0 ? "true" : "false";
    case GgufType::kFloat32:
    case GgufType::kFloat64: return format_double(value.f);
    case GgufType::kArray: {
      size_t n = value.array_type == GgufType::kString ? value.strings.size()
                 : is_float_type(value.array_type)     ? value.floats.size()
                                                       : value.ints.size();
      std::string out = "array[" + gguf_type_name(value.array_type) + "] (" + std::to_string(n) + " items)";
      size_t shown = n < max_items ? n : max_items;
      for (size_t k = 0; k < shown; ++k) {
        out += k == 0 ? ": " : ", ";
        if (value.array_type == GgufType::kString) out += quote(value.strings[k], max_string);
        else if (is_float_type(value.array_type)) out += format_double(value.floats[k]);
        else if (value.array_type == GgufType::kBool) out += value.ints[k] != 0 ? "true" : "false";
        else out += std::to_string(value.ints[k]);
      }
      if (shown < n) out += ", ...";
      return out;
    }
    default: return std::to_string(value.i);
  }
}

}  // namespace hirelm::formats
