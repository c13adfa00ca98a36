// One `screen_document` task of the durable queue (docs/api.md, docs/screening.md "Workers and the queue"):
// its payload, the stored job and document it names, and the screening of that one document through the
// pipeline (ScreeningPipeline::run_stored: profile -> score -> feedback, stored stages with a matching hash
// reused, so a retried task redoes only what is missing).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "llm/language_model.h"
#include "screening/db/connection.h"
#include "screening/job/job.h"
#include "screening/pipeline/screening_pipeline.h"
#include "screening/store/store.h"

namespace hirelm::worker {

inline constexpr std::string_view kScreenDocumentKind = "screen_document";

// {"run_id", "job_id", "document_id", "samples", "blind", "lang", "seed"} as the API enqueues it.
struct ScreenPayload {
  int64_t run_id = 0;       // > 0, a row of `runs`
  int64_t job_id = 0;       // > 0
  int64_t document_id = 0;  // > 0, a document of the job
  int samples = 3;          // 1..20
  bool blind = false;
  std::string lang;         // "", "zh" or "en"
  uint64_t seed = 20250101;
};

// Parses a payload. run_id, job_id and document_id are required; the rest default as above. Throws
// InvalidInputError naming the field and what was expected for anything else (not JSON, wrong types, ranges).
ScreenPayload parse_screen_payload(std::string_view payload_json);

// The payload as the API writes it (for enqueuers and tests).
std::string screen_payload_json(const ScreenPayload& payload);

// The job as stored (its text, front matter and all, parsed with parse_job). Throws NotFoundError for an
// unknown id, InvalidInputError when the stored text does not parse.
screening::Job load_stored_job(db::Connection& db, int64_t job_id);

// The document as stored for the job (text extracted at upload). Throws NotFoundError when the document is
// not (or no longer: erased) part of the job.
screening::StoredDocument load_stored_document(db::Connection& db, int64_t job_id, int64_t document_id);

struct ScreenOutcome {
  std::string status;       // the candidate's export status: "scored", "no_score" or "error"
  bool model_error = false; // a stage got no answer from the model: stored for the record, to be retried
  std::string error;        // the first model error's message
  size_t redone_stages = 0;
  size_t reused_stages = 0;
  size_t llm_requests = 0;
};

struct ScreenSettings {
  std::string prompts_dir;  // prompts/<lang>/{profile,score,feedback}.md
};

// Screens the payload's document with `model`, storing every stage in `store`. Throws NotFoundError /
// InvalidInputError for a job or document that is gone or unusable (the task cannot succeed), IoError for
// database failures; model failures are reported in the outcome, not thrown.
ScreenOutcome screen_document(store::Store& store, llm::LanguageModel& model, const ScreenPayload& payload,
                              const ScreenSettings& settings);

}  // namespace hirelm::worker
