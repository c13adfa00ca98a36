#include "screening/pipeline/screening_pipeline.h"

#include <map>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "screening/feedback/feedback.h"
#include "screening/job/sha256.h"
#include "screening/pipeline/export_record.h"
#include "screening/pipeline/profile_json.h"
#include "screening/profile/profile_checks.h"
#include "screening/profile/profile_parser.h"
#include "screening/profile/profile_schema.h"
#include "screening/redaction/redaction.h"
#include "screening/scoring/evidence.h"
#include "screening/scoring/prompt_template.h"
#include "screening/scoring/score_request.h"
#include "screening/scoring/score_summary.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace hirelm::screening {

using json = nlohmann::json;

namespace {

constexpr const char* kStageProfile = "profile";
constexpr const char* kStageScore = "score";
constexpr const char* kStageFeedback = "feedback";
constexpr const char* kModelError = "model_error";  // stage value key: made without the model, redo

uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

json opt_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

void add_flag(std::vector<std::string>& flags, const std::string& f) {
  for (const auto& x : flags) {
    if (x == f) return;
  }
  flags.push_back(f);
}

// One language's prompts, and the hashes a stored stage result must carry to be reused by this run.
struct Templates {
  PromptTemplate profile, score, feedback;
  std::string profile_hash, score_hash, feedback_hash;
};

}  // namespace

uint64_t sample_seed(uint64_t base, const std::string& content_hash, int index, int attempt) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a of the hash text
  for (char c : content_hash) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  // Seeds stay below 2^53 so they survive JSON round trips through any client exactly.
  return mix64(base ^ mix64(h + static_cast<uint64_t>(index) * 0x100 + static_cast<uint64_t>(attempt))) >> 11;
}

struct ScreeningPipeline::Candidate {
  std::string path;
  documents::Document doc;
  std::string error;  // intake failure
  int64_t document_id = 0;
  bool score_redone = false;  // scored in this run: the feedback grounded on the old score is redone too
  std::optional<size_t> duplicate_of;  // index of an earlier candidate with the same file content
  std::string lang;                    // prompt language
  std::vector<std::string> flags;
  std::optional<profile::Profile> profile;
  std::string scoring_text;  // text the scorer sees (redacted in blind mode)
  std::vector<std::string> redacted;  // categories removed in blind mode
  std::optional<store::StageResult> score;
  std::string feedback;

  bool screenable() const { return error.empty() && !duplicate_of; }
};

class ScreeningPipeline::Impl {
 public:
  Impl(ScreeningPipeline& p) : p_(p) {}

  PipelineReport run(const std::vector<std::string>& paths);
  PipelineReport run_stored(int64_t job_id, int64_t run_id, const std::vector<StoredDocument>& documents);

 private:
  // Checks the options and loads the prompt templates (fails early on a missing or bad one).
  void check_options();
  // The candidate of a stored document: intake flags and error from its meta.
  Candidate stored_candidate(const StoredDocument& d) const;
  // profile -> score -> feedback over cands_, then the ranked export records.
  PipelineReport screen();
  const Templates& templates(const std::string& lang);
  const std::string& profile_hash(const std::string& lang) { return templates(lang).profile_hash; }
  const std::string& score_hash(const std::string& lang) { return templates(lang).score_hash; }
  const std::string& feedback_hash(const std::string& lang) { return templates(lang).feedback_hash; }
  // The stored result of `stage` if it was made with `hash`. A result the model could not produce (its
  // request failed: server down, HTTP error, timeout) is stored for the record but redone by the next run.
  std::optional<store::StageResult> reusable(const Candidate& c, const char* stage, const std::string& hash) {
    auto r = p_.store_.load_stage_result(job_id_, c.document_id, stage);
    if (!r) return std::nullopt;
    const json v = json::parse(r->value_json, nullptr, false);
    if (v.is_discarded() || !v.is_object() || v.value("hash", "") != hash) return std::nullopt;
    if (v.value(kModelError, false)) return std::nullopt;
    ++report_.reused_stages;
    return r;
  }
  // An empty result of `stage` for candidate `c` in this run.
  store::StageResult new_result(const Candidate& c, const char* stage) const {
    store::StageResult sr;
    sr.job_id = job_id_;
    sr.document_id = c.document_id;
    sr.run_id = run_id_;
    sr.stage = stage;
    return sr;
  }
  // Marks a stage result as made without the model (a failed request): not reused, counted once per
  // candidate in PipelineReport::model_errors.
  void mark_model_error(json& value, int64_t document_id, const std::string& error) {
    value[kModelError] = true;
    if (model_error_documents_.insert(document_id).second) ++report_.model_errors;
    if (report_.first_model_error.empty()) report_.first_model_error = error;
  }
  void count(const llm::ChatResponse& r) {
    ++report_.llm_requests;
    report_.prompt_tokens += r.prompt_tokens;
    report_.cached_prompt_tokens += r.cached_tokens;
  }

