// File checksums for verifying hub downloads: SHA-256 (the ETag of an LFS file) and the git blob
// SHA-1 (the ETag of a regular git file), both as lowercase hex. Throws IoError if unreadable.
#pragma once

#include <string>

namespace hirelm::hub {

std::string sha256_file_hex(const std::string& path);
std::string git_blob_sha1_file_hex(const std::string& path);

}  // namespace hirelm::hub
