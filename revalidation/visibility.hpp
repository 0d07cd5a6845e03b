// Which local offices see a doctor, whether they may edit it, and what each is offered.
#pragma once

#include <vector>

#include "revalidation/facts.hpp"
#include "revalidation/model.hpp"
#include "revalidation/rules.hpp"

namespace casegate::revalidation {

/// Fills `out` (cleared first), sorted by designated_body:
/// - the GMC DB (current connection) and the TIS DBs: editable;
/// - DBs of past connections (history) that are neither: read-only, no action;
/// - a doctor in review, hidden or discrepancy with no connection and no TIS DB: only
///   {"*", editable}, every local office (docs/revalidation.md explains why discrepancy too).
/// The row's offered action is split per office: add goes to TIS DB offices (or "*"), remove
/// to the GMC DB office, review and unhide to every editable office.
void fill_visible_to(const DoctorFacts& f, const RuleRow& row, std::vector<Visibility>& out);

}  // namespace casegate::revalidation