  void intake(const std::vector<std::string>& paths);
  void profile_stage();
  void score_stage();
  void feedback_stage();
  exports::ExportCandidate export_record(const Candidate& c) const;
  void save_score(Candidate& c, std::vector<ScoreSample>& samples);

  ScreeningPipeline& p_;
  std::map<std::string, Templates> templates_;
  std::set<int64_t> model_error_documents_;  // documents with a stage result marked kModelError
  std::vector<Candidate> cands_;
  int64_t job_id_ = 0;
  int64_t run_id_ = 0;
  PipelineReport report_;
};

const Templates& ScreeningPipeline::Impl::templates(const std::string& lang) {
  auto it = templates_.find(lang);
  if (it == templates_.end()) {
    const std::string& dir = p_.options_.prompts_dir;
    Templates t{load_prompt(dir, lang, "profile"), load_prompt(dir, lang, "score"), load_prompt(dir, lang, "feedback"),
                "", "", ""};
    t.profile_hash = sha256_tagged(t.profile.hash + "\n" + std::string(profile::profile_schema_json()));
    const json params = {{"rubric", prompt_rubric_hash(t.score, p_.job_)},
                         {"samples", p_.options_.samples},
                         {"seed", p_.options_.seed},
                         {"blind", p_.options_.blind},
                         {"temperature", p_.options_.temperature},
                         {"model", p_.model_.model_id()}};
    t.score_hash = sha256_tagged(params.dump());
    t.feedback_hash = sha256_tagged(t.feedback.hash + "\n" + t.score_hash);
    it = templates_.emplace(lang, std::move(t)).first;
  }
  return it->second;
}

void ScreeningPipeline::Impl::intake(const std::vector<std::string>& paths) {
  std::map<std::string, size_t> by_hash;
  p_.progress_.start("intake", paths.size());
  for (const auto& path : paths) {
    Candidate c;
    c.path = path;
    store::DocumentInput in;
    in.path = path;
    try {
      c.doc = documents::extract_document(path, p_.options_.extract);
      in.content_hash = c.doc.content_hash;
      in.text = c.doc.text;
      in.language = c.doc.language;
      in.method = c.doc.method;
      if (c.doc.has_warning("empty")) {
        c.error = "empty document: no text could be extracted";
        add_flag(c.flags, "empty_document");
      }
      if (c.doc.method == "pdf_ocr" || c.doc.method == "image_ocr" || c.doc.has_warning("ocr_used")) {
        add_flag(c.flags, "ocr_used");
      }
      if (c.doc.has_warning("possibly_truncated")) add_flag(c.flags, "truncated");
      for (const auto& f : c.doc.flags) add_flag(c.flags, f.code);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInternal) throw;
      c.error = e.what();
      std::string bytes;
      try {
        bytes = read_file(path);
      } catch (const Error&) {
        // unreadable: identified by its path below
      }
      in.content_hash = sha256_tagged(bytes.empty() ? "unreadable:" + path : bytes);
    }
    json meta = {{"flags", c.flags}, {"error", c.error}};
    in.meta_json = meta.dump();
    const store::AddedDocument added = p_.store_.add_candidate_document(job_id_, in);
    c.document_id = added.document_id;
    if (auto it = by_hash.find(in.content_hash); it != by_hash.end()) {
      c.duplicate_of = it->second;
      add_flag(c.flags, "duplicate");
    } else {
      by_hash[in.content_hash] = cands_.size();
    }
    c.lang = feedback_language(p_.options_.lang, c.doc.language.empty() ? "en" : c.doc.language);
    if (!c.error.empty()) p_.progress_.note("hirelm screen: " + path + ": " + c.error);
    cands_.push_back(std::move(c));
    p_.progress_.advance();
  }
  p_.progress_.finish();
}

