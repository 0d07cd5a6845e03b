// Counts of cases for reporting (seed 000 Q8: "end of year reporting to identify trusts with
// support issues"): how many cases were received in a date range, by one dimension at a time.
// Counts only: no names, no free text but the outcomes recorded.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/pg.hpp"

namespace casegate::storage {

/// One row of a report: the dimension ("office", "employer", "route", "type", "status",
/// "outcome"), its value ("" for none recorded) and the number of cases. An employer matched to
/// the office's list is "CODE NAME" (import/employers.hpp), counted by code however written.
struct ReportRow {
    std::string dimension;
    std::string value;
    std::int64_t count = 0;
};

/// The dimensions of case_report, in the order shown.
const std::vector<std::string>& report_dimensions();

/// Cases received from `from` to `to` (YYYY-MM-DD, both included), counted by each dimension;
/// every dimension but "office" only for `office`, "office" for every office. Within a
/// dimension, largest count first, then by value.
std::vector<ReportRow> case_report(Db& db, const std::string& from, const std::string& to,
                                   const std::string& office);

}  // namespace casegate::storage
