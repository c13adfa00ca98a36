// The two HTTP operations the hub client needs, over libcurl: a metadata request that does not follow
// redirects (the hub puts X-Repo-Commit / X-Linked-Etag / X-Linked-Size on the first response), and a
// resumable download into a file. Transport failures are IoError; HTTP statuses are returned.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace hirelm::hub {

struct HttpHeaders {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; the last value of a repeated header
  std::string location;                         // the redirect target, when status is 3xx
  std::optional<std::string> get(const std::string& name) const;
};

struct FetchOptions {
  std::optional<std::string> token;  // "Authorization: Bearer TOKEN" (curl drops it on a cross-host redirect)
  long connect_timeout_s = 10;
  bool progress = false;
  std::string label;  // what the progress output calls the download
};

// HEAD `url` without following redirects.
HttpHeaders http_head(const std::string& url, const FetchOptions& options);

// GETs `url` (following redirects) into `path`, appending with "Range: bytes=N-" when `path` already
// holds N bytes; starts over if the server ignores the range. Returns the final HTTP status (200/206
// on success, with `path` complete as far as the server is concerned; other statuses leave `path`
// as it was). `expected_size`, when known, is used for progress only.
long http_get_to_file(const std::string& url, const std::string& path, std::optional<uint64_t> expected_size,
                      const FetchOptions& options);

}  // namespace hirelm::hub
