// Reads the final 0-10 score from a model's answer: the last \boxed{...} in the ANSWER (the text after
// </think>), never in the reasoning, where a model tries out numbers before deciding.
//
// Accepted forms inside the box: 8, 8.5, 8/10 (any denominator: scaled to 10), 8 / 10, 8分, 8 分,
// \text{8分}, \mathbf{8}, \textbf{8}, 85% and full-width digits (８．５, ８／１０). A box with no number,
// two different numbers that are not a fraction, or a score outside 0-10 is unparseable.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hirelm::screening {

struct BoxedScore {
  std::optional<double> score;  // 0-10 when found
  // Why there is no score: "no_answer" (empty answer), "no_boxed" (no \boxed{} in the answer),
  // "boxed_only_in_reasoning", "unparseable_boxed", "out_of_range". Empty when score is set.
  std::string reason;
  std::string raw;  // the box's content as written (for audit), when a box was found
};

BoxedScore parse_boxed_score(std::string_view answer, std::string_view reasoning = {});

// Contents of every \boxed{...} in `text`, in order (balanced braces; an unclosed box is skipped).
std::vector<std::string> find_boxed(std::string_view text);

// Parses one box's content; nullopt when it holds no single score in 0-10 (`reason` says why).
std::optional<double> parse_score_text(std::string_view box, std::string* reason = nullptr);

}  // namespace hirelm::screening
