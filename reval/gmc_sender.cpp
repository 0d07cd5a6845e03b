// SECURITY: requests come from the database (written by admins through `casegate reval`); each
// value is escaped into the SOAP body by feeds/, and one XML cannot carry is refused for good.
// Logs carry the request id, GMC number, designated body and GMC's return code only.
#include "reval/gmc_sender.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "common/log.hpp"
#include "reval/run.hpp"

namespace casegate::reval {
namespace {

namespace rv = revalidation;

std::string_view outcome_word(rv::GmcOutcome o) {
    switch (o) {
        case rv::GmcOutcome::success:
            return "succeeded";
        case rv::GmcOutcome::refused:
            return "refused";
        case rv::GmcOutcome::retryable:
            break;
    }
    return "failed";
}

feeds::GmcCallResult call(const feeds::GmcConnectSettings& s, const storage::LeasedGmcRequest& q) {
    const feeds::TryDoctorRequest r{q.gmc_number, q.designated_body, q.reason_code,
                                    q.client_request_id, q.requested_by};
    try {
        return while_pinging([&] {
            return q.action == rv::GmcRequestKind::add ? feeds::try_add_doctor(s, r)
                                                       : feeds::try_remove_doctor(s, r);
        });
    } catch (const std::invalid_argument& e) {
        // A value XML cannot carry: sending it again would fail the same way.
        feeds::GmcCallResult refused;
        refused.outcome = rv::GmcOutcome::refused;
        refused.text = std::string("request not sendable: ") + e.what();
        return refused;
    }
}

}  // namespace

storage::GmcRequestOutcome outcome_of(const feeds::GmcCallResult& r) {
    storage::GmcRequestOutcome o;
    o.outcome = r.outcome;
    o.return_code = r.return_code;
    o.gmc_request_id = r.gmc_request_id;
    o.text = r.text;
    return o;
}

GmcSendStats send_gmc_requests(storage::Db& db, const common::Config& cfg,
                               const std::atomic<bool>& stop) {
    const common::RevalidationConfig& rc = cfg.revalidation;
    const feeds::GmcConnectSettings settings = gmc_settings(rc);
    // Long enough for one call and its recording; an expired lease makes the request due again.
    const int lease_seconds = rc.timeout + 60;
    GmcSendStats stats;
    for (int n = 0; n < rc.requests_per_turn && !stop; ++n) {
        const std::vector<storage::LeasedGmcRequest> leased =
            storage::lease_gmc_requests(db, 1, lease_seconds);
        if (leased.empty()) break;
        const storage::LeasedGmcRequest& q = leased.front();
        const feeds::GmcCallResult answer = call(settings, q);
        try {
            const bool recorded = storage::finish_gmc_request(db, q.id, outcome_of(answer),
                                                              rc.retry_initial, rc.retry_max);
            if (!recorded) {
                common::logger("gmc")->warn("gmc request answer not recorded (lease lost) id={}",
                                            q.id);
                continue;
            }
        } catch (const storage::DbError& e) {
            // The lease runs out and the request is sent again with the same client request
            // id; GMC answers a repeated add with 100 (already associated).
            common::logger("gmc")->error("gmc request answer not recorded id={} error={}", q.id,
                                         e.what());
            continue;
        }
        switch (answer.outcome) {
            case rv::GmcOutcome::success:
                ++stats.succeeded;
                if (std::find(stats.changed_bodies.begin(), stats.changed_bodies.end(),
                              q.designated_body) == stats.changed_bodies.end() &&
                    cfg.office_of_body(q.designated_body) != nullptr) {
                    stats.changed_bodies.push_back(q.designated_body);
                }
                break;
            case rv::GmcOutcome::refused:
                ++stats.refused;
                break;
            case rv::GmcOutcome::retryable:
                ++stats.failed;
                break;
        }
        // GMC's code text or the transport's error: fixed wording, no personal data.
        // The GMC number only at debug: being named in a request can itself be sensitive.
        common::logger("gmc")->info(
            "gmc request finished id={} action={} db={} outcome={} code={} attempt={} detail={}",
            q.id, rv::to_string(q.action), q.designated_body, outcome_word(answer.outcome),
            answer.return_code ? std::to_string(*answer.return_code) : std::string("none"),
            q.attempts, answer.text);
        common::logger("gmc")->debug("gmc request finished id={} gmc={}", q.id, q.gmc_number);
    }
    return stats;
}

}  // namespace casegate::reval
