// The classification table of REVALIDATION.md: 18 rows, first match wins.
#pragma once

#include <optional>

#include "revalidation/facts.hpp"
#include "revalidation/model.hpp"

namespace casegate::revalidation {

/// The "action offered" column, before it is split per office (see visibility.hpp).
enum class Offered {
    none,
    unhide,
    review,
    remove,
    add,
    remove_or_hide,
    remove_or_review,
    add_for_tis_remove_for_gmc,
};

struct RuleRow {
    int rule = 0;
    List list = List::hidden;
    std::optional<Reason> reason;
    Offered offered = Offered::none;
};

/// The table row with number `rule`; throws std::out_of_range outside 1-18.
const RuleRow& rule_row(int rule);

/// The first row whose condition holds for `f`. Every doctor matches one row: rows 13-16
/// cover every connected doctor and rows 11, 17 and 18 every unconnected one.
const RuleRow& apply_rules(const DoctorFacts& f);

}  // namespace casegate::revalidation
