// Which changes of a revalidation run each local office is told about: the doctors that became
// discrepancies, those that stopped being one, and GMC requests that newly failed or were
// refused. Pure: stored summaries and classifications in, one digest per office out.
#pragma once

#include <string>
#include <vector>

#include "notifier/templates.hpp"
#include "revalidation/model.hpp"
#include "storage/revalidation.hpp"

namespace casegate::reval {

struct DigestOffice {
    std::string name;
    std::string designated_body;
};

/// One digest per office, in the order given. An office sees a doctor when it may edit it
/// (visible_to, REVALIDATION.md; "*" is every office): a new discrepancy and the open count go
/// to the offices that see it now, a resolved one to those that saw it before, a failed or
/// refused request to the office of the request's DB (or, when that DB is not an office's,
/// to the offices that see the doctor). A request is reported once per (request, state).
std::vector<notifier::RevalDigest> build_digests(
    const std::vector<storage::ClassificationSummary>& before,
    const std::vector<revalidation::Classification>& now, const std::vector<DigestOffice>& offices,
    const std::string& date);

/// True when the digest has something to report (new, resolved or failed).
bool has_news(const notifier::RevalDigest& d);

}  // namespace casegate::reval
