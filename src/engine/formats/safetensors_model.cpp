// A Hugging Face model directory's tensors: one model.safetensors, or the shards listed by
// model.safetensors.index.json, checked against the index's weight_map.
#include <sys/stat.h>

#include <set>
#include <string>

#include "engine/formats/hf_config.h"
#include "engine/formats/safetensors.h"
#include "util/error.h"

namespace hirelm::formats {

namespace {

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// A shard name from the index must be a plain file name inside the directory.
void check_shard_name(const std::string& index_path, const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name.find('\\') != std::string::npos || name == "." ||
      name == "..") {
    throw InvalidInputError(index_path + ": weight_map names shard '" + name + "', expected a file name in the same directory");
  }
}

}  // namespace

SafetensorsModel SafetensorsModel::open_dir(const std::string& dir) {
  SafetensorsModel m;
  const std::string single = dir + "/model.safetensors";
  const std::string index_path = dir + "/model.safetensors.index.json";
  std::map<std::string, std::string> weight_map;  // tensor -> shard file name
  if (file_exists(single)) {
    m.files_.push_back(SafetensorsFile::open(single));
  } else if (file_exists(index_path)) {
    nlohmann::json index = load_json_file(index_path);
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object()) {
      throw InvalidInputError(index_path + ": field 'weight_map' missing or not an object");
    }
    std::set<std::string> shards;
    for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it) {
      if (!it.value().is_string()) {
        throw InvalidInputError(index_path + ": weight_map['" + it.key() + "'] is a " +
                                std::string(it.value().type_name()) + ", expected a file name");
      }
      const std::string shard = it.value().get<std::string>();
      check_shard_name(index_path, shard);
      weight_map[it.key()] = shard;
      shards.insert(shard);
    }
    for (const std::string& shard : shards) m.files_.push_back(SafetensorsFile::open(dir + "/" + shard));
  } else {
    throw NotFoundError(dir + ": no model.safetensors or model.safetensors.index.json in this directory");
  }

  for (size_t f = 0; f < m.files_.size(); ++f) {
    const SafetensorsFile& file = m.files_[f];
    for (size_t t = 0; t < file.tensors().size(); ++t) {
      const std::string& name = file.tensors()[t].name;
      if (!m.index_.emplace(name, std::make_pair(f, t)).second) {
        throw InvalidInputError(file.path() + ": tensor '" + name + "' also appears in " +
                                m.files_[m.index_[name].first].path());
      }
    }
  }
  // Every tensor the index promises must be in the shard it names.
  for (const auto& [name, shard] : weight_map) {
    auto it = m.index_.find(name);
    const std::string shard_path = dir + "/" + shard;
    if (it == m.index_.end()) {
      bool unsupported = false;
      for (const SafetensorsFile& file : m.files_) unsupported |= file.path() == shard_path && file.unsupported().count(name) > 0;
      if (unsupported) continue;
      throw InvalidInputError(index_path + ": weight_map lists tensor '" + name + "' in " + shard + ", but no shard holds it");
    }
    if (m.files_[it->second.first].path() != shard_path) {
      throw InvalidInputError(index_path + ": weight_map puts tensor '" + name + "' in " + shard + ", but it is in " +
                              m.files_[it->second.first].path());
    }
  }
  return m;
}

const SafetensorsTensor* SafetensorsModel::find(const std::string& name) const {
  auto it = index_.find(name);
  if (it != index_.end()) return &files_[it->second.first].tensors()[it->second.second];
  for (const SafetensorsFile& f : files_) {
    if (f.unsupported().count(name) > 0) return f.find(name);  // throws UnsupportedError
  }
  return nullptr;
}

std::vector<const SafetensorsTensor*> SafetensorsModel::tensors() const {
  std::vector<const SafetensorsTensor*> out;
  for (const SafetensorsFile& f : files_) {
    for (const SafetensorsTensor& t : f.tensors()) out.push_back(&t);
  }
  return out;
}

}  // namespace hirelm::formats
