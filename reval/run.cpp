// SECURITY: the TIS extract and GMC Connect's answers are untrusted input; they are read by
// feeds/ with named limits and checked for plausibility before anything in force changes. The
// GMC password goes only into the SOAP body (feeds/), never into a log line. Logs carry counts,
// designated body codes and GMC numbers only.
//
// DIAGNOSTICS: a feed that cannot be fetched is logged (warn) and tried again on the next run;
// a feed that arrives but is refused is recorded in reval_snapshots with its reason and its
// office is alerted once per distinct reason, so an outage does not mail the office every hour.
#include "reval/run.hpp"

#include <spdlog/spdlog.h>

#include <set>

#include "common/clock.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "feeds/plausibility.hpp"
#include "feeds/tis_feed.hpp"
#include "notifier/compose.hpp"
#include "notifier/templates.hpp"
#include "reval/digest.hpp"
#include "revalidation/classify.hpp"
#include "storage/outbox.hpp"

namespace casegate::reval {
namespace {

namespace rv = revalidation;

std::shared_ptr<spdlog::logger> log() {
    return common::logger("reval");
}

net::HttpOptions http_options(const common::RevalidationConfig& r) {
    net::HttpOptions h;
    h.timeout_ms = static_cast<long>(r.timeout) * 1000;
    h.ca_file = r.ca_file;
    h.max_response_bytes = std::size_t{1} << 30;  // each feed applies its own, smaller limit
    return h;
}

feeds::PlausibilityPolicy policy(const common::RevalidationConfig& r) {
    feeds::PlausibilityPolicy p;
    p.max_shrink_fraction = r.max_shrink_fraction;
    p.min_previous_rows = static_cast<std::size_t>(r.min_previous_rows);
    p.max_error_fraction = r.max_error_fraction;
    return p;
}

// What came back from one feed, before anything is decided about it.
struct Fetched {
    std::string body;      ///< "" for TIS, else the DB asked
    bool reached = false;  ///< false: not fetched (transport); retried next run
    std::string refusal;   ///< the feed answered but cannot be used (recorded, alerted)
    std::vector<rv::TisPerson> persons;
    std::vector<rv::GmcDoctor> doctors;
    std::size_t errors = 0;
    std::string problem;  ///< why not reached
};

Fetched fetch_tis(const common::RevalidationConfig& r) {
    Fetched f;
    feeds::TisFeed feed;
    if (r.is_file_feed()) {
        const std::optional<std::string> bytes = common::read_file(r.tis_url);
        if (!bytes) {
            f.problem = "cannot read " + r.tis_url;
            return f;
        }
        feed = feeds::parse_tis_feed(*bytes);
    } else {
        std::vector<std::string> headers;
        if (!r.tis_token.empty()) headers.push_back("Authorization: Bearer " + r.tis_token);
        feed = while_pinging(
            [&] { return feeds::fetch_tis_feed(r.tis_url, http_options(r), headers); });
        if (feed.not_fetched) {
            f.problem = feed.fatal;
            return f;
        }
    }
    f.reached = true;
    f.refusal = feed.fatal;
    f.errors = feed.error_count;
    f.persons = std::move(feed.persons);
    return f;
}

Fetched fetch_gmc(const feeds::GmcConnectSettings& s, const common::RevalidationConfig& r,
                  const std::string& body) {
    Fetched f;
    f.body = body;
    feeds::DoctorsFetch d = while_pinging([&] {
        return feeds::fetch_doctors_for_db(s, body, feeds::new_client_request_id(),
                                           r.internal_user);
    });
    if (!d.ok && d.retryable) {
        f.problem = d.error;
        return f;
    }
    f.reached = true;
    if (!d.ok) f.refusal = d.error;  // GMC refused the request itself: fix config or account
    f.doctors = std::move(d.doctors);
    return f;
}

class Runner {
  public:
    Runner(storage::Db& db, const common::Config& cfg, rv::Date today)
        : db_(db), cfg_(cfg), today_(today), date_(today.to_string()) {}

    void take(Fetched& f) {
        const std::string_view feed = f.body.empty() ? storage::feed_tis : storage::feed_gmc;
        if (!f.reached) {
            ++stats_.unavailable;
            log()->warn("feed not fetched feed={} db={} error={}", feed, f.body, f.problem);
            return;
        }
        const std::size_t rows = f.body.empty() ? f.persons.size() : f.doctors.size();
        storage::Transaction tx(db_);
        std::string reason = f.refusal;
        if (reason.empty()) {
            const auto in_force = storage::applied_snapshot(db_, feed, f.body);
            feeds::SnapshotCounts counts;
            if (in_force) counts.previous = static_cast<std::size_t>(in_force->row_count);
            counts.current = rows;
            counts.errors = f.errors;
            const feeds::PlausibilityVerdict v =
                feeds::check_snapshot(counts, policy(cfg_.revalidation));
            reason = v.reason;
        }
        if (reason.empty()) {
            if (f.body.empty()) {
                storage::apply_tis_snapshot(db_, f.persons, f.errors);
            } else {
                storage::apply_gmc_snapshot(db_, f.body, f.doctors, today_);
            }
            tx.commit();
            ++stats_.applied;
            log()->info("snapshot applied feed={} db={} rows={} errors={}", feed, f.body, rows,
                        f.errors);
            return;
        }
        const auto latest = storage::latest_snapshot(db_, feed, f.body);
        const bool already_told = latest && latest->state == "refused" && latest->reason == reason;
        storage::record_refused_snapshot(db_, feed, f.body, rows, f.errors, reason);
        if (!already_told) alert(f.body, reason);
        tx.commit();
        ++stats_.refused;
        log()->warn("snapshot refused feed={} db={} rows={} errors={} reason={} alerted={}", feed,
                    f.body, rows, f.errors, reason, !already_told);
    }