void ScreeningPipeline::Impl::profile_stage() {
  std::vector<size_t> pending;
  for (size_t i = 0; i < cands_.size(); ++i) {
    Candidate& c = cands_[i];
    if (!c.screenable()) continue;
    if (auto r = reusable(c, kStageProfile, profile_hash(c.lang))) {
      const json v = json::parse(r->value_json);
      if (v.contains("profile")) c.profile = profile_from_json(v["profile"]);
      for (const auto& f : r->flags) add_flag(c.flags, f);
      continue;
    }
    pending.push_back(i);
  }
  p_.progress_.start("profile", pending.size());
  const profile::YearMonth today = profile::current_year_month();
  for (int attempt = 0; attempt < 2 && !pending.empty(); ++attempt) {
    std::vector<llm::ChatRequest> reqs;
    for (size_t i : pending) {
      const Candidate& c = cands_[i];
      std::map<std::string, std::string> vars = job_prompt_vars(p_.job_, c.lang);
      vars["resume"] = c.doc.text;
      llm::ChatRequest r;
      r.messages.push_back(llm::ChatMessage{"user", render_prompt(templates(c.lang).profile, vars)});
      r.temperature = p_.options_.temperature;
      r.max_tokens = p_.options_.profile_max_tokens;
      r.seed = sample_seed(p_.options_.seed, c.doc.content_hash, 1000, attempt);
      r.json_schema = std::string(profile::profile_schema_json());
      reqs.push_back(std::move(r));
    }
    std::vector<size_t> failed;
    p_.model_.complete(reqs, [&](size_t k, const llm::ChatResponse& resp) {
      count(resp);
      Candidate& c = cands_[pending[k]];
      std::string error = resp.error;
      std::optional<profile::Profile> parsed;
      if (error.empty()) {
        try {
          parsed = profile::parse_profile_json(profile::extract_json_object(resp.content));
        } catch (const Error& e) {
          if (e.kind() == ErrorKind::kInternal) throw;
          error = e.what();
        }
      }
      if (!parsed && attempt == 0) {
        failed.push_back(pending[k]);
        return;
      }
      store::StageResult sr = new_result(c, kStageProfile);
      json value = {{"hash", profile_hash(c.lang)}};
      if (parsed) {
        profile::check_profile(*parsed, c.doc.text, today);
        const store::ContactLink link = p_.store_.link_contact(c.document_id, parsed->email, parsed->phone, parsed->name);
        if (link.duplicate_of) add_flag(parsed->flags, "duplicate");
        for (const auto& f : parsed->flags) add_flag(c.flags, f);
        value["profile"] = profile_to_json(*parsed);
        sr.status = "ok";
        sr.flags = parsed->flags;
        c.profile = std::move(parsed);
      } else {
        value["error"] = error;
        if (!resp.ok()) mark_model_error(value, c.document_id, resp.error);
        sr.status = "error";
        sr.flags = {"profile_invalid"};
        add_flag(c.flags, "profile_invalid");
      }
      sr.value_json = value.dump();
      sr.samples.push_back({0, static_cast<int64_t>(resp.seed.value_or(0)), resp.reasoning, resp.content,
                            c.profile ? value["profile"].dump() : "null"});
      p_.store_.save_stage_result(sr);
      ++report_.redone_stages;
      p_.progress_.advance();
    });
    pending = std::move(failed);
  }
  p_.progress_.finish();
}

