// Trimming, written once. Never fails; malformed UTF-8 passes through unchanged.
#pragma once

#include <string_view>

namespace casegate::util {

/// Drops leading and trailing ASCII white space (space, tab, CR, LF, FF, VT).
std::string_view trim(std::string_view s);

/// The same, also dropping U+00A0 (which HTML mail turns &nbsp; into): for text a person
/// typed.
std::string_view trim_text(std::string_view s);

}  // namespace casegate::util
