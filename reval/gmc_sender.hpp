// The sender of admins' GMC Connect requests (TryAddDoctor / TryRemoveDoctor): takes due
// requests one at a time under a lease, calls GMC outside any transaction, and records the
// answer. 0 and 100 succeed; 70-160 are refusals kept with GMC's text and never retried;
// anything else (no answer, HTTP errors, faults, unknown codes) is failed and retried with
// back-off until it succeeds (REVALIDATION.md, "Actions an admin can take").
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "feeds/gmc_client.hpp"
#include "storage/pg.hpp"
#include "storage/revalidation.hpp"

namespace casegate::reval {

struct GmcSendStats {
    int succeeded = 0;
    int refused = 0;
    int failed = 0;
    /// Designated bodies whose connections changed at GMC (a success): their lists are fetched
    /// again so that the change shows at once rather than at the next scheduled run.
    std::vector<std::string> changed_bodies;

    int finished() const { return succeeded + refused + failed; }
};

/// The answer to record for GMC's reply to one request.
storage::GmcRequestOutcome outcome_of(const feeds::GmcCallResult& r);

/// Sends up to cfg.revalidation.requests_per_turn due requests; stops early when `stop` is
/// set. One request's failure (even an exception) never stops the others. Throws only for
/// database errors while leasing.
GmcSendStats send_gmc_requests(storage::Db& db, const common::Config& cfg,
                               const std::atomic<bool>& stop);

}  // namespace casegate::reval
