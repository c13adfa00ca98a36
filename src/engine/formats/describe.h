// Human-readable summary of a model file for `hirelm model info`.
#pragma once

#include <string>

namespace hirelm::formats {

// Describes a GGUF file (version, alignment, metadata with arrays summarized as type + length + first
// items, tensor table with name, type, shape and bytes), a .safetensors file (tensors and metadata), or
// a Hugging Face directory (config.json, generation_config.json and all safetensors tensors).
// Throws what the readers throw (NotFoundError, InvalidInputError, UnsupportedError).
std::string describe_model_file(const std::string& path);

}  // namespace hirelm::formats