void ScreeningPipeline::Impl::save_score(Candidate& c, std::vector<ScoreSample>& samples) {
  const ScoreSummary sum = summarize_samples(samples);
  store::StageResult sr = new_result(c, kStageScore);
  sr.status = sum.scored > 0 ? "scored" : "no_score";
  json samples_json = json::array();
  for (const auto& s : sum.samples) samples_json.push_back(opt_json(s));
  json criteria = json::array();
  for (const auto& [name, v] : sum.criteria) criteria.push_back({{"name", name}, {"score", opt_json(v)}});
  json must = json::array();
  for (const auto& m : sum.must_haves) {
    must.push_back({{"requirement", m.requirement}, {"result", must_have_result_name(m.result)}});
  }
  json evidence = json::array();
  for (const auto& q : sum.evidence) evidence.push_back(q.text);
  json value = {{"hash", score_hash(c.lang)},
                {"median", opt_json(sum.median)},
                {"mean", opt_json(sum.mean)},
                {"min", opt_json(sum.min)},
                {"max", opt_json(sum.max)},
                {"samples", samples_json},
                {"criteria", criteria},
                {"must_haves", must},
                {"evidence", evidence},
                {"blind", p_.options_.blind},
                {"redacted", c.redacted}};
  if (sum.scored == 0) value["no_score_reason"] = sum.no_score_reason;
  for (const auto& s : samples) {
    if (!s.model_error.empty()) mark_model_error(value, c.document_id, s.model_error);
  }
  if (sum.scored == 0) sr.flags.push_back("no_score");
  if (sum.unreliable) sr.flags.push_back("score_unreliable");
  for (const auto& s : samples) {
    if (s.truncated && !s.total) {
      add_flag(sr.flags, "truncated");
    }
  }
  for (size_t i = 0; i < samples.size(); ++i) {
    const auto& s = samples[i];
    json parsed = {{"total", opt_json(s.total)}, {"attempts", s.attempts}, {"truncated", s.truncated}};
    if (!s.total) parsed["no_score_reason"] = s.no_score_reason;
    json crit = json::array();
    for (const auto& cs : s.criteria) {
      json quotes = json::array();
      for (const auto& q : cs.evidence) quotes.push_back({{"text", q.text}, {"verified", q.verified}});
      crit.push_back({{"name", cs.name}, {"score", opt_json(cs.score)}, {"evidence", quotes}});
    }
    parsed["criteria"] = crit;
    sr.samples.push_back({static_cast<int>(i), static_cast<int64_t>(s.seed), s.reasoning, s.answer, parsed.dump()});
  }
  sr.value_json = value.dump();
  for (const auto& f : sr.flags) add_flag(c.flags, f);
  p_.store_.save_stage_result(sr);
  c.score = sr;
  c.score_redone = true;
  ++report_.redone_stages;
}

void ScreeningPipeline::Impl::score_stage() {
  struct Work {
    size_t cand;
    std::vector<ScoreSample> samples;
    size_t remaining = 0;
    std::vector<int> retry;  // sample indexes to retry
  };
  std::vector<Work> work;
  for (size_t i = 0; i < cands_.size(); ++i) {
    Candidate& c = cands_[i];
    if (!c.screenable()) continue;
    c.scoring_text = c.doc.text;
    if (p_.options_.blind) {
      redaction::KnownIdentity known;
      if (c.profile) {
        known.name = c.profile->name.value_or("");
        known.email = c.profile->email.value_or("");
        known.phone = c.profile->phone.value_or("");
      }
      const redaction::RedactionResult rr = redaction::redact(c.doc.text, known);
      c.scoring_text = rr.text;
      std::set<std::string> cats;
      for (const auto& r : rr.redactions) {
        if (cats.insert(r.category).second) c.redacted.push_back(r.category);
      }
    }
    if (auto r = reusable(c, kStageScore, score_hash(c.lang))) {
      for (const auto& f : r->flags) add_flag(c.flags, f);
      c.score = std::move(r);
      continue;
    }
    work.push_back({i, std::vector<ScoreSample>(static_cast<size_t>(p_.options_.samples)), 0, {}});
  }
  p_.progress_.start("score", work.size());
  const ScoreRequestOptions ro{p_.options_.temperature, p_.options_.score_max_tokens};
  std::map<size_t, std::string> normalized;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::vector<llm::ChatRequest> reqs;
    std::vector<std::pair<size_t, int>> owner;  // (work index, sample index)
    for (size_t w = 0; w < work.size(); ++w) {
      const Candidate& c = cands_[work[w].cand];
      std::vector<int> indexes;
      if (attempt == 0) {
        for (int s = 0; s < p_.options_.samples; ++s) indexes.push_back(s);
      } else {
        indexes = work[w].retry;
      }
      work[w].remaining = indexes.size();
      for (int s : indexes) {
        reqs.push_back(build_score_request(templates(c.lang).score, p_.job_, c.lang, c.scoring_text,
                                           sample_seed(p_.options_.seed, c.doc.content_hash, s, attempt), ro));
        owner.push_back({w, s});
      }
    }
    if (reqs.empty()) break;
    p_.model_.complete(reqs, [&](size_t k, const llm::ChatResponse& resp) {
      count(resp);
      auto [w, s] = owner[k];
      Work& wk = work[w];
      Candidate& c = cands_[wk.cand];
      auto norm = normalized.find(wk.cand);
      if (norm == normalized.end()) norm = normalized.emplace(wk.cand, normalize_for_match(c.scoring_text)).first;
      ScoreSample sample = parse_score_response(resp, p_.job_, norm->second);
      if (!resp.seed) sample.seed = reqs[k].seed.value_or(0);
      sample.attempts = attempt + 1;
      wk.samples[static_cast<size_t>(s)] = std::move(sample);
      if (!wk.samples[static_cast<size_t>(s)].total && attempt == 0) wk.retry.push_back(s);
      if (--wk.remaining == 0) {
        if (attempt == 1 || wk.retry.empty()) {
          save_score(c, wk.samples);
          p_.progress_.advance();
        }
      }
    });
  }
  p_.progress_.finish();
}

