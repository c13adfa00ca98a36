// Cell texts shared by the CSV and XLSX writers, so both show a candidate the same way. Internal.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "screening/export/export.h"

namespace hirelm::exports::detail {

// A number with at most two decimals, trailing zeros dropped: 7.5, 8, 7.33. "" for nullopt.
std::string format_number(const std::optional<double>& v);

// List cells: items joined by "; " (tech stack, flags, samples), projects one per line.
std::string join(const std::vector<std::string>& items, const std::string& sep);
std::string samples_text(const Score& score);  // "7; 8; n/a" (n/a = no score in that sample)
std::string must_haves_text(const std::vector<MustHave>& must_haves);  // "Go: pass; K8s: unclear"

// One cell per export_columns() entry. Numeric columns hold a std::optional<double>, the rest text.
struct Cell {
  bool numeric = false;
  std::optional<double> number;
  std::string text;
};
std::vector<Cell> row_cells(const ExportCandidate& c);

}  // namespace hirelm::exports::detail
