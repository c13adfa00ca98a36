#include "screening/service/upload_service.h"

#include <deque>
#include <optional>

#include "screening/documents/format_sniffer.h"
#include "screening/documents/zip_archive.h"
#include "screening/job/sha256.h"
#include "screening/service/file_name.h"
#include "screening/service/job_service.h"
#include "screening/service/service_errors.h"

namespace hirelm::service {

namespace {

// One file to consider: a part, or a member of a zip part. `rejection` set: rejected before intake.
struct Candidate {
  std::string name;        // sanitized display name
  std::string_view bytes;  // a part's bytes or a zip member's (held in upload()'s `members`)
  std::optional<std::string> rejection;
};

bool is_zip(std::string_view bytes) { return bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4); }

std::string too_big(size_t size, size_t limit) {
  return "file is " + std::to_string(size) + " bytes, over the limit of " + std::to_string(limit) +
         " bytes per file (--max-upload-bytes)";
}

void add_flag(std::vector<std::string>& flags, const std::string& f) {
  for (const auto& x : flags) {
    if (x == f) return;
  }
  flags.push_back(f);
}

}  // namespace

std::string content_type_for(std::string_view bytes, std::string_view filename_hint) {
  using documents::DocumentFormat;
  switch (documents::sniff_format(bytes, filename_hint)) {
    case DocumentFormat::kPdf: return "application/pdf";
    case DocumentFormat::kDocx: return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    case DocumentFormat::kHtml: return "text/html; charset=utf-8";
    case DocumentFormat::kText: return "text/plain; charset=utf-8";
    case DocumentFormat::kImage:
      if (bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "image/png";
      if (bytes.substr(0, 3) == std::string_view("\xFF\xD8\xFF", 3)) return "image/jpeg";
      return "application/octet-stream";
    case DocumentFormat::kZipOther: return "application/zip";
    case DocumentFormat::kUnknownBinary: break;
  }
  return "application/octet-stream";
}

Json UploadService::upload(int64_t job_id, const std::vector<UploadPart>& parts, const std::string& actor) {
  JobService(session_).require(job_id);
  // Expand zips first, so the count limit is checked before anything is stored. Parts are viewed in place;
  // zip members are read into `members` (a deque: its elements stay put as it grows).
  std::deque<std::string> members;
  std::vector<Candidate> files;
  for (const auto& part : parts) {
    const std::string name = sanitize_file_name(part.filename);
    if (part.content.size() > limits_.max_file_bytes) {
      files.push_back({name, {}, too_big(part.content.size(), limits_.max_file_bytes)});
      continue;
    }
    if (!is_zip(part.content)) {
      files.push_back({name, part.content, std::nullopt});
      continue;
    }
    try {
      documents::ZipArchive zip(part.content, name,
                                documents::ZipLimits{limits_.max_zip_uncompressed, limits_.max_files + 1000});
      if (zip.contains("word/document.xml")) {  // a DOCX, not an archive of resumes
        files.push_back({name, part.content, std::nullopt});
        continue;
      }
      for (const std::string& member : zip.names()) {
        if (member.empty() || member.back() == '/') continue;                     // a directory
        if (member.rfind("__MACOSX/", 0) == 0) continue;                          // Finder's resource forks
        const std::string member_name = sanitize_file_name(member);
        if (member_name.rfind("._", 0) == 0) continue;
        if (files.size() >= limits_.max_files) {
          throw TooLargeError("more than " + std::to_string(limits_.max_files) +
                              " files in one upload, zip members counted (--max-upload-files)");
        }
        const std::string& display = member_name;  // the member's own name, its folders stripped
        std::optional<std::string> bytes;
        try {
          bytes = zip.read(member);
        } catch (const Error& e) {
          if (e.kind() == ErrorKind::kInternal) throw;
          files.push_back({display, {}, std::string(e.what())});
          continue;
        }
        if (!bytes) continue;
        if (bytes->size() > limits_.max_file_bytes) {
          files.push_back({display, {}, too_big(bytes->size(), limits_.max_file_bytes)});
        } else if (is_zip(*bytes) && !documents::ZipArchive(*bytes, display, {}).contains("word/document.xml")) {
          files.push_back({display, {}, std::string("a zip inside a zip is not expanded")});
        } else {
          files.push_back({display, members.emplace_back(std::move(*bytes)), std::nullopt});
        }
      }
    } catch (const TooLargeError&) {
      throw;
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInternal) throw;
      files.push_back({name, {}, std::string(e.what())});
    }
    if (files.size() > limits_.max_files) break;
  }
  if (files.size() > limits_.max_files) {
    throw TooLargeError("more than " + std::to_string(limits_.max_files) +
                        " files in one upload, zip members counted (--max-upload-files)");
  }

  db::Connection& db = session_.db();
  Json out = Json::array();
  int64_t accepted = 0, duplicates = 0, rejected = 0;
  for (auto& f : files) {
    Json entry = {{"name", f.name}};
    auto reject = [&](const std::string& reason) {
      entry["status"] = "rejected";
      entry["reason"] = reason;
      ++rejected;
    };
    if (f.rejection) {
      reject(*f.rejection);
      out.push_back(entry);
      continue;
    }
    const std::string hash = screening::sha256_tagged(f.bytes);
    {
      auto q = db.prepare(
          "SELECT d.id, d.candidate_id FROM documents d JOIN job_documents jd ON jd.document_id = d.id "
          "WHERE jd.job_id = ? AND d.content_hash = ?");
      q->bind(1, job_id).bind(2, hash);
      if (q->step()) {
        entry["status"] = "duplicate";
        entry["reason"] = "the same file is already in this job";
        entry["document_id"] = q->int64(0);
        entry["candidate_id"] = q->int64(1);
        ++duplicates;
        out.push_back(entry);
        continue;
      }
    }
    documents::Document doc;
    try {
      doc = documents::extract_document_bytes(f.bytes, f.name, extract_);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInternal) throw;
      reject(e.what());
      out.push_back(entry);
      continue;
    }
    if (doc.has_warning("empty") || doc.text.find_first_not_of(" \t\r\n") == std::string::npos) {
      reject("no text could be extracted from the file");
      out.push_back(entry);
      continue;
    }
    std::vector<std::string> flags;
    if (doc.method == "pdf_ocr" || doc.method == "image_ocr" || doc.has_warning("ocr_used")) add_flag(flags, "ocr_used");
    if (doc.has_warning("possibly_truncated")) add_flag(flags, "truncated");
    for (const auto& fl : doc.flags) add_flag(flags, fl.code);
    store::DocumentInput in;
    in.path = f.name;
    in.content_hash = hash;
    in.text = doc.text;
    in.language = doc.language;
    in.method = doc.method;
    in.meta_json = Json{{"flags", flags}, {"error", ""}}.dump();
    const store::AddedDocument added = session_.store.add_candidate_document(job_id, in);
    db.prepare(
          "INSERT INTO originals (document_id, content_type, size, bytes) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (document_id) DO NOTHING")
        ->bind(1, added.document_id)
        .bind(2, content_type_for(f.bytes, f.name))
        .bind(3, static_cast<int64_t>(f.bytes.size()))
        .bind_blob(4, f.bytes)
        .run();
    entry["status"] = "accepted";
    entry["document_id"] = added.document_id;
    entry["candidate_id"] = added.candidate_id;
    ++accepted;
    out.push_back(entry);
  }
  session_.store.audit(actor, "documents.upload", "job:" + std::to_string(job_id),
                       Json{{"accepted", accepted}, {"duplicates", duplicates}, {"rejected", rejected}}.dump());
  return {{"files", out}, {"accepted", accepted}, {"duplicates", duplicates}, {"rejected", rejected}};
}