void ScreeningPipeline::Impl::feedback_stage() {
  std::vector<size_t> pending;
  for (size_t i = 0; i < cands_.size(); ++i) {
    Candidate& c = cands_[i];
    if (!c.screenable() || !c.score) continue;
    if (auto r = c.score_redone ? std::nullopt : reusable(c, kStageFeedback, feedback_hash(c.lang))) {
      c.feedback = json::parse(r->value_json).value("text", "");
      continue;
    }
    pending.push_back(i);
  }
  p_.progress_.start("feedback", pending.size());
  for (int attempt = 0; attempt < 2 && !pending.empty(); ++attempt) {
    std::vector<llm::ChatRequest> reqs;
    for (size_t i : pending) {
      const Candidate& c = cands_[i];
      const json v = json::parse(c.score->value_json);
      FeedbackInput in;
      if (c.profile) in.profile_summary = profile_summary(*c.profile, c.lang == "zh");
      in.score = json_number(v, "median");
      for (const auto& q : v.value("evidence", json::array())) in.evidence.push_back({q.get<std::string>(), true});
      in.resume_text = c.scoring_text;
      reqs.push_back(build_feedback_request(templates(c.lang).feedback, p_.job_, c.lang, in,
                                            sample_seed(p_.options_.seed, c.doc.content_hash, 2000, attempt),
                                            p_.options_.feedback_max_tokens));
    }
    std::vector<size_t> failed;
    p_.model_.complete(reqs, [&](size_t k, const llm::ChatResponse& resp) {
      count(resp);
      Candidate& c = cands_[pending[k]];
      std::string text = clean_feedback(resp);
      if (text.empty() && attempt == 0) {
        failed.push_back(pending[k]);
        return;
      }
      store::StageResult sr = new_result(c, kStageFeedback);
      sr.status = text.empty() ? "error" : "ok";
      json value = {{"hash", feedback_hash(c.lang)}, {"lang", c.lang}, {"text", text}};
      if (!resp.ok()) mark_model_error(value, c.document_id, resp.error);
      sr.value_json = value.dump();
      sr.samples.push_back({0, static_cast<int64_t>(resp.seed.value_or(reqs[k].seed.value_or(0))), resp.reasoning,
                            resp.content, json(text).dump()});
      p_.store_.save_stage_result(sr);
      c.feedback = text;
      ++report_.redone_stages;
      p_.progress_.advance();
    });
    pending = std::move(failed);
  }
  p_.progress_.finish();
}

exports::ExportCandidate ScreeningPipeline::Impl::export_record(const Candidate& c0) const {
  // A duplicate file shows the results of the first copy, with its own path and the duplicate flag.
  const Candidate& c = c0.duplicate_of ? cands_[*c0.duplicate_of] : c0;
  exports::ExportCandidate e;
  e.file = c0.path;
  e.flags = c.flags;
  for (const auto& f : c0.flags) add_flag(e.flags, f);
  if (!c.error.empty()) {
    e.status = "error";
    e.error = c.error;
    return e;
  }
  if (c.profile) set_export_profile(e, *c.profile);
  if (c.score) {
    set_export_score(e, c.score->status, json::parse(c.score->value_json));
  } else {
    e.status = "no_score";
    add_flag(e.flags, "no_score");
  }
  e.feedback = c.feedback;
  return e;
}

