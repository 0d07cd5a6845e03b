// One revalidation run (docs/revalidation.md, "The daemon's run"): fetch the TIS extract and
// GMC Connect's GetDoctorsForDB for each office's designated body, apply each snapshot that
// passes the plausibility check (a refused one is recorded, the previous one stands and the
// office is alerted), classify every doctor as of today, store the classifications, and queue
// one digest per office that has news. Network calls happen outside any transaction; each
// snapshot and the classification with its digests are committed on their own, emails in the
// same transaction as the change they report.
#pragma once

#include <chrono>
#include <cstddef>
#include <future>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "common/watchdog.hpp"
#include "feeds/gmc_client.hpp"
#include "revalidation/model.hpp"
#include "storage/pg.hpp"
#include "storage/revalidation.hpp"

namespace casegate::reval {

/// Which feeds a run fetches. The classification and the digests are always redone.
struct RevalRunScope {
    bool tis = true;
    std::vector<std::string> bodies;  ///< designated bodies asked of GMC Connect
};

struct RevalRunStats {
    int applied = 0;      ///< snapshots applied
    int refused = 0;      ///< snapshots refused (plausibility, or GMC refusing the request)
    int unavailable = 0;  ///< feeds not reached (transport failures; retried next run)
    int alerts = 0;       ///< refusal alerts queued
    int digests = 0;      ///< digests queued
    std::size_t doctors = 0;
    storage::ClassificationChanges changes;
};

/// The distinct designated bodies of the configured offices, in configuration order.
std::vector<std::string> office_bodies(const common::Config& cfg);

/// GMC Connect's settings from the configuration.
feeds::GmcConnectSettings gmc_settings(const common::RevalidationConfig& r);

/// Today in local time, as the rules' `today` (common/clock.hpp's local_today() as a Date).
revalidation::Date reval_today();

/// Runs the steps above for `scope`. A feed's failure is logged and counted, never thrown;
/// throws storage::DbError (or std::exception) only when the database step fails.
RevalRunStats run_revalidation(storage::Db& db, const common::Config& cfg,
                               const RevalRunScope& scope, revalidation::Date today);

/// Runs `fn` on another thread, pinging the systemd watchdog while it waits, so that a slow
/// network call is not mistaken for a hung daemon.
template <typename Fn>
auto while_pinging(Fn fn) -> decltype(fn()) {
    auto result = std::async(std::launch::async, std::move(fn));
    while (result.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready) {
        common::watchdog_ping();
    }
    return result.get();
}

}  // namespace casegate::reval
