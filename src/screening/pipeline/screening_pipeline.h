// The screening batch: documents -> profile -> score -> feedback for every resume, stored stage by stage
// so that a killed run resumes where it stopped, and assembled into ranked export records.
//
// Stages run over the whole batch at once (every pending candidate's requests are submitted to the
// LanguageModel together, so the engine can batch them and share the job prefix). Each candidate's stage
// result is written to the store the moment it is complete, in one transaction: after kill -9 a rerun of the
// same command redoes nothing that was stored and loses nothing. A stored stage is reused only when its
// prompt/rubric hash and parameters match this run; otherwise it is redone and replaced.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "llm/language_model.h"
#include "screening/documents/document.h"
#include "screening/export/export.h"
#include "screening/job/job.h"
#include "screening/pipeline/progress.h"
#include "screening/store/store.h"

namespace hirelm::screening {

struct PipelineOptions {
  int samples = 3;            // scoring samples per candidate (1..20)
  uint64_t seed = 20250101;   // base seed: every sample's seed is derived from it and the resume hash
  bool blind = false;         // redact identifying details before scoring and feedback
  std::string lang;           // "zh", "en" or "" (the resume's language)
  std::string prompts_dir;    // prompts/<lang>/{profile,score,feedback}.md
  std::string job_path;       // as given, for the store and exports
  std::string actor;          // who runs it, for the audit log
  double temperature = 0.6;
  int64_t profile_max_tokens = 1536;
  int64_t score_max_tokens = 3072;
  int64_t feedback_max_tokens = 1536;
  documents::ExtractOptions extract;
};

struct PipelineReport {
  std::vector<exports::ExportCandidate> candidates;  // ranked (exports::rank_candidates)
  size_t redone_stages = 0;   // stage results computed in this run
  size_t reused_stages = 0;   // stage results found in the store
  size_t llm_requests = 0;    // requests sent to the model in this run
  size_t model_errors = 0;    // candidates with a stage the model could not produce (request failed after
                              // the client's retries); stored for the record, redone by the next run
  std::string first_model_error;  // the first such failure's message
  int64_t prompt_tokens = 0;
  int64_t cached_prompt_tokens = 0;
};

// A document already in the store (uploaded through the API: its text was extracted at upload), screened by
// ScreeningPipeline::run_stored.
struct StoredDocument {
  int64_t document_id = 0;
  std::string file_name;     // display name, for exports and messages
  std::string content_hash;  // "sha256:..." of the original bytes: seeds derive from it
  std::string text;          // extracted text
  std::string language;      // "zh", "en", "mixed", "unknown"
  std::string method;        // extraction method ("pdf_text", "docx", ...)
  std::string meta_json = "{}";  // intake meta: {"flags": [codes], "error": "..."} (missing keys: none)
};

class ScreeningPipeline {
 public:
  // All references must outlive the pipeline.
  ScreeningPipeline(const Job& job, llm::LanguageModel& model, store::Store& store, Progress& progress,
                    PipelineOptions options);

  // Screens `resume_paths` (files, already expanded). Throws only for setup errors (prompts missing, store
  // failures); a bad resume becomes an "error" candidate.
  PipelineReport run(const std::vector<std::string>& resume_paths);

  // Runs profile -> score -> feedback for `documents` (no intake: they are stored already) of job `job_id` as
  // part of run `run_id` (an existing row of `runs`; it is neither begun nor finished here). Stages stored
  // with a matching hash are reused and the rest are redone and replace the stored ones, so a retried call
  // does only what is missing and results stay one per (job, document, stage). options.job_path and
  // options.actor are not used. Throws for setup errors (prompts missing, store failures) like run().
  PipelineReport run_stored(int64_t job_id, int64_t run_id, const std::vector<StoredDocument>& documents);

 private:
  struct Candidate;
  class Impl;
  const Job& job_;
  llm::LanguageModel& model_;
  store::Store& store_;
  Progress& progress_;
  PipelineOptions options_;
};

// Derives the seed of scoring sample `index` (attempt 0 or the retry 1) of the resume with `content_hash`.
uint64_t sample_seed(uint64_t base, const std::string& content_hash, int index, int attempt);

// The ranked table printed at the end: rank, score (median and range), name, degree, years, must-haves,
// flags, file.
std::string format_ranked_table(const std::vector<exports::ExportCandidate>& ranked);

}  // namespace hirelm::screening
