// One candidate's export record assembled from its stored stage results (profile, score, feedback), the way
// the pipeline assembles it from a finished run: the API's ranked rows, detail and exports all start here.
#pragma once

#include <string>
#include <vector>

#include "screening/export/export.h"
#include "screening/store/store.h"

namespace hirelm::service {

// `file_name` is the display name; `intake_flags` the document's flags from upload (meta_json "flags").
// Status: the score stage's ("scored" / "no_score"); "error" when a stage failed and none scored; "pending"
// when nothing is scored yet.
exports::ExportCandidate stored_export_candidate(const store::DocumentResults& results, const std::string& file_name,
                                                 const std::vector<std::string>& intake_flags);

// The order of `candidates` ranked as the CLI ranks (exports::rank_candidates; pending after error): indexes.
std::vector<size_t> ranked_order(const std::vector<exports::ExportCandidate>& candidates);

}  // namespace hirelm::service