Json UploadService::list(int64_t job_id) {
  JobService(session_).require(job_id);
  auto q = session_.db().prepare(
      "SELECT d.id, d.candidate_id, jd.path, d.language, d.method, o.size, jd.added_at FROM job_documents jd "
      "JOIN documents d ON d.id = jd.document_id LEFT JOIN originals o ON o.document_id = d.id "
      "WHERE jd.job_id = ? ORDER BY jd.id");
  q->bind(1, job_id);
  Json docs = Json::array();
  while (q->step()) {
    docs.push_back({{"id", q->int64(0)},
                    {"candidate_id", q->int64(1)},
                    {"file_name", q->text(2)},
                    {"language", q->text(3)},
                    {"method", q->text(4)},
                    {"size", q->is_null(5) ? Json(nullptr) : Json(q->int64(5))},
                    {"added_at", q->text(6)}});
  }
  return {{"documents", docs}};
}

Original UploadService::original(int64_t document_id) {
  auto q = session_.db().prepare(
      "SELECT d.path, o.content_type, o.bytes FROM originals o JOIN documents d ON d.id = o.document_id "
      "WHERE o.document_id = ?");
  q->bind(1, document_id);
  if (!q->step()) throw NotFoundError("no original of document " + std::to_string(document_id));
  return Original{q->text(0), q->text(1), q->blob(2)};
}

}  // namespace hirelm::service
