// A tiny stand-in for the Hugging Face hub on 127.0.0.1 (ephemeral port), mimicking its URL layout
// and headers: GET/HEAD {owner}/{name}/resolve/{revision}/{file} answers with X-Repo-Commit and an
// ETag (git SHA-1 for regular files; for LFS files a 302 to /cdn/SHA256 with X-Linked-Etag and
// X-Linked-Size), 404 + X-Error-Code: EntryNotFound for a missing file, 401 for a private repo
// without the right token. Range requests are served by cpp-httplib.
#pragma once

#include <httplib.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hirelm::test {

class FakeHub {
 public:
  struct File {
    std::string content;
    bool lfs = false;
    std::string etag;  // what the server advertises (set by add_file; tests may corrupt it)
  };

  FakeHub();
  ~FakeHub() { stop(); }
  FakeHub(const FakeHub&) = delete;
  FakeHub& operator=(const FakeHub&) = delete;

  void add_file(const std::string& repo, const std::string& file, const std::string& content, bool lfs);
  File& file(const std::string& repo, const std::string& name) { return repos_[repo][name]; }
  void make_private(const std::string& repo, const std::string& token) { private_[repo] = token; }
  // Requests for `from` get a 307 to the same path under `to`, as the hub does for renamed repos.
  void rename(const std::string& from, const std::string& to) { renames_[from] = to; }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void stop();

  static constexpr const char* kCommit = "0123456789abcdef0123456789abcdef01234567";

  // What the server saw, for assertions.
  std::atomic<int> requests{0};
  std::vector<std::string> ranges();         // Range headers of body requests, in order
  std::vector<std::string> authorizations();  // Authorization headers of all requests

 private:
  void handle_resolve(const httplib::Request& req, httplib::Response& res);
  void handle_cdn(const httplib::Request& req, httplib::Response& res);

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::map<std::string, std::map<std::string, File>> repos_;
  std::map<std::string, std::string> private_;
  std::map<std::string, std::string> renames_;
  std::mutex mu_;
  std::vector<std::string> ranges_, authorizations_;
};

}  // namespace hirelm::test
