#include "screening/worker/screen_task.h"

#include <nlohmann/json.hpp>

#include "screening/pipeline/progress.h"
#include "util/error.h"

namespace hirelm::worker {

using json = nlohmann::json;

namespace {

std::string type_name(const json& v) { return v.is_discarded() ? "not JSON" : std::string(v.type_name()); }

int64_t positive_id(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end()) throw InvalidInputError(std::string("screen_document payload: ") + field + ": missing");
  if (!it->is_number_integer() || it->get<int64_t>() <= 0) {
    throw InvalidInputError(std::string("screen_document payload: ") + field + ": expected a positive integer id, got " +
                            it->dump());
  }
  return it->get<int64_t>();
}

}  // namespace

ScreenPayload parse_screen_payload(std::string_view payload_json) {
  const json j = json::parse(payload_json, nullptr, false);
  if (!j.is_object()) {
    throw InvalidInputError("screen_document payload: expected a JSON object, got " + type_name(j));
  }
  ScreenPayload p;
  p.run_id = positive_id(j, "run_id");
  p.job_id = positive_id(j, "job_id");
  p.document_id = positive_id(j, "document_id");
  if (auto it = j.find("samples"); it != j.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 20) {
      throw InvalidInputError("screen_document payload: samples: expected an integer 1..20, got " + it->dump());
    }
    p.samples = static_cast<int>(it->get<int64_t>());
  }
  if (auto it = j.find("blind"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) throw InvalidInputError("screen_document payload: blind: expected true or false, got " + it->dump());
    p.blind = it->get<bool>();
  }
  if (auto it = j.find("lang"); it != j.end() && !it->is_null()) {
    if (!it->is_string() || (*it != "" && *it != "zh" && *it != "en")) {
      throw InvalidInputError("screen_document payload: lang: expected \"\", \"zh\" or \"en\", got " + it->dump());
    }
    p.lang = it->get<std::string>();
  }
  if (auto it = j.find("seed"); it != j.end() && !it->is_null()) {
    if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<int64_t>() >= 0)) {
      throw InvalidInputError("screen_document payload: seed: expected a non-negative integer, got " + it->dump());
    }
    p.seed = it->get<uint64_t>();
  }
  return p;
}

std::string screen_payload_json(const ScreenPayload& p) {
  return json{{"run_id", p.run_id}, {"job_id", p.job_id}, {"document_id", p.document_id}, {"samples", p.samples},
              {"blind", p.blind}, {"lang", p.lang}, {"seed", p.seed}}
      .dump();
}

screening::Job load_stored_job(db::Connection& db, int64_t job_id) {
  auto st = db.prepare("SELECT text FROM jobs WHERE id = ?");
  st->bind(1, job_id);
  if (!st->step()) throw NotFoundError("job " + std::to_string(job_id) + " is not in the store (deleted?)");
  return screening::parse_job(st->text(0), "job " + std::to_string(job_id));
}

screening::StoredDocument load_stored_document(db::Connection& db, int64_t job_id, int64_t document_id) {
  auto st = db.prepare(
      "SELECT d.content_hash, d.text, d.language, d.method, d.meta_json, jd.path FROM job_documents jd "
      "JOIN documents d ON d.id = jd.document_id WHERE jd.job_id = ? AND jd.document_id = ?");
  st->bind(1, job_id).bind(2, document_id);
  if (!st->step()) {
    throw NotFoundError("document " + std::to_string(document_id) + " is not part of job " + std::to_string(job_id) +
                        " (erased?)");
  }
  screening::StoredDocument d;
  d.document_id = document_id;
  d.content_hash = st->text(0);
  d.text = st->text(1);
  d.language = st->text(2);
  d.method = st->text(3);
  d.meta_json = st->text(4);
  d.file_name = st->text(5);
  return d;
}

ScreenOutcome screen_document(store::Store& store, llm::LanguageModel& model, const ScreenPayload& payload,
                              const ScreenSettings& settings) {
  const screening::Job job = load_stored_job(store.connection(), payload.job_id);
  const screening::StoredDocument doc = load_stored_document(store.connection(), payload.job_id, payload.document_id);
  screening::PipelineOptions options;
  options.samples = payload.samples;
  options.seed = payload.seed;
  options.blind = payload.blind;
  options.lang = payload.lang;
  options.prompts_dir = settings.prompts_dir;
  screening::Progress quiet(nullptr, false);
  screening::ScreeningPipeline pipeline(job, model, store, quiet, options);
  const screening::PipelineReport report = pipeline.run_stored(payload.job_id, payload.run_id, {doc});
  ScreenOutcome out;
  out.status = report.candidates.empty() ? "error" : report.candidates.front().status;
  out.model_error = report.model_errors > 0;
  out.error = report.first_model_error;
  out.redone_stages = report.redone_stages;
  out.reused_stages = report.reused_stages;
  out.llm_requests = report.llm_requests;
  return out;
}

}  // namespace hirelm::worker