void ScreeningPipeline::Impl::check_options() {
  const PipelineOptions& o = p_.options_;
  if (o.samples < 1 || o.samples > 20) throw InvalidInputError("--samples: expected 1..20, got " + std::to_string(o.samples));
  for (const char* lang : {"zh", "en"}) {
    if (o.lang.empty() || o.lang == lang) templates(lang);  // fail early on a missing or bad template
  }
}

PipelineReport ScreeningPipeline::Impl::screen() {
  profile_stage();
  score_stage();
  feedback_stage();
  for (const auto& c : cands_) report_.candidates.push_back(export_record(c));
  exports::rank_candidates(report_.candidates);
  return report_;
}

ScreeningPipeline::Candidate ScreeningPipeline::Impl::stored_candidate(const StoredDocument& d) const {
  Candidate c;
  c.path = d.file_name;
  c.document_id = d.document_id;
  c.doc.path = d.file_name;
  c.doc.content_hash = d.content_hash;
  c.doc.text = d.text;
  c.doc.language = d.language;
  c.doc.method = d.method;
  const json meta = json::parse(d.meta_json, nullptr, false);
  if (meta.is_object()) {
    if (auto it = meta.find("flags"); it != meta.end() && it->is_array()) {
      for (const auto& f : *it) {
        if (f.is_string()) add_flag(c.flags, f.get<std::string>());
      }
    }
    if (auto it = meta.find("error"); it != meta.end() && it->is_string()) c.error = it->get<std::string>();
  }
  if (c.error.empty() && c.doc.text.find_first_not_of(" \t\r\n") == std::string::npos) {
    c.error = "empty document: no text could be extracted";
    add_flag(c.flags, "empty_document");
  }
  c.lang = feedback_language(p_.options_.lang, d.language.empty() ? "en" : d.language);
  return c;
}

PipelineReport ScreeningPipeline::Impl::run_stored(int64_t job_id, int64_t run_id,
                                                   const std::vector<StoredDocument>& documents) {
  check_options();
  job_id_ = job_id;
  run_id_ = run_id;
  for (const auto& d : documents) cands_.push_back(stored_candidate(d));
  return screen();
}

PipelineReport ScreeningPipeline::Impl::run(const std::vector<std::string>& paths) {
  const PipelineOptions& o = p_.options_;
  check_options();
  job_id_ = p_.store_.upsert_job({p_.job_.content_hash, p_.job_.title, p_.job_.description, o.job_path});
  intake(paths);
  json params = {{"samples", o.samples}, {"seed", o.seed}, {"blind", o.blind}, {"lang", o.lang},
                 {"temperature", o.temperature}, {"top_p", 0.95}, {"max_tokens", {o.profile_max_tokens, o.score_max_tokens, o.feedback_max_tokens}}};
  std::string prompt_hashes;
  for (const auto& [lang, t] : templates_) prompt_hashes += lang + ":" + prompt_rubric_hash(t.score, p_.job_) + ";";
  run_id_ = p_.store_.begin_run({job_id_, p_.model_.model_id(), sha256_tagged(prompt_hashes), params.dump(),
                                 json::array({o.seed}).dump(), o.actor});
  p_.store_.audit(o.actor, "screen", "job:" + std::to_string(job_id_),
                  json{{"run", run_id_}, {"files", paths.size()}, {"blind", o.blind}}.dump());
  PipelineReport report = screen();
  p_.store_.finish_run(run_id_);
  return report;
}

ScreeningPipeline::ScreeningPipeline(const Job& job, llm::LanguageModel& model, store::Store& store, Progress& progress,
                                     PipelineOptions options)
    : job_(job), model_(model), store_(store), progress_(progress), options_(std::move(options)) {}

PipelineReport ScreeningPipeline::run(const std::vector<std::string>& resume_paths) {
  Impl impl(*this);
  return impl.run(resume_paths);
}

PipelineReport ScreeningPipeline::run_stored(int64_t job_id, int64_t run_id, const std::vector<StoredDocument>& documents) {
  Impl impl(*this);
  return impl.run_stored(job_id, run_id, documents);
}

}  // namespace hirelm::screening
