// Resolving model specs and fetching hub files through the shared cache.
#include "engine/hub/hub.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/hub/checksum.h"
#include "engine/hub/hf_cache.h"
#include "engine/hub/http_fetch.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace fs = std::filesystem;

namespace hirelm::hub {

namespace {

bool path_exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

uint64_t file_size(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

bool is_hex(const std::string& s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool valid_repo_part(const std::string& s) {
  if (s.empty() || s == "." || s == ".." || s.size() > 96) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}

// A file path inside a repo: relative, no "..", no empty parts.
bool valid_repo_file(const std::string& f) {
  if (f.empty() || f.front() == '/' || f.back() == '/') return false;
  size_t start = 0;
  while (start <= f.size()) {
    size_t slash = f.find('/', start);
    std::string part = f.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return f.find('\\') == std::string::npos;
}

// ETag value without quotes or weak prefix.
std::string clean_etag(std::string e) {
  if (e.rfind("W/", 0) == 0) e = e.substr(2);
  if (e.size() >= 2 && e.front() == '"' && e.back() == '"') e = e.substr(1, e.size() - 2);
  return e;
}

std::string how_to_provide(const std::string& repo) {
  return "To use the model without network access, download it on a machine that has it with `huggingface-cli "
         "download " + repo + "` and copy the Hugging Face cache (~/.cache/huggingface/hub, or set HF_HOME / "
         "HF_HUB_CACHE to where it is), or pass a local model directory or .gguf file with --model PATH.";
}

std::string url_for(const HubOptions& o, const std::string& repo, const std::string& file) {
  std::string endpoint = o.endpoint;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  return endpoint + "/" + repo + "/resolve/" + o.revision + "/" + file;
}

}  // namespace

HubOptions HubOptions::from_env() {
  HubOptions o;
  if (const char* e = std::getenv("HF_ENDPOINT"); e != nullptr && *e != '\0') o.endpoint = e;
  if (const char* t = std::getenv("HF_TOKEN"); t != nullptr && *t != '\0') o.token = t;
  o.cache_dir = default_cache_dir();
  if (const char* off = std::getenv("HF_HUB_OFFLINE"); off != nullptr && std::string(off) != "0" && *off != '\0') {
    o.offline = true;
  }
  return o;
}

std::optional<HubSpec> parse_hub_spec(const std::string& spec) {
  if (spec.rfind("hf:", 0) != 0) return std::nullopt;
  const std::string rest = spec.substr(3);
  HubSpec s;
  size_t colon = rest.find(':');
  s.repo = rest.substr(0, colon);
  if (colon != std::string::npos) s.file = rest.substr(colon + 1);
  size_t slash = s.repo.find('/');
  if (slash == std::string::npos || !valid_repo_part(s.repo.substr(0, slash)) ||
      !valid_repo_part(s.repo.substr(slash + 1))) {
    throw InvalidInputError("model '" + spec + "': expected hf:OWNER/NAME[:FILE]");
  }
  if (colon != std::string::npos && !valid_repo_file(s.file)) {
    throw InvalidInputError("model '" + spec + "': FILE '" + s.file + "' is not a relative path inside the repo");
  }
  return s;
}

std::optional<std::string> fetch_file(const std::string& repo, const std::string& file, const HubOptions& options,
                                      bool optional) {
  const std::string cache_root = options.cache_dir.empty() ? default_cache_dir() : options.cache_dir;
  HfCache cache(cache_root, repo);
  const std::string what = "hf:" + repo + ":" + file;

  // 1. The cache, without any network access.
  if (auto commit = cache.commit_for(options.revision)) {
    if (auto p = cache.snapshot_file(*commit, file)) return p;
    if (optional && cache.known_missing(*commit, file)) return std::nullopt;
  }
  if (options.offline) {
    throw IoError(what + " is not in the Hugging Face cache at " + cache_root + " and HF_HUB_OFFLINE is set. " +
                  how_to_provide(repo));
  }

  // 2. Metadata from the hub: commit, ETag, size.
  FetchOptions fo;
  fo.token = options.token;
  fo.connect_timeout_s = options.connect_timeout_s;
  fo.progress = options.progress;
  fo.label = repo + "/" + file;
  const std::string url = url_for(options, repo, file);
  HttpHeaders head;
  try {
    head = http_head(url, fo);
    // A renamed repo answers with a redirect to its new resolve URL, which carries no hub headers
    // yet: follow those (a CDN redirect of an LFS file already has X-Repo-Commit and stays put).
    for (int hops = 0; hops < 5 && head.status >= 300 && head.status < 400 && !head.location.empty() &&
                       !head.get("X-Repo-Commit");
         ++hops) {
      head = http_head(head.location, fo);
    }
  } catch (const IoError& e) {
    throw IoError(std::string("cannot download ") + what + ": " + e.what() + ". " + how_to_provide(repo));
  }
  if (head.status == 404) {
    // huggingface_hub distinguishes a missing file (X-Error-Code: EntryNotFound) from a missing repo.
    auto commit = head.get("X-Repo-Commit");
    if (optional && head.get("X-Error-Code").value_or("") == "EntryNotFound") {
      if (commit && is_hex(*commit, 40)) cache.mark_missing(*commit, file);
      return std::nullopt;
    }
    if (optional && commit) return std::nullopt;
    throw NotFoundError(what + ": not found on " + options.endpoint + " (HTTP 404): check the repo id, file name and revision '" +
                        options.revision + "'");
  }
  if (head.status == 401 || head.status == 403) {
    throw NotFoundError(what + ": access denied by " + options.endpoint + " (HTTP " + std::to_string(head.status) + "): " +
                        (options.token ? "the token in HF_TOKEN does not grant access to this repo"
                                       : "the repo may be private or gated, or may not exist; set HF_TOKEN to a token with access"));
  }
  if (head.status >= 400 || head.status < 200) {
    throw IoError(what + ": " + options.endpoint + " answered HTTP " + std::to_string(head.status) + ". " + how_to_provide(repo));
  }
  auto commit = head.get("X-Repo-Commit");
  if (!commit || !is_hex(*commit, 40)) {
    throw IoError(what + ": " + options.endpoint + " sent no valid X-Repo-Commit header; is HF_ENDPOINT a Hugging Face hub?");
  }
  std::string etag = clean_etag(head.get("X-Linked-Etag").value_or(head.get("ETag").value_or("")));
  if (etag.empty() || etag.find('/') != std::string::npos || etag == "." || etag == "..") {
    throw IoError(what + ": " + options.endpoint + " sent no usable ETag");
  }
  std::optional<uint64_t> size;
  if (auto s = head.get("X-Linked-Size").value_or(head.get("Content-Length").value_or("")); !s.empty()) {
    try {
      size = std::stoull(s);
    } catch (const std::exception&) {
      throw IoError(what + ": bad size header '" + s + "'");
    }
  }

  // 3. Download into blobs/ETAG.incomplete (resuming), verify, then publish.
  const std::string blob = cache.blob_path(etag);
  if (!path_exists(blob)) {
    std::error_code ec;
    fs::create_directories(fs::path(blob).parent_path(), ec);
    if (ec) throw IoError(fs::path(blob).parent_path().string() + ": cannot create directory: " + ec.message());
    const std::string partial = blob + ".incomplete";
    if (size && file_size(partial) > *size) fs::remove(partial, ec);  // cannot be a prefix of the file
    long status = 0;
    // The redirect target (a CDN for LFS files) when the hub gave one, else the resolve URL.
    const std::string get_url = head.status >= 300 && head.status < 400 && !head.location.empty() ? head.location : url;
    if (!(size && file_size(partial) == *size && *size > 0)) {
      try {
        status = http_get_to_file(get_url, partial, size, fo);
      } catch (const IoError& e) {
        throw IoError(std::string("cannot download ") + what + ": " + e.what() + ". Run the command again to resume. " +
                      how_to_provide(repo));
      }
      if (status == 416 && size && file_size(partial) == *size) status = 206;  // already complete
      if (status != 200 && status != 206) {
        throw IoError("cannot download " + what + ": HTTP " + std::to_string(status) + " from " + get_url);
      }
    }
    uint64_t got = file_size(partial);
    if (size && got != *size) {
      throw IoError("download of " + what + " is incomplete: expected " + std::to_string(*size) + " bytes, got " +
                    std::to_string(got) + ". Run the command again to resume.");
    }
    if (is_hex(etag, 64)) {
      std::string actual = sha256_file_hex(partial);
      if (actual != etag) {
        fs::remove(partial, ec);
        throw IoError("download of " + what + " is corrupt: expected sha256 " + etag + ", got " + actual +
                      " (the partial file was deleted; run the command again)");
      }
    } else if (is_hex(etag, 40)) {
      std::string actual = git_blob_sha1_file_hex(partial);
      if (actual != etag) {
        fs::remove(partial, ec);
        throw IoError("download of " + what + " is corrupt: expected git sha1 " + etag + ", got " + actual +
                      " (the partial file was deleted; run the command again)");
      }
    }
    fs::rename(partial, blob, ec);
    if (ec) throw IoError(blob + ": cannot move the download into place: " + ec.message());
  }
  std::string link = cache.link_snapshot(*commit, file, etag);
  cache.set_ref(options.revision, *commit);
  return link;
}

std::string resolve_model(const std::string& spec_in, const HubOptions& options) {
  const std::string spec = spec_in.empty() ? kDefaultModel : spec_in;
  auto hub = parse_hub_spec(spec);
  if (!hub) {
    if (path_exists(spec)) return spec;
    std::string hint;
    if (spec.find('/') != std::string::npos && spec.front() != '/' && spec.front() != '.' &&
        std::count(spec.begin(), spec.end(), '/') == 1) {
      hint = " (to download it from the Hugging Face hub, use hf:" + spec + ")";
    }
    throw NotFoundError(spec + ": no such file or directory" + hint);
  }
  if (!hub->file.empty()) return *fetch_file(hub->repo, hub->file, options);

  // A Hugging Face directory: config and tokenizer files, then the weights.
  std::string config = *fetch_file(hub->repo, "config.json", options);
  for (const char* f : {"generation_config.json", "tokenizer.json", "tokenizer_config.json"}) {
    fetch_file(hub->repo, f, options, /*optional=*/true);
  }
  const std::string dir = fs::path(config).parent_path().string();
  if (!fetch_file(hub->repo, "model.safetensors", options, /*optional=*/true)) {
    auto index = fetch_file(hub->repo, "model.safetensors.index.json", options, /*optional=*/true);
    if (!index) {
      throw NotFoundError("hf:" + hub->repo + ": the repo has neither model.safetensors nor "
                          "model.safetensors.index.json; for a GGUF repo name the file: hf:" + hub->repo + ":FILE.gguf");
    }
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(read_file(*index));
    } catch (const nlohmann::json::exception& e) {
      throw InvalidInputError(*index + ": invalid JSON: " + e.what());
    }
    if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object()) {
      throw InvalidInputError(*index + ": field 'weight_map' missing or not an object");
    }
    std::set<std::string> shards;
    for (const auto& v : j["weight_map"]) {
      if (!v.is_string() || !valid_repo_file(v.get<std::string>()) ||
          v.get<std::string>().find('/') != std::string::npos) {
        throw InvalidInputError(*index + ": weight_map holds " + v.dump() + ", expected a shard file name");
      }
      shards.insert(v.get<std::string>());
    }
    for (const std::string& shard : shards) fetch_file(hub->repo, shard, options);
  }
  return dir;
}

}  // namespace hirelm::hub
