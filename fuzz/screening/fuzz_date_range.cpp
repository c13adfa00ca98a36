// Fuzz target for resume dates: any text parses or not without crashing; parsed points are in range; the
// first byte splits the input into start and end texts for resolve_interval, whose intervals are non-empty
// and never in the future.
#include <cstddef>
#include <cstdint>
#include <string>

#include "screening/profile/date_range.h"
#include "util/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hirelm::profile;
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (const auto r = parse_date_range(text)) {
    for (const DatePoint& p : {r->start, r->end.value_or(r->start)}) {
      if (p.kind == DatePoint::Kind::kPresent) continue;
      HIRELM_CHECK(p.year >= 1900 && p.year <= 2100);
      HIRELM_CHECK(p.kind == DatePoint::Kind::kYear ? p.month == 0 : (p.month >= 1 && p.month <= 12));
    }
  }
  const size_t cut = data[0] % (text.size() + 1);
  const YearMonth today{2026, 11};
  if (const auto iv = resolve_interval(text.substr(0, cut), text.substr(cut), today)) {
    HIRELM_CHECK(iv->end > iv->begin);
    HIRELM_CHECK(iv->begin <= today.index());
    HIRELM_CHECK(merged_years({*iv, *iv}) == merged_years({*iv}));
  }
  return 0;
}
