// libcurl plumbing for the hub client.
#include "engine/hub/http_fetch.h"

#include <curl/curl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>

#include "util/error.h"

namespace hirelm::hub {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* s) const { curl_slist_free_all(s); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

size_t on_header(char* buffer, size_t size, size_t n, void* user) {
  auto* h = static_cast<HttpHeaders*>(user);
  std::string line(buffer, size * n);
  if (line.rfind("HTTP/", 0) == 0) h->headers.clear();  // a new response (e.g. after a 100 Continue)
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(value.begin());
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
    h->headers[lower(line.substr(0, colon))] = value;
  }
  return size * n;
}

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

CurlPtr make_handle(const std::string& url, const FetchOptions& options, SlistPtr& headers) {
  global_init();
  CurlPtr c(curl_easy_init());
  if (!c) throw IoError("cannot initialise libcurl");
  curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT, options.connect_timeout_s);
  curl_easy_setopt(c.get(), CURLOPT_USERAGENT, "hirelm/0.1");
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  // Abort a transfer that stalls below 1 byte/s for 60 s rather than hang forever.
  curl_easy_setopt(c.get(), CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c.get(), CURLOPT_LOW_SPEED_TIME, 60L);
  if (options.token) {
    std::string auth = "Authorization: Bearer " + *options.token;
    headers.reset(curl_slist_append(headers.release(), auth.c_str()));
  }
  if (headers) curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers.get());
  return c;
}

[[noreturn]] void throw_curl(const std::string& url, CURLcode rc, const char* errbuf) {
  throw IoError(url + ": " + (errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc))));
}

struct Progress {
  const FetchOptions* options;
  uint64_t resume_from = 0;
  std::optional<uint64_t> expected;
  bool tty = false;
  std::chrono::steady_clock::time_point start, last;
  bool printed = false;
};

std::string mib(uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1 << 20));
  return buf;
}

int on_progress(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t, curl_off_t) {
  auto* p = static_cast<Progress*>(user);
  if (!p->tty) return 0;
  auto now = std::chrono::steady_clock::now();
  if (p->printed && now - p->last < std::chrono::milliseconds(100)) return 0;
  p->last = now;
  p->printed = true;
  uint64_t done = p->resume_from + static_cast<uint64_t>(dlnow);
  uint64_t total = p->expected ? *p->expected : p->resume_from + static_cast<uint64_t>(dltotal);
  double secs = std::chrono::duration<double>(now - p->start).count();
  double rate = secs > 0 ? static_cast<double>(dlnow) / secs : 0;
  constexpr int kWidth = 30;
  int filled = total > 0 ? static_cast<int>(kWidth * std::min(1.0, static_cast<double>(done) / total)) : 0;
  std::fprintf(stderr, "\r%s [%s%s] %s / %s  %s/s   ", p->options->label.c_str(), std::string(filled, '#').c_str(),
               std::string(kWidth - filled, ' ').c_str(), mib(done).c_str(), total > 0 ? mib(total).c_str() : "?",
               mib(static_cast<uint64_t>(rate)).c_str());
  return 0;
}

uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

}  // namespace

std::optional<std::string> HttpHeaders::get(const std::string& name) const {
  auto it = headers.find(lower(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

HttpHeaders http_head(const std::string& url, const FetchOptions& options) {
  SlistPtr headers;
  CurlPtr c = make_handle(url, options, headers);
  HttpHeaders h;
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c.get(), CURLOPT_NOBODY, 1L);
  curl_easy_setopt(c.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c.get(), CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c.get(), CURLOPT_HEADERDATA, &h);
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, 60L);
  CURLcode rc = curl_easy_perform(c.get());
  if (rc != CURLE_OK) throw_curl(url, rc, errbuf);
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &h.status);
  char* location = nullptr;
  curl_easy_getinfo(c.get(), CURLINFO_REDIRECT_URL, &location);
  if (location != nullptr) h.location = location;
  return h;
}

namespace {

struct Sink {
  FILE* file = nullptr;
  long status = 0;
  CURL* curl = nullptr;
  bool failed_write = false;
  uint64_t had = 0;  // bytes already in the file when the request started
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  // Write only a successful response's body; an error page must not end up in the model file.
  if (s->status == 0) curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->status);
  if (s->status != 200 && s->status != 206) return size * n;
  if (std::fwrite(data, 1, size * n, s->file) != size * n) {
    s->failed_write = true;
    return 0;
  }
  return size * n;
}

}  // namespace

long http_get_to_file(const std::string& url, const std::string& path, std::optional<uint64_t> expected_size,
                      const FetchOptions& options) {
  const uint64_t have = file_size(path);
  SlistPtr headers;
  if (have > 0) headers.reset(curl_slist_append(nullptr, ("Range: bytes=" + std::to_string(have) + "-").c_str()));
  CurlPtr c = make_handle(url, options, headers);
  char errbuf[CURL_ERROR_SIZE] = {};
  HttpHeaders h;
  // Open for append; if the server answers 200 to a range request the file is truncated below.
  FILE* f = std::fopen(path.c_str(), "ab");
  if (f == nullptr) throw IoError(path + ": cannot open for writing");
  Sink sink{f, 0, c.get(), false, have};
  Progress progress{&options, have, expected_size, options.progress && ::isatty(STDERR_FILENO) != 0,
                    std::chrono::steady_clock::now(), {}, false};
  if (options.progress && !progress.tty) {
    std::fprintf(stderr, "hirelm: downloading %s%s%s\n", options.label.c_str(),
                 expected_size ? (" (" + mib(*expected_size) + ")").c_str() : "",
                 have > 0 ? (", resuming at " + mib(have)).c_str() : "");
  }
  curl_easy_setopt(c.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c.get(), CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c.get(), CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c.get(), CURLOPT_HEADERDATA, &h);
  curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c.get(), CURLOPT_NOPROGRESS, progress.tty ? 0L : 1L);
  curl_easy_setopt(c.get(), CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c.get(), CURLOPT_XFERINFODATA, &progress);

  // First pass: learn the status from the first body byte. A 200 to a range request means the
  // server sends the whole file, so the partial file must be truncated before writing.
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t n, void* user) -> size_t {
    auto* s = static_cast<Sink*>(user);
    if (s->status == 0) {
      curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->status);
      if (s->status == 200 && s->had > 0) {
        if (::ftruncate(::fileno(s->file), 0) != 0) return 0;
        std::fseek(s->file, 0, SEEK_SET);
      }
    }
    return on_body(data, size, n, user);
  });
  curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &sink);
  CURLcode rc = curl_easy_perform(c.get());
  if (progress.printed) std::fprintf(stderr, "\n");
  long status = 0;
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
  if (std::fclose(f) != 0 && rc == CURLE_OK) throw IoError(path + ": write failed");
  if (sink.failed_write) throw IoError(path + ": write failed (disk full?)");
  if (rc != CURLE_OK) throw_curl(url, rc, errbuf);
  if (options.progress && !progress.tty && (status == 200 || status == 206)) {
    std::fprintf(stderr, "hirelm: downloaded %s\n", options.label.c_str());
  }
  return status;
}

}  // namespace hirelm::hub
