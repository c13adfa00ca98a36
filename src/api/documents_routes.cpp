// POST/GET /api/jobs/{id}/documents and GET /api/documents/{id}/original (docs/api.md "Resumes").
#include <cctype>

#include "api/http_error.h"
#include "api/route_context.h"
#include "screening/service/upload_service.h"

namespace hirelm::api {

using auth::Role;
using server::HttpRequest;
using server::HttpResponse;

namespace {

// RFC 5987 ext-value: UTF-8 bytes, everything but attr-chars percent-encoded.
std::string rfc5987(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || std::string_view("!#$&+-.^_`|~").find(static_cast<char>(ch)) != std::string_view::npos) {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

}  // namespace

std::string content_disposition(const std::string& file_name) {
  std::string ascii;
  for (unsigned char ch : file_name) ascii += (ch >= 0x20 && ch < 0x7F && ch != '"' && ch != '\\') ? static_cast<char>(ch) : '_';
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + rfc5987(file_name);
}

void register_document_routes(RouteContext& c) {
  c.add("POST", "/api/jobs/{id}/documents", [c](const HttpRequest& r) {
    const auth::Principal who = c.authorizer.require(r, Role::kRecruiter);
    const int64_t job_id = path_id(r, "id");
    if (!r.multipart) throw HttpError::unsupported_media_type("expected a multipart/form-data body with parts named 'files'");
    std::vector<service::UploadPart> parts;
    for (const auto& f : r.files) {
      if (f.name == "files" || f.name == "files[]") parts.push_back({f.filename, f.content});
    }
    if (parts.empty()) throw HttpError::bad_request("files: no part named 'files' in the form");
    if (parts.size() > c.options.max_upload_files) {
      throw HttpError::too_large("more than " + std::to_string(c.options.max_upload_files) +
                                 " files in one upload (--max-upload-files)");
    }
    auto s = c.pool.acquire();
    service::UploadService uploads(*s, {c.options.max_upload_bytes, c.options.max_upload_files}, c.options.extract);
    return json_response(uploads.upload(job_id, parts, who.username));
  });
  c.add("GET", "/api/jobs/{id}/documents", [c](const HttpRequest& r) {
    c.authorizer.require(r, Role::kViewer);
    auto s = c.pool.acquire();
    service::UploadService uploads(*s, {c.options.max_upload_bytes, c.options.max_upload_files}, c.options.extract);
    return json_response(uploads.list(path_id(r, "id")));
  });
  c.add("GET", "/api/documents/{id}/original", [c](const HttpRequest& r) {
    c.authorizer.require(r, Role::kViewer);
    auto s = c.pool.acquire();
    service::UploadService uploads(*s, {c.options.max_upload_bytes, c.options.max_upload_files}, c.options.extract);
    service::Original original = uploads.original(path_id(r, "id"));
    HttpResponse response;
    response.content_type = original.content_type;
    response.body = std::move(original.bytes);
    response.headers.push_back({"Content-Disposition", content_disposition(original.file_name)});
    response.headers.push_back({"X-Content-Type-Options", "nosniff"});
    return response;
  });
}

}  // namespace hirelm::api
