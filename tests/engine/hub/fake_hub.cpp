#include "engine/hub/fake_hub.h"

#include <openssl/evp.h>

#include <chrono>
#include <stdexcept>

namespace hirelm::test {

namespace {

std::string hex_digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned int k = 0; k < len; ++k) {
    s += hex[out[k] >> 4];
    s += hex[out[k] & 15];
  }
  return s;
}

}  // namespace

FakeHub::FakeHub() {
  server_.Get(R"(/([^/]+)/([^/]+)/resolve/([^/]+)/(.+))",
              [this](const httplib::Request& req, httplib::Response& res) { handle_resolve(req, res); });
  server_.Get(R"(/cdn/([0-9a-f]+))", [this](const httplib::Request& req, httplib::Response& res) { handle_cdn(req, res); });
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("FakeHub: cannot bind 127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void FakeHub::stop() {
  if (thread_.joinable()) {
    server_.stop();
    thread_.join();
  }
}

void FakeHub::add_file(const std::string& repo, const std::string& file, const std::string& content, bool lfs) {
  File f{content, lfs, ""};
  if (lfs) {
    f.etag = hex_digest(EVP_sha256(), content);
  } else {
    std::string blob = "blob " + std::to_string(content.size());
    blob.push_back('\0');
    f.etag = hex_digest(EVP_sha1(), blob + content);
  }
  repos_[repo][file] = f;
}

std::vector<std::string> FakeHub::ranges() {
  std::lock_guard<std::mutex> lock(mu_);
  return ranges_;
}

std::vector<std::string> FakeHub::authorizations() {
  std::lock_guard<std::mutex> lock(mu_);
  return authorizations_;
}

void FakeHub::handle_resolve(const httplib::Request& req, httplib::Response& res) {
  ++requests;
  const std::string repo = req.matches[1].str() + "/" + req.matches[2].str();
  const std::string name = req.matches[4].str();
  {
    std::lock_guard<std::mutex> lock(mu_);
    authorizations_.push_back(req.get_header_value("Authorization"));
  }
  if (auto rn = renames_.find(repo); rn != renames_.end()) {
    res.status = 307;
    res.set_header("Location", "/" + rn->second + "/resolve/" + req.matches[3].str() + "/" + name);
    return;
  }
  auto p = private_.find(repo);
  if (p != private_.end() && req.get_header_value("Authorization") != "Bearer " + p->second) {
    res.status = 401;
    res.set_content("Invalid credentials", "text/plain");
    return;
  }
  auto r = repos_.find(repo);
  if (r == repos_.end()) {
    res.status = 404;
    res.set_header("X-Error-Code", "RepoNotFound");
    return;
  }
  res.set_header("X-Repo-Commit", kCommit);
  auto f = r->second.find(name);
  if (f == r->second.end()) {
    res.status = 404;
    res.set_header("X-Error-Code", "EntryNotFound");
    res.set_content("Entry not found", "text/plain");
    return;
  }
  if (f->second.lfs) {
    res.status = 302;
    res.set_header("Location", "/cdn/" + f->second.etag);
    res.set_header("X-Linked-Etag", "\"" + f->second.etag + "\"");
    res.set_header("X-Linked-Size", std::to_string(f->second.content.size()));
    res.set_header("ETag", "\"not-the-content-hash\"");
    return;
  }
  res.set_header("ETag", "\"" + f->second.etag + "\"");
  if (req.method != "HEAD") {
    std::lock_guard<std::mutex> lock(mu_);
    ranges_.push_back(req.get_header_value("Range"));
  }
  res.set_content(f->second.content, "application/octet-stream");
}

void FakeHub::handle_cdn(const httplib::Request& req, httplib::Response& res) {
  ++requests;
  const std::string etag = req.matches[1].str();
  for (auto& [repo, files] : repos_) {
    for (auto& [name, f] : files) {
      // Serve by the true content hash, so a corrupted advertised etag still gets its content.
      std::string real = hex_digest(EVP_sha256(), f.content);
      if (f.lfs && (f.etag == etag || real == etag)) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          ranges_.push_back(req.get_header_value("Range"));
        }
        res.set_content(f.content, "application/octet-stream");
        return;
      }
    }
  }
  res.status = 404;
}

}  // namespace hirelm::test
