// Small UTF-8-aware string helpers shared by the form code. Internal to casegate_forms.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/strings.hpp"

namespace casegate::forms {

/// Drops leading and trailing white space: ASCII white space and U+00A0 (which HTML mail
/// turns &nbsp; into).
inline std::string_view trim(std::string_view s) {
    return util::trim_text(s);
}

/// Splits on "\n", dropping a trailing "\r" from each line. An empty input gives no lines.
std::vector<std::string_view> split_lines(std::string_view s);

/// ASCII lower-casing; other bytes are left alone.
inline std::string ascii_lower(std::string_view s) {
    return util::ascii_lower(s);
}

/// Number of code points in valid UTF-8 (counts lead bytes).
std::size_t utf8_length(std::string_view s);

/// Removes C0 and C1 control characters and DEL. With keep_line_breaks, "\n" and "\t" stay;
/// without, they (and "\r") become spaces so a one-line value keeps its word breaks.
std::string remove_controls(std::string_view s, bool keep_line_breaks);

/// Shortens `s` to at most `max_bytes` without splitting a UTF-8 sequence, adding "…" when cut.
std::string shorten(std::string_view s, std::size_t max_bytes);

}  // namespace casegate::forms
