// `hirelm model info` text: one section per part of the file, tensors as an aligned table.
#include "engine/formats/describe.h"

#include <sys/stat.h>

#include <cstdio>
#include <sstream>
#include <vector>

#include "engine/formats/gguf.h"
#include "engine/formats/hf_config.h"
#include "engine/formats/safetensors.h"

namespace hirelm::formats {

namespace {

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string shape_string(const std::vector<uint64_t>& dims) {
  std::string s = "[";
  for (size_t k = 0; k < dims.size(); ++k) s += (k ? ", " : "") + std::to_string(dims[k]);
  return s + "]";
}

std::string human_bytes(uint64_t n) {
  char buf[32];
  if (n >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(n) / (1ull << 30));
  else if (n >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.2f MiB", static_cast<double>(n) / (1ull << 20));
  else if (n >= 1024) std::snprintf(buf, sizeof buf, "%.2f KiB", static_cast<double>(n) / 1024);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  return buf;
}

struct Row {
  std::string name, type, shape;
  uint64_t bytes;
};

void print_table(std::ostringstream& out, const std::vector<Row>& rows) {
  size_t w_name = 4, w_type = 4, w_shape = 5;
  uint64_t total = 0;
  for (const Row& r : rows) {
    w_name = std::max(w_name, r.name.size());
    w_type = std::max(w_type, r.type.size());
    w_shape = std::max(w_shape, r.shape.size());
    total += r.bytes;
  }
  auto pad = [](const std::string& s, size_t w) { return s + std::string(w - s.size() + 2, ' '); };
  out << "  " << pad("name", w_name) << pad("type", w_type) << pad("shape", w_shape) << "bytes\n";
  for (const Row& r : rows) {
    out << "  " << pad(r.name, w_name) << pad(r.type, w_type) << pad(r.shape, w_shape) << r.bytes << "\n";
  }
  out << "  " << rows.size() << " tensors, " << total << " bytes (" << human_bytes(total) << ")\n";
}

std::string describe_gguf(const std::string& path) {
  GgufFile g = GgufFile::open(path);
  std::ostringstream out;
  out << path << ": GGUF version " << g.version() << ", alignment " << g.alignment() << "\n";
  out << "metadata (" << g.metadata().size() << " keys):\n";
  for (const auto& [key, value] : g.metadata()) {
    std::string type = value.type == GgufType::kArray ? "array" : gguf_type_name(value.type);
    out << "  " << key << " (" << type << ") = " << gguf_value_summary(value) << "\n";
  }
  out << "tensors (GGML order, ne[0] innermost):\n";
  std::vector<Row> rows;
  for (const GgufTensorInfo& t : g.tensors()) {
    rows.push_back({t.name, std::string(dtype_name(t.type)), shape_string(t.ne), t.n_bytes});
  }
  print_table(out, rows);
  return out.str();
}

void describe_safetensors_tensors(std::ostringstream& out, const std::vector<const SafetensorsTensor*>& tensors) {
  out << "tensors (PyTorch order, shape[0] outermost):\n";
  std::vector<Row> rows;
  for (const SafetensorsTensor* t : tensors) {
    rows.push_back({t->name, std::string(dtype_name(t->type)), shape_string(t->shape), t->n_bytes});
  }
  print_table(out, rows);
}

void describe_json_file(std::ostringstream& out, const std::string& path, const char* title) {
  if (!file_exists(path)) return;
  nlohmann::json j = load_json_file(path);
  out << title << " (" << path << "):\n";
  if (!j.is_object()) {
    out << "  " << j.dump() << "\n";
    return;
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    std::string v = it.value().dump();
    if (v.size() > 100) v = v.substr(0, 97) + "...";
    out << "  " << it.key() << " = " << v << "\n";
  }
}

}  // namespace

std::string describe_model_file(const std::string& path) {
  if (is_dir(path)) {
    SafetensorsModel m = SafetensorsModel::open_dir(path);
    std::ostringstream out;
    out << path << ": Hugging Face model directory, " << m.files().size() << " safetensors file(s)\n";
    describe_json_file(out, path + "/config.json", "config.json");
    describe_json_file(out, path + "/generation_config.json", "generation_config.json");
    describe_safetensors_tensors(out, m.tensors());
    return out.str();
  }
  if (ends_with(path, ".safetensors")) {
    SafetensorsFile f = SafetensorsFile::open(path);
    std::ostringstream out;
    out << path << ": safetensors file\n";
    for (const auto& [k, v] : f.metadata()) out << "  __metadata__." << k << " = " << v << "\n";
    std::vector<const SafetensorsTensor*> ts;
    for (const SafetensorsTensor& t : f.tensors()) ts.push_back(&t);
    describe_safetensors_tensors(out, ts);
    for (const auto& [name, dtype] : f.unsupported()) out << "  (not loadable: " << name << " " << dtype << ")\n";
    return out.str();
  }
  return describe_gguf(path);
}

}  // namespace hirelm::formats
