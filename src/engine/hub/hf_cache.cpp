// Hub cache reads and writes. Writes go through a temporary name and rename(), so another process
// reading the cache never sees a half-written ref or link.
#include "engine/hub/hf_cache.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "util/error.h"

namespace fs = std::filesystem;

namespace hirelm::hub {

namespace {

bool is_commit_hash(const std::string& s) {
  if (s.size() != 40) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void make_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError(dir.string() + ": cannot create directory: " + ec.message());
}

}  // namespace

std::string default_cache_dir() {
  if (const char* c = std::getenv("HF_HUB_CACHE"); c != nullptr && *c != '\0') return c;
  if (const char* h = std::getenv("HF_HOME"); h != nullptr && *h != '\0') return std::string(h) + "/hub";
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x != '\0') {
    return std::string(x) + "/huggingface/hub";
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.cache/huggingface/hub";
}

HfCache::HfCache(std::string root, const std::string& repo) {
  std::string name = "models--";
  for (char c : repo) name += c == '/' ? std::string("--") : std::string(1, c);
  repo_dir_ = std::move(root) + "/" + name;
}

std::optional<std::string> HfCache::commit_for(const std::string& revision) const {
  if (is_commit_hash(revision)) return revision;
  std::ifstream in(repo_dir_ + "/refs/" + revision);
  std::string commit;
  if (!in || !std::getline(in, commit)) return std::nullopt;
  while (!commit.empty() && (commit.back() == '\n' || commit.back() == '\r' || commit.back() == ' ')) commit.pop_back();
  if (!is_commit_hash(commit)) return std::nullopt;
  return commit;
}

std::optional<std::string> HfCache::snapshot_file(const std::string& commit, const std::string& file) const {
  const std::string p = snapshot_dir(commit) + "/" + file;
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) return p;  // follows the symlink: a dangling link does not count
  return std::nullopt;
}

bool HfCache::known_missing(const std::string& commit, const std::string& file) const {
  std::error_code ec;
  return fs::exists(repo_dir_ + "/.no_exist/" + commit + "/" + file, ec);
}

void HfCache::set_ref(const std::string& revision, const std::string& commit) const {
  if (revision == commit) return;
  const fs::path ref = repo_dir_ + "/refs/" + revision;
  make_dirs(ref.parent_path());
  const std::string tmp = ref.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << commit;
    if (!out) throw IoError(tmp + ": cannot write");
  }
  std::error_code ec;
  fs::rename(tmp, ref, ec);
  if (ec) throw IoError(ref.string() + ": cannot write: " + ec.message());
}

std::string HfCache::link_snapshot(const std::string& commit, const std::string& file, const std::string& etag) const {
  const fs::path link = snapshot_dir(commit) + "/" + file;
  make_dirs(link.parent_path());
  // Relative target, as huggingface_hub writes it, so the cache can be moved as a whole.
  const fs::path target = fs::relative(blob_path(etag), link.parent_path());
  const std::string tmp = link.string() + ".tmp" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::create_symlink(target, tmp, ec);
  if (ec) throw IoError(link.string() + ": cannot create symlink: " + ec.message());
  fs::rename(tmp, link, ec);
  if (ec) throw IoError(link.string() + ": cannot create symlink: " + ec.message());
  return link.string();
}

void HfCache::mark_missing(const std::string& commit, const std::string& file) const {
  const fs::path marker = repo_dir_ + "/.no_exist/" + commit + "/" + file;
  make_dirs(marker.parent_path());
  std::ofstream out(marker);
}

}  // namespace hirelm::hub
