// Model resolution: a local .gguf file, a local Hugging Face directory, or `hf:OWNER/NAME[:FILE]`
// fetched from the Hugging Face hub into (or reused from) the standard hub cache, so files downloaded
// by other tools are used without network access and ours are visible to them.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hirelm::hub {

// The model used when the user names none.
inline constexpr const char* kDefaultModel = "hf:deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B";

struct HubOptions {
  std::string endpoint = "https://huggingface.co";  // HF_ENDPOINT
  std::optional<std::string> token;                 // HF_TOKEN, sent as "Authorization: Bearer ..."
  std::string cache_dir;                            // HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub
  std::string revision = "main";                    // branch, tag or commit hash
  bool offline = false;                             // HF_HUB_OFFLINE=1: cache only, never the network
  bool progress = true;                             // progress on stderr (a bar on a TTY, plain lines otherwise)
  long connect_timeout_s = 10;

  // Reads the environment variables named above.
  static HubOptions from_env();
};

// `hf:OWNER/NAME[:FILE]` split into its parts.
struct HubSpec {
  std::string repo;  // "OWNER/NAME"
  std::string file;  // empty: the Hugging Face directory files
};

// Parses `hf:OWNER/NAME[:FILE]`; nullopt if `spec` does not start with "hf:". Throws
// InvalidInputError on a malformed repo id or file name.
std::optional<HubSpec> parse_hub_spec(const std::string& spec);

// Returns the local path to load for `spec` (empty: kDefaultModel). A local file or directory is
// returned as given. For a hub spec with FILE, the cached file; without FILE, the snapshot directory
// holding config.json, generation_config.json, tokenizer.json, tokenizer_config.json (those present in
// the repo) and model.safetensors or model.safetensors.index.json plus its shards.
// Throws NotFoundError (no such path, repo or file: exit 2) or IoError (network or disk failure, with
// instructions for providing the model without network: exit 1).
std::string resolve_model(const std::string& spec, const HubOptions& options);

// Fetches one file of `repo` at options.revision (cache first) and returns its snapshot path. With
// `optional` set, a file the hub does not have yields nullopt (remembered in the cache) instead of
// NotFoundError.
std::optional<std::string> fetch_file(const std::string& repo, const std::string& file, const HubOptions& options,
                                      bool optional = false);

}  // namespace hirelm::hub
