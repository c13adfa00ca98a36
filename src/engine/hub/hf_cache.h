// The Hugging Face hub cache layout, shared with huggingface_hub and other tools:
//   ROOT/models--OWNER--NAME/refs/REVISION            the commit hash REVISION points at
//   ROOT/models--OWNER--NAME/blobs/ETAG               file contents, named by their ETag
//   ROOT/models--OWNER--NAME/snapshots/COMMIT/FILE    relative symlink to ../../blobs/ETAG
//   ROOT/models--OWNER--NAME/.no_exist/COMMIT/FILE    empty marker: FILE is not in the repo at COMMIT
#pragma once

#include <optional>
#include <string>

namespace hirelm::hub {

class HfCache {
 public:
  // `root` is the hub cache directory; `repo` is "OWNER/NAME".
  HfCache(std::string root, const std::string& repo);

  const std::string& repo_dir() const { return repo_dir_; }
  std::string blob_path(const std::string& etag) const { return repo_dir_ + "/blobs/" + etag; }
  std::string snapshot_dir(const std::string& commit) const { return repo_dir_ + "/snapshots/" + commit; }

  // The commit a revision names: a 40-hex revision is itself; otherwise refs/REVISION if present.
  std::optional<std::string> commit_for(const std::string& revision) const;
  // snapshots/COMMIT/FILE if it exists (following the symlink), else nullopt.
  std::optional<std::string> snapshot_file(const std::string& commit, const std::string& file) const;
  bool known_missing(const std::string& commit, const std::string& file) const;

  // Records that revision -> commit (no-op when revision is the commit).
  void set_ref(const std::string& revision, const std::string& commit) const;
  // Links snapshots/COMMIT/FILE to blobs/ETAG (which must exist) and returns the snapshot path.
  std::string link_snapshot(const std::string& commit, const std::string& file, const std::string& etag) const;
  void mark_missing(const std::string& commit, const std::string& file) const;

 private:
  std::string repo_dir_;
};

// The hub cache directory from HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub.
std::string default_cache_dir();

}  // namespace hirelm::hub
