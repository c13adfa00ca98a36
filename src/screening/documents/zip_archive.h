// A read-only zip archive in memory with zip-bomb limits, for DOCX (libzip).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct zip;

namespace hirelm::documents {

struct ZipLimits {
  uint64_t max_total_uncompressed = 64u << 20;  // bytes read across all entries, declared and actual
  uint64_t max_entries = 10000;
};

class ZipArchive {
 public:
  // Opens `bytes` (not copied: they must outlive the archive). `what` names the file in errors.
  // Throws InvalidInputError for a corrupt archive or too many entries.
  ZipArchive(std::string_view bytes, std::string what, ZipLimits limits);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  bool contains(const std::string& name) const;
  // Reads one entry in full, or nothing if the archive has no such entry. Counts against the total
  // budget: throws InvalidInputError if the entry's declared size or the bytes actually inflated would
  // exceed it, or if it inflates to more than it declared (a lying header), or on a CRC/inflate error;
  // UnsupportedError for an encrypted entry.
  std::optional<std::string> read(const std::string& name);

  uint64_t entry_count() const { return entries_; }
  // The entries' names in archive order (directories end with '/'), as stored: untrusted text.
  std::vector<std::string> names() const;

 private:
  zip* archive_ = nullptr;
  std::string what_;
  ZipLimits limits_;
  uint64_t entries_ = 0;
  uint64_t total_read_ = 0;
};

}  // namespace hirelm::documents
