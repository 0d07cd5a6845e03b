// The TIS extract (`traineeInfoForConnection`) as JSON lines: one TIS person per line, in the
// shape of REVALIDATION.md. Bad lines are kept as errors (line number, field, message) and
// dropped; the rest of the extract is still read.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "net/curl.hpp"
#include "revalidation/model.hpp"

namespace casegate::feeds {

struct TisFeedLimits {
    std::size_t max_bytes = 1024ull * 1024 * 1024;  ///< the whole extract
    std::size_t max_line_bytes = 1024UL * 1024;     ///< one person with all memberships
    std::size_t max_records = 2'000'000;
    std::size_t max_errors_kept = 1000;  ///< errors beyond this are only counted
};

struct FeedLineError {
    std::size_t line = 0;  ///< 1-based
    std::string field;     ///< key path, "" for the whole line
    std::string message;
};

struct TisFeed {
    std::vector<revalidation::TisPerson> persons;  ///< one per tis_person_id, in line order
    std::vector<FeedLineError> errors;             ///< the first max_errors_kept
    std::size_t error_count = 0;                   ///< all bad lines
    std::size_t lines = 0;                         ///< non-blank lines read
    std::size_t duplicates = 0;  ///< lines that repeated a tis_person_id (the later one is kept)
    /// Non-empty when the extract as a whole cannot be used (a limit was passed, or it could
    /// not be fetched): nothing in it should be applied.
    std::string fatal;
    /// True when `fatal` is because the extract was never received (transport failure or an
    /// HTTP status other than 200): worth retrying, unlike an extract that was received but
    /// refused.
    bool not_fetched = false;

    bool usable() const { return fatal.empty(); }
};

/// Reads an extract. A UTF-8 byte-order mark is skipped, CRLF is accepted, blank lines are
/// ignored. A person id given twice keeps the later line, at the later line's place (the
/// reading of docs/revalidation.md decision 2). Never throws for bad input.
TisFeed parse_tis_feed(std::string_view bytes, const TisFeedLimits& limits = {});

/// GETs the extract over HTTPS and parses it. A transport failure or a status other than 200
/// is returned in `fatal` with nothing parsed.
TisFeed fetch_tis_feed(std::string_view url, const net::HttpOptions& http,
                       const std::vector<std::string>& headers = {},
                       const TisFeedLimits& limits = {});

}  // namespace casegate::feeds
