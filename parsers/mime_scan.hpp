// Internal to casegate_parsers: the limit checks made on raw bytes before mimetic sees them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/email.hpp"

namespace casegate::parsers {

/// What a line-by-line walk of the MIME structure found, without recursion.
struct MimeScan {
    std::string error;                 ///< the limit hit or the structural problem, or
    std::string limit;                 ///< the limit hit, "" for a structural problem
    int depth = 0;                     ///< deepest nesting reached (0 for a single-part message)
    int parts = 0;                     ///< entities, the message itself included
    std::vector<std::string> defects;  ///< e.g. "missing closing boundary"
};

/// Walks the multipart structure of `raw` iteratively, checking header size, depth and part
/// count, and noting multiparts whose closing boundary is missing. Stops at the first
/// depth, header-size or missing-boundary problem; part counting runs to the end.
MimeScan scan_mime_structure(std::string_view raw, const MimeLimits& limits);

/// Everything that must hold before mimetic may parse `raw` (header size, depth, parts, a
/// conservative count of nesting declarations, a boundary for every multipart). `raw` must
/// already have CRLF line breaks (see crlf_line_ends); the caller checks the message size
/// on the bytes as received. Returns the refusal, or an empty one with any structural defects
/// appended to `defects`.
Refusal check_before_parsing(std::string_view raw, const MimeLimits& limits,
                             std::vector<std::string>* defects);

/// "<what> <value> exceeds limit <limit>=<limit_value>", the form of every limit error, with
/// the limit's name beside it.
Refusal limit_error(std::string_view what, std::size_t value, std::string_view limit,
                    std::size_t limit_value);

}  // namespace casegate::parsers
