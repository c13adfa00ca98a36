// `hirelm extract FILE... [--json] [--no-ocr] [--max-file-mb N]`: resume files to clean text.
// Text mode prints each document's text; several documents are separated by a line holding a single
// form feed. --json prints one JSON object per file per line: path, method, language, pages,
// content_hash, chars, warnings [{code, detail}], flags [{code, snippet}], text — or {path, error}.
// A file that fails is reported (stderr in text mode, "error" in JSON) and the batch continues; the exit
// code is 2 if any file failed, 0 otherwise.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/command.h"
#include "screening/documents/document.h"
#include "util/error.h"

namespace hirelm::cli {
namespace {

void write_out(const std::string& s) {
  if (std::fwrite(s.data(), 1, s.size(), stdout) != s.size()) throw IoError("writing to stdout failed");
}

nlohmann::json to_json(const documents::Document& doc) {
  nlohmann::json j;
  j["path"] = doc.path;
  j["method"] = doc.method;
  j["language"] = doc.language;
  j["pages"] = doc.pages;
  j["content_hash"] = doc.content_hash;
  j["chars"] = doc.text.size();
  j["warnings"] = nlohmann::json::array();
  for (const auto& w : doc.warnings) j["warnings"].push_back({{"code", w.code}, {"detail", w.detail}});
  j["flags"] = nlohmann::json::array();
  for (const auto& f : doc.flags) j["flags"].push_back({{"code", f.code}, {"snippet", f.snippet}});
  j["text"] = doc.text;
  return j;
}

int extract_main(int argc, char** argv) {
  const std::vector<OptionSpec> specs = {
      {"json", "", false, false, "one JSON object per file per line (metadata, warnings, flags, text)"},
      {"no-ocr", "", false, false, "do not OCR images and PDF pages without a text layer"},
      {"max-file-mb", "", true, false, "reject files larger than this many MiB (default 50)"},
      {"help", "h", false, false, "show this help"},
  };
  Args args(specs, argc, argv, 2);
  if (args.has("help")) {
    std::printf("usage: hirelm extract FILE... [--json] [--no-ocr] [--max-file-mb N]\n\n"
                "Extracts clean text from resumes (PDF, DOCX, HTML, text, images).\n\n%s",
                format_options(specs).c_str());
    return kExitOk;
  }
  if (args.positionals().empty()) throw InvalidInputError("extract: no input files (see --help)");
  documents::ExtractOptions options;
  options.enable_ocr = !args.has("no-ocr");
  const long long max_mb = args.get_int("max-file-mb", 50);
  if (max_mb <= 0 || max_mb > 4096) throw InvalidInputError("--max-file-mb: expected 1..4096, got " + std::to_string(max_mb));
  options.max_file_bytes = static_cast<size_t>(max_mb) << 20;
  const bool json = args.has("json");

  bool any_failed = false;
  bool first = true;
  for (const std::string& path : args.positionals()) {
    try {
      const documents::Document doc = documents::extract_document(path, options);
      if (json) {
        write_out(to_json(doc).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
      } else {
        if (!first) write_out("\f\n");
        write_out(doc.text);
        write_out("\n");
        for (const auto& w : doc.warnings) {
          std::fprintf(stderr, "hirelm extract: %s: warning %s%s%s\n", path.c_str(), w.code.c_str(),
                       w.detail.empty() ? "" : ": ", w.detail.c_str());
        }
        for (const auto& f : doc.flags) {
          std::fprintf(stderr, "hirelm extract: %s: flag %s: %s\n", path.c_str(), f.code.c_str(), f.snippet.c_str());
        }
      }
      first = false;
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInternal) throw;
      any_failed = true;
      if (json) {
        write_out(nlohmann::json{{"path", path}, {"error", e.what()}}.dump(-1, ' ', false,
                                                                          nlohmann::json::error_handler_t::replace) +
                  "\n");
      } else {
        std::fprintf(stderr, "hirelm extract: %s\n", e.what());
      }
    }
    std::fflush(stdout);
  }
  return any_failed ? kExitBadInput : kExitOk;
}

}  // namespace

HIRELM_COMMAND(extract, "extract", "extract clean text from resume files (PDF, DOCX, HTML, text, images)", extract_main);

}  // namespace hirelm::cli
