// What an office's weekly triage digest counts (seed 000 Q23). Inside the caller's transaction.
#pragma once

#include <string>
#include <vector>

#include "storage/pg.hpp"

namespace casegate::storage {

struct TriageFigures {
    std::vector<std::string> new_cases;        ///< opened since `since`
    std::vector<std::string> awaiting_triage;  ///< submitted, not yet accepted or returned
    std::vector<std::string> with_follow_ups;  ///< open cases with follow-ups since `since`
    std::vector<std::string> no_case_manager;  ///< accepted or under review, none assigned
};

/// The references of `office`'s cases in each list; `since` is a timestamp ("" for ever).
TriageFigures triage_figures(Db& db, const std::string& office, const std::string& since);

}  // namespace casegate::storage
