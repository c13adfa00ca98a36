// Resume uploads of the API (docs/api.md "Resumes"): files (and zips of files) into a job. Each file's type is
// sniffed from its bytes, its text extracted at once (documents::extract_document_bytes), its original bytes kept
// in `originals`, and its content hash checked against the job's documents (a second copy is a duplicate).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "screening/documents/document.h"
#include "screening/service/service_session.h"

namespace hirelm::service {

using Json = nlohmann::ordered_json;

struct UploadLimits {
  size_t max_file_bytes = 20u << 20;  // per file (zip members too); over: that file is rejected
  size_t max_files = 500;             // per request, zip members counted; over: TooLargeError
  uint64_t max_zip_uncompressed = 512u << 20;  // per zip, all members together; over: the zip is rejected
};

struct UploadPart {
  std::string filename;      // as the client sent it (untrusted)
  std::string_view content;  // the bytes, not owned: they must outlive upload() (the request's body)
};

// An original as uploaded.
struct Original {
  std::string file_name;     // sanitized display name
  std::string content_type;  // from the sniffed type
  std::string bytes;
};

class UploadService {
 public:
  UploadService(ServiceSession& session, UploadLimits limits, documents::ExtractOptions extract = {})
      : session_(session), limits_(limits), extract_(std::move(extract)) {}

  // Adds the parts to the job: {files: [{name, status, reason?, document_id?, candidate_id?}], accepted,
  // duplicates, rejected}. NotFoundError for an unknown job; TooLargeError (nothing stored) when the files,
  // zip members counted, are more than max_files.
  Json upload(int64_t job_id, const std::vector<UploadPart>& parts, const std::string& actor);

  // {documents: [{id, candidate_id, file_name, language, method, size, added_at}]} in upload order.
  Json list(int64_t job_id);

  // NotFoundError for an unknown (or erased) document or one without a stored original.
  Original original(int64_t document_id);

 private:
  ServiceSession& session_;
  UploadLimits limits_;
  documents::ExtractOptions extract_;
};

// The Content-Type of a file of that sniffed format ("application/pdf", "text/plain; charset=utf-8", ...).
std::string content_type_for(std::string_view bytes, std::string_view filename_hint);

}  // namespace hirelm::service
