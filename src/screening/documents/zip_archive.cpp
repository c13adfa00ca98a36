#include "screening/documents/zip_archive.h"

#include <zip.h>

#include <memory>

#include "util/error.h"

namespace hirelm::documents {
namespace {

std::string zip_error_text(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

std::string mib(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace

ZipArchive::ZipArchive(std::string_view bytes, std::string what, ZipLimits limits)
    : what_(std::move(what)), limits_(limits) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!source) {
    zip_error_fini(&error);
    throw InvalidInputError(what_ + ": cannot read as a zip archive");
  }
  archive_ = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (!archive_) {
    const std::string message = zip_error_strerror(&error);
    zip_source_free(source);
    zip_error_fini(&error);
    throw InvalidInputError(what_ + ": corrupt zip archive (" + message + ")");
  }
  zip_error_fini(&error);
  const zip_int64_t n = zip_get_num_entries(archive_, 0);
  if (n < 0 || static_cast<uint64_t>(n) > limits_.max_entries) {
    zip_discard(archive_);  // the destructor does not run for a throwing constructor
    archive_ = nullptr;
    throw InvalidInputError(what_ + ": zip archive has " + std::to_string(n) + " entries, expected at most " +
                            std::to_string(limits_.max_entries));
  }
  entries_ = static_cast<uint64_t>(n);
}

ZipArchive::~ZipArchive() {
  if (archive_) zip_discard(archive_);
}

bool ZipArchive::contains(const std::string& name) const {
  return zip_name_locate(archive_, name.c_str(), 0) >= 0;
}

std::vector<std::string> ZipArchive::names() const {
  std::vector<std::string> out;
  for (uint64_t i = 0; i < entries_; ++i) {
    const char* name = zip_get_name(archive_, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
    if (name) out.emplace_back(name);
  }
  return out;
}

std::optional<std::string> ZipArchive::read(const std::string& name) {
  const zip_int64_t index = zip_name_locate(archive_, name.c_str(), 0);
  if (index < 0) return std::nullopt;
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(archive_, static_cast<zip_uint64_t>(index), 0, &st) != 0) {
    throw InvalidInputError(what_ + ": zip entry '" + name + "' unreadable");
  }
  if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
    throw UnsupportedError(what_ + ": zip entry '" + name + "' is encrypted");
  }
  const uint64_t declared = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
  const uint64_t budget = limits_.max_total_uncompressed - std::min(total_read_, limits_.max_total_uncompressed);
  if (declared > budget) {
    throw InvalidInputError(what_ + ": zip entry '" + name + "' declares " + std::to_string(declared) +
                            " bytes uncompressed, over the limit of " + mib(limits_.max_total_uncompressed) +
                            " in total (possible zip bomb)");
  }
  std::unique_ptr<zip_file_t, decltype(&zip_fclose)> file(
      zip_fopen_index(archive_, static_cast<zip_uint64_t>(index), 0), &zip_fclose);
  if (!file) {
    throw InvalidInputError(what_ + ": cannot open zip entry '" + name + "' (" +
                            zip_error_text(zip_error_code_zip(zip_get_error(archive_))) + ")");
  }
  std::string out;
  out.reserve(static_cast<size_t>(std::min<uint64_t>(declared, 1u << 20)));
  char buffer[65536];
  for (;;) {
    const zip_int64_t got = zip_fread(file.get(), buffer, sizeof buffer);
    if (got < 0) {
      throw InvalidInputError(what_ + ": corrupt zip entry '" + name + "' (" +
                              zip_error_strerror(zip_file_get_error(file.get())) + ")");
    }
    if (got == 0) break;
    out.append(buffer, static_cast<size_t>(got));
    // The header may lie: inflating more than declared, or past the budget, stops right here.
    if (out.size() > declared || out.size() > budget) {
      throw InvalidInputError(what_ + ": zip entry '" + name + "' inflates past its declared size of " +
                              std::to_string(declared) + " bytes or the " + mib(limits_.max_total_uncompressed) +
                              " limit (possible zip bomb)");
    }
  }
  total_read_ += out.size();
  return out;
}

}  // namespace hirelm::documents
