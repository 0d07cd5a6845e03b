#include "daemon/metrics.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>

#include "common/log.hpp"
#include "daemon/oauth2_tokens.hpp"
#include "http/metrics.hpp"
#include "http/server.hpp"
#include "intake/parse_worker.hpp"
#include "storage/operations.hpp"

namespace casegate::daemon {

namespace {

std::atomic<std::int64_t> g_poll_failures{0};

struct Described {
    const char* family;
    const char* type;
    const char* help;
};

// The families read from the database (storage::metric_rows), in the order shown.
constexpr Described kFromDatabase[] = {
    {"items", "gauge", "Received items by state (received = waiting) and verdict."},
    {"cases", "gauge", "Cases by status."},
    {"submissions_incomplete", "gauge", "Submissions waiting for the referrer's answer."},
    {"outbox", "gauge", "Notifications by state."},
    {"outbox_oldest_pending_seconds", "gauge", "Age of the oldest pending notification."},
    {"source_last_success_timestamp_seconds", "gauge",
     "When each mailbox or form endpoint was last polled successfully (Unix time)."},
    {"source_poll_errors", "counter", "Polls of each source that failed, by every process."},
    {"source_items_stored", "counter", "Items stored from each source, by every process."},
    {"revalidation_last_success_timestamp_seconds", "gauge",
     "When the revalidation check last completed (Unix time)."},
    {"revalidation_snapshot_rows", "gauge",
     "Rows of the latest applied snapshot per feed and designated body."},
    {"gmc_requests", "gauge", "GMC Connect requests by state."},
};

}  // namespace

struct MetricsEndpoint::Impl {
    std::mutex mutex;  // one scrape at a time on the one connection
    storage::Db db;
    http::Server server;
    const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    explicit Impl(const std::string& conninfo) : db(conninfo) {}

    std::vector<http::Family> families() {
        std::vector<http::Family> out;
        bool database_up = true;
        std::vector<storage::MetricRow> rows;
        try {
            const std::lock_guard<std::mutex> lock(mutex);
            rows = storage::metric_rows(db);
        } catch (const storage::DbError& e) {
            database_up = false;
            common::logger("metrics")->warn("metrics without the database: {}", e.what());
        }
        for (const Described& d : kFromDatabase) {
            http::Family f{std::string("casegate_") + d.family, d.type, d.help, {}};
            for (const storage::MetricRow& r : rows)
                if (r.family == d.family) f.samples.push_back({r.labels, r.value});
            if (!f.samples.empty()) out.push_back(std::move(f));
        }
        out.push_back({"casegate_database_up",
                       "gauge",
                       "1 when the database answered this scrape.",
                       {{{}, database_up ? 1.0 : 0.0}}});
        out.push_back({"casegate_parse_worker_restarts_total",
                       "counter",
                       "Parse workers lost (crash, timeout, limit) and replaced, this process.",
                       {{{}, static_cast<double>(intake::parse_workers_lost_total())}}});
        out.push_back({"casegate_poll_failures_total",
                       "counter",
                       "Polls that failed in this process (any source).",
                       {{{}, static_cast<double>(g_poll_failures.load())}}});
        add_oauth2(out);
        out.push_back({"casegate_process_uptime_seconds",
                       "gauge",
                       "Seconds since this process started.",
                       {{{},
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                             .count()}}});
        return out;
    }

    // The [[oauth2]] clients' tokens, as this process holds them.
    static void add_oauth2(std::vector<http::Family>& out) {
        const std::vector<TokenState> states = oauth2_states();
        if (states.empty()) return;
        http::Family valid{"casegate_oauth2_token_valid",
                           "gauge",
                           "1 while this process holds a valid access token of the client.",
                           {}};
        http::Family expiry{"casegate_oauth2_token_expiry_timestamp_seconds",
                            "gauge",
                            "When the client's access token expires (Unix time).",
                            {}};
        http::Family renewed{"casegate_oauth2_last_renewal_timestamp_seconds",
                             "gauge",
                             "When a token of the client was last obtained (Unix time).",
                             {}};
        http::Family renewals{"casegate_oauth2_renewals_total",
                              "counter",
                              "Access tokens obtained, this process.",
                              {}};
        http::Family failures{"casegate_oauth2_renewal_failures_total",
                              "counter",
                              "Token requests that gave no token, this process.",
                              {}};
        http::Family secret{"casegate_oauth2_client_secret_expiry_timestamp_seconds",
                            "gauge",
                            "When the client secret expires (client_secret_expires).",
                            {}};
        for (const TokenState& s : states) {
            const std::vector<std::pair<std::string, std::string>> l{{"client", s.client}};
            valid.samples.push_back({l, s.usable ? 1.0 : 0.0});
            if (s.usable) expiry.samples.push_back({l, s.expires_at});
            if (s.last_renewed_at > 0) renewed.samples.push_back({l, s.last_renewed_at});
            renewals.samples.push_back({l, static_cast<double>(s.renewals)});
            failures.samples.push_back({l, static_cast<double>(s.failures)});
            if (s.secret_expires_at > 0) secret.samples.push_back({l, s.secret_expires_at});
        }
        for (http::Family* f : {&valid, &expiry, &renewed, &renewals, &failures, &secret})
            if (!f->samples.empty()) out.push_back(std::move(*f));
    }
};

MetricsEndpoint::MetricsEndpoint(const std::string& listen, const std::string& conninfo) {
    if (listen.empty()) return;
    impl_ = std::make_unique<Impl>(conninfo);
    Impl* impl = impl_.get();
    const int failed = impl_->server.start(
        {"metrics", listen, 1, 1024, "", "", {}}, [impl](const http::Request& req) {
            return http::metrics_only(req, [impl] { return impl->families(); });
        });
    if (failed != 0) {
        common::logger("metrics")->error("no metrics endpoint: cannot listen on {}", listen);
        impl_.reset();
    }
}

MetricsEndpoint::~MetricsEndpoint() = default;

void MetricsEndpoint::count_poll_failure() {
    g_poll_failures.fetch_add(1);
}

}  // namespace casegate::daemon
