// Folding used by the profile checks: full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space to
// ASCII, dash variants (U+2010..U+2015, U+2212, U+FE58, U+FE63) to '-', ASCII letters lower-cased. Other
// text passes through unchanged; invalid UTF-8 bytes pass through as they are. Internal to this library.
#pragma once

#include <string>
#include <string_view>

namespace hirelm::profile::detail {

std::string fold_text(std::string_view text);

}  // namespace hirelm::profile::detail