    void classify_and_report() {
        storage::Transaction tx(db_);
        // One classifier at a time: the digest compares with what the previous one stored.
        storage::lock_classification(db_, storage::ClassificationLock::for_run);
        const std::vector<storage::ClassificationSummary> before =
            storage::load_notable_classifications(db_);
        std::vector<rv::Classification> now;
        {
            const rv::Inputs in = storage::load_inputs(db_);
            if (!in.tis.empty() || !in.gmc.empty()) now = rv::classify(in, today_);
        }
        stats_.doctors = now.size();
        stats_.changes = storage::store_classifications(db_, now, today_);
        std::vector<DigestOffice> offices;
        for (const common::OfficeConfig& o : cfg_.offices)
            offices.push_back({o.name, o.designated_body});
        const auto digests = build_digests(before, now, offices, date_);
        for (std::size_t i = 0; i < digests.size(); ++i) {
            if (!has_news(digests[i])) continue;
            const auto max = static_cast<std::size_t>(cfg_.revalidation.max_listed);
            enqueue(cfg_.offices[i], "reval_digest", notifier::reval_digest(digests[i], max));
            ++stats_.digests;
            log()->info("digest queued office_db={} new={} resolved={} failed={} open={}",
                        cfg_.offices[i].designated_body, digests[i].new_discrepancies.size(),
                        digests[i].resolved.size(), digests[i].failed_requests.size(),
                        digests[i].open_discrepancies);
        }
        tx.commit();
    }

    const RevalRunStats& stats() const { return stats_; }

  private:
    // The office of the body refused, or every office for the TIS extract (it covers them all).
    void alert(const std::string& body, const std::string& reason) {
        for (const common::OfficeConfig& o : cfg_.offices) {
            if (!body.empty() && o.designated_body != body) continue;
            enqueue(o, "reval_feed_refused",
                    notifier::reval_feed_refused(o.name, body, reason, date_));
            ++stats_.alerts;
        }
    }

    void enqueue(const common::OfficeConfig& office, const std::string& kind, notifier::Text text) {
        notifier::Notification n;
        n.kind = kind;
        n.text = std::move(text);
        n.to = office.admin_emails;
        const notifier::Identity from{cfg_.smtp.from, cfg_.smtp.from_name};
        storage::enqueue(db_, notifier::compose(from, n));
    }

    storage::Db& db_;
    const common::Config& cfg_;
    rv::Date today_;
    std::string date_;
    RevalRunStats stats_;
};

}  // namespace

std::vector<std::string> office_bodies(const common::Config& cfg) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const common::OfficeConfig& o : cfg.offices) {
        if (seen.insert(o.designated_body).second) out.push_back(o.designated_body);
    }
    return out;
}

feeds::GmcConnectSettings gmc_settings(const common::RevalidationConfig& r) {
    feeds::GmcConnectSettings s;
    s.url = r.gmc_url;
    s.credentials = {r.gmc_username, r.gmc_password};
    if (!r.gmc_namespace.empty()) s.soap.service_namespace = r.gmc_namespace;
    if (!r.gmc_soap_action.empty()) s.soap.soap_action_base = r.gmc_soap_action;
    s.http = http_options(r);
    return s;
}

rv::Date reval_today() {
    return rv::Date::parse(common::local_today()).value_or(rv::Date());
}

RevalRunStats run_revalidation(storage::Db& db, const common::Config& cfg,
                               const RevalRunScope& scope, rv::Date today) {
    const common::RevalidationConfig& r = cfg.revalidation;
    Runner run(db, cfg, today);
    // Everything is fetched before the database is touched: no transaction waits on a network.
    std::vector<Fetched> fetched;
    if (scope.tis) fetched.push_back(fetch_tis(r));
    const feeds::GmcConnectSettings settings = gmc_settings(r);
    for (const std::string& body : scope.bodies) fetched.push_back(fetch_gmc(settings, r, body));
    for (Fetched& f : fetched) {
        try {
            run.take(f);
        } catch (const std::invalid_argument& e) {
            // Data the storage layer refuses (a repeated id, an untagged row): the feed's fault.
            log()->error("snapshot not stored feed_db={} error={}", f.body, e.what());
        }
        f = Fetched{};  // free the rows as soon as they are stored
    }
    run.classify_and_report();
    return run.stats();
}

}  // namespace casegate::reval
