#include "daemon/run.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <map>
#include <mutex>
#include <thread>

#include "cases/digest.hpp"
#include "cases/outgoing.hpp"
#include "cases/purge.hpp"
#include "cases/service.hpp"
#include "common/config.hpp"
#include "common/log.hpp"
#include "common/watchdog.hpp"
#include "daemon/metrics.hpp"
#include "daemon/sources.hpp"
#include "intake/pipeline.hpp"
#include "net/curl.hpp"
#include "notifier/outbox_worker.hpp"
#include "reval/gmc_sender.hpp"
#include "reval/run.hpp"
#include "storage/coordination.hpp"
#include "storage/migrations.hpp"
#include "storage/operations.hpp"

namespace casegate::daemon {

using common::watchdog_init;
using intake::Pipeline;
using intake::ProcessStats;
using reval::GmcSendStats;
using reval::RevalRunScope;
using reval::RevalRunStats;

namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};

void on_signal(int sig) {
    if (sig == SIGHUP) {
        g_reload = true;
    } else {
        g_stop = true;
        storage::stop_retrying();  // no back-off sat out while the database is away
    }
}

void install_signals() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);
}

using Clock = std::chrono::steady_clock;

// The full revalidation check's row in `schedules`, and how soon a failed run is tried again.
constexpr const char* kRevalSchedule = "revalidation";
// Processing threads, each with its own connection and parse worker: two overlap one's round
// trips to PostgreSQL with the other's on a 2-core machine.
constexpr int kProcessors = 2;
constexpr int kRevalRetrySeconds = 300;

class Daemon {
  public:
    Daemon(common::Config cfg, std::string path) : cfg_(std::move(cfg)), path_(std::move(path)) {
        build();
    }

    int run(bool once) {
        if (!connect_and_migrate(once)) return once ? 1 : 0;
        sd_notify(0, "READY=1\nSTATUS=polling");
        common::logger("daemon")->info("started sources={} once={}", sources_.size(), once);
        // The running daemon only: a `run --once` is over before anyone could scrape it.
        std::unique_ptr<MetricsEndpoint> metrics;
        if (!once)
            metrics =
                std::make_unique<MetricsEndpoint>(cfg_.metrics_listen, cfg_.database_conninfo);
        if (once) {
            cycle(true);
            common::logger("daemon")->info("finished once");
            return 0;
        }
        while (!g_stop) {
            if (g_reload.exchange(false)) reload();
            cycle(false);
            common::watchdog_ping();
            wait_a_little(std::chrono::seconds(1));
        }
        sd_notify(0, "STOPPING=1\nSTATUS=stopping");
        common::logger("daemon")->info("stopped");
        return 0;
    }

  private:
    void build() {
        pipelines_.clear();
        db_ = std::make_unique<storage::Db>(cfg_.database_conninfo);
        try {
            // A case changed straight in the database wakes the loop (0007_case_events).
            db_->listen("casegate_case_events");
        } catch (const storage::DbError&) {
            // Not connected yet: the connection made by the next statement listens.
        }
        pipeline_dbs_.clear();
        for (int i = 0; i < kProcessors; ++i)
            pipeline_dbs_.push_back(std::make_unique<storage::Db>(cfg_.database_conninfo));
        sources_.clear();
        next_poll_.clear();
        oauth2_ = std::make_unique<OAuth2Clients>(cfg_.oauth2_clients);
        for (const auto& m : cfg_.mailboxes)
            sources_.push_back(make_source(m, cfg_.limits, oauth2_->find(m.oauth2)));
        for (const auto& f : cfg_.form_endpoints)
            sources_.push_back(make_form_source(f, cfg_.limits));
        net::Options o;
        o.url = cfg_.smtp.url;
        o.user = cfg_.smtp.user;
        o.password = cfg_.smtp.password;
        o.oauth2_token = cfg_.smtp.oauth2_token;
        o.allow_plaintext = net::is_loopback_url(cfg_.smtp.url);
        o.timeout_ms = 60000;
        smtp_ = std::make_unique<net::Session>(o);
        smtp_oauth2_ = oauth2_->find(cfg_.smtp.oauth2);
        for (auto& db : pipeline_dbs_) pipelines_.push_back(std::make_unique<Pipeline>(cfg_, *db));
    }

    bool connect_and_migrate(bool once) {
        auto delay = std::chrono::seconds(1);
        while (!g_stop) {
            try {
                const int applied = storage::migrate(*db_);
                if (applied) common::logger("daemon")->info("schema migrated steps={}", applied);
                return true;
            } catch (const storage::DbError& e) {
                common::logger("daemon")->error("database unavailable error={}", e.what());
                if (once && !e.is_connection()) return false;
                sd_notify(0, "STATUS=waiting for the database");
            }
            sleep_a_little(delay);
            delay = std::min(delay * 2, std::chrono::seconds(30));
        }
        return false;
    }

    // For `casegate status`: when each source was last polled and how it went. Never fails a
    // poll: with the database away, the poll itself has failed already.
    void record_poll(const std::string& source, const std::string& error, int stored) {
        try {
            storage::record_poll(*db_, source, error, stored);
        } catch (const storage::DbError& e) {
            common::logger("daemon")->debug("poll not recorded source={} error={}", source,
                                            e.what());
        }
    }

    void poll_sources(bool all, const StoredFn& on_stored) {
        const auto now = Clock::now();
        for (std::size_t i = 0; i < sources_.size() && !g_stop; ++i) {
            auto& next = next_poll_[i];
            if (!all && now < next) continue;
            next = now + std::chrono::seconds(sources_[i]->poll_interval());
            try {
                const std::optional<PollStats> polled =
                    poll_exclusively(*sources_[i], *db_, g_stop, on_stored);
                if (!polled) {
                    common::logger("daemon")->debug(
                        "poll skipped source={}: another process is polling it",
                        sources_[i]->name());
                    continue;
                }
                const PollStats& s = *polled;
                record_poll(sources_[i]->name(), "", s.stored);
                if (s.stored || s.acknowledged) {
                    common::logger("daemon")->info(
                        "polled source={} stored={} acknowledged={} oversized={}",
                        sources_[i]->name(), s.stored, s.acknowledged, s.oversized);
                }
            } catch (const std::exception& e) {
                common::logger("daemon")->error("poll failed source={} error={}",
                                                sources_[i]->name(), e.what());
                record_poll(sources_[i]->name(), e.what(), 0);
                MetricsEndpoint::count_poll_failure();
            }
        }
    }

    // Processing runs beside polling, on kProcessors threads with a connection and a parse
    // worker each: each group of stored items is processed (parsed, turned into cases) while
    // the sources fetch the next ones, and the processors share the due items through their
    // claims (storage/inbound.hpp), as processes on one database do, so their round trips to
    // PostgreSQL overlap. Each starts with whatever is already due, runs again after each
    // stored group, and once more after the last poll, so nothing stored in this turn waits
    // for the next one.
    void poll_and_process(bool all) {
        std::mutex m;
        std::condition_variable cv;
        bool polling = true;
        std::uint64_t stored = 1;  // groups stored so far; each processor runs once at the start
        std::vector<ProcessStats> stats(pipelines_.size());
        std::vector<std::thread> workers;
        for (std::size_t i = 0; i < pipelines_.size(); ++i) {
            workers.emplace_back([&, i] {
                bool failed = false;
                std::uint64_t seen = 0;
                for (;;) {
                    bool last = false;
                    {
                        std::unique_lock<std::mutex> lock(m);
                        cv.wait(lock, [&] { return stored != seen || !polling; });
                        last = !polling;
                        seen = stored;
                    }
                    if (!failed) failed = !process(*pipelines_[i], stats[i]);
                    if (last) return;
                }
            });
        }
        poll_sources(all, [&] {
            const std::lock_guard<std::mutex> lock(m);
            ++stored;
            cv.notify_all();
        });
        {
            const std::lock_guard<std::mutex> lock(m);
            polling = false;
            cv.notify_all();
        }
        for (std::thread& w : workers) w.join();
        ProcessStats p;
        for (const ProcessStats& s : stats) p += s;
        if (p.cases || p.incomplete || p.threaded || p.held || p.set_aside || p.duplicates ||
            p.quarantined || p.retry_later) {
            common::logger("daemon")->info(
                "processed cases={} incomplete={} threaded={} held={} set_aside={} duplicates={} "
                "quarantined={} retry={}",
                p.cases, p.incomplete, p.threaded, p.held, p.set_aside, p.duplicates, p.quarantined,
                p.retry_later);
            report_status(p);
        }
    }

    // Processes what is due; false when processing had to stop (it is tried again next turn).
    static bool process(Pipeline& pipeline, ProcessStats& total) {
        try {
            const ProcessStats p = pipeline.process_due(g_stop);
            total += p;
            return true;
        } catch (const std::exception& e) {
            common::logger("daemon")->error("processing stopped error={}", e.what());
            return false;
        }
    }

    void cycle(bool all) {
        poll_and_process(all);
        try {
            // Changes another system wrote straight into the database, told like any other.
            while (!g_stop && cases::tell_database_changes(*db_, cfg_) > 0) {
            }
        } catch (const std::exception& e) {
            common::logger("daemon")->error("database changes not told error={}", e.what());
        }
        purge_daily();
        try {
            if (const int n = cases::send_triage_digests(*db_, cfg_, false); n > 0)
                common::logger("daemon")->info("triage digests offices={}", n);
        } catch (const std::exception& e) {
            common::logger("daemon")->error("triage digests failed error={}", e.what());
        }
        revalidate(all);
        try {
            oauth2_->alert_admins(*db_, cfg_);
        } catch (const std::exception& e) {
            common::logger("daemon")->error("oauth2 alerts not recorded error={}", e.what());
        }
        drain_outbox();
    }

    void drain_outbox() {
        std::string token;
        if (smtp_oauth2_) {
            try {
                token = smtp_oauth2_->token();
            } catch (const TokenError& e) {
                // Logged by the client when it changes; the messages wait in the outbox.
                common::logger("daemon")->debug("outbox waits error={}", e.what());
                return;
            }
            smtp_->set_oauth2_token(token);
        }
        try {
            const notifier::OutboxPolicy policy{cfg_.outbox.retry_initial, cfg_.outbox.retry_max,
                                                cfg_.outbox.max_attempts};
            const auto d = notifier::drain_outbox(*db_, *smtp_, policy, g_stop);
            if (d.sent || d.retried || d.failed) {
                common::logger("daemon")->info("outbox sent={} retry={} failed={}", d.sent,
                                               d.retried, d.failed);
            }
            if (smtp_oauth2_ && d.login_refused) smtp_oauth2_->refused(token);
            if (smtp_oauth2_ && d.sent > 0 && !d.login_refused) smtp_oauth2_->accepted(token);
        } catch (const std::exception& e) {
            common::logger("daemon")->error("outbox stopped error={}", e.what());
        }
    }

    // The retention purge, once a day across every process sharing the database.
    void purge_daily() {
        if (cfg_.retention_days <= 0 || g_stop) return;
        try {
            if (!storage::claim_schedule(*db_, "retention_purge", 86400)) return;
            cases::purge(*db_, cfg_, true, "casegate");
            storage::schedule_succeeded(*db_, "retention_purge");
        } catch (const std::exception& e) {
            common::logger("daemon")->error("retention purge failed error={}", e.what());
        }
    }

    // Admins' GMC requests every turn; the full check on its interval (and in --once), once per
    // interval across every process sharing the database. A request that finished is shown at
    // once: the bodies it changed are fetched again and everyone is classified again.
    void revalidate(bool all) {
        const common::RevalidationConfig& r = cfg_.revalidation;
        if (!r.enabled || g_stop) return;
        GmcSendStats sent;
        try {
            sent = reval::send_gmc_requests(*db_, cfg_, g_stop);
            if (sent.finished()) {
                common::logger("daemon")->info("gmc requests succeeded={} refused={} failed={}",
                                               sent.succeeded, sent.refused, sent.failed);
            }
        } catch (const std::exception& e) {
            common::logger("daemon")->error("gmc requests stopped error={}", e.what());
        }
        // The full check's schedule is in the database, shared by every process: the one that
        // claims a due run does it, and the others leave it.
        RevalRunScope scope;
        bool scheduled = false;
        try {
            scheduled = storage::claim_schedule(*db_, kRevalSchedule, r.interval, all);
        } catch (const std::exception& e) {
            common::logger("daemon")->error("revalidation schedule unavailable error={}", e.what());
        }
        if (scheduled) {
            scope.bodies = reval::office_bodies(cfg_);
        } else if (sent.finished() > 0) {
            scope.tis = false;
            scope.bodies = sent.changed_bodies;
        } else {
            return;
        }
        try {
            const RevalRunStats st =
                reval::run_revalidation(*db_, cfg_, scope, reval::reval_today());
            common::logger("daemon")->info(
                "revalidation run applied={} refused={} unavailable={} alerts={} doctors={} "
                "inserted={} updated={} removed={} history={} digests={}",
                st.applied, st.refused, st.unavailable, st.alerts, st.doctors, st.changes.inserted,
                st.changes.updated, st.changes.removed, st.changes.history, st.digests);
            if (scheduled) storage::schedule_succeeded(*db_, kRevalSchedule);
        } catch (const std::exception& e) {
            common::logger("daemon")->error("revalidation run failed error={}", e.what());
            if (!scheduled) return;
            // Try again soon rather than in an hour; a database outage is usually short.
            try {
                storage::schedule_failed(*db_, kRevalSchedule, e.what(), kRevalRetrySeconds);
            } catch (const std::exception& again) {
                common::logger("daemon")->error("revalidation schedule not updated error={}",
                                                again.what());
            }
        }
    }

    void reload() {
        try {
            common::Config fresh = common::load_config(path_);
            cases::use_texts(fresh);  // the operator's texts, read again
            // A key that needs a restart keeps its running value (common/settings.cpp says which).
            const common::ReloadPlan plan = common::plan_reload(cfg_, fresh);
            for (const auto& key : plan.kept) {
                common::logger("daemon")->warn(
                    "reload: key {} changed but needs a restart; keeping the running value", key);
            }
            for (const auto& key : plan.applied)
                common::logger("daemon")->info("reload: key {} changed", key);
            common::init_logging(fresh.log_level);
            cfg_ = std::move(fresh);
            build();
            sd_notify(0, "RELOADING=0\nSTATUS=configuration reloaded");
            common::logger("daemon")->info("configuration reloaded sources={}", sources_.size());
        } catch (const std::exception& e) {
            common::logger("daemon")->error(
                "reload refused, keeping the running configuration error={}", e.what());
        }
    }

    // Up to `total`, or until a case is changed in the database (a NOTIFY on the main
    // connection), a signal or a reload.
    void wait_a_little(std::chrono::milliseconds total) {
        const auto until = Clock::now() + total;
        while (!g_stop && !g_reload && Clock::now() < until) {
            bool woken = false;
            try {
                woken = db_->wait_for_notification(std::chrono::milliseconds(100));
            } catch (const std::exception& e) {
                common::logger("daemon")->debug("wait for database changes error={}", e.what());
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
            common::watchdog_ping();
            if (woken) return;
        }
    }

    static void sleep_a_little(std::chrono::microseconds total) {
        const auto until = Clock::now() + total;
        while (!g_stop && !g_reload && Clock::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            common::watchdog_ping();
        }
    }

    // What `systemctl status` shows: running, and what has become of the items since start.
    void report_status(const ProcessStats& p) {
        totals_ += p;
        const std::string status = "STATUS=running; since start: " + std::to_string(totals_.cases) +
                                   " cases, " + std::to_string(totals_.incomplete) +
                                   " incomplete, " + std::to_string(totals_.threaded) +
                                   " answers and follow-ups, " + std::to_string(totals_.held) +
                                   " held, " + std::to_string(totals_.set_aside) + " set aside, " +
                                   std::to_string(totals_.duplicates) + " duplicates, " +
                                   std::to_string(totals_.quarantined) + " quarantined";
        sd_notify(0, status.c_str());
    }

    ProcessStats totals_;
    common::Config cfg_;
    std::string path_;
    std::unique_ptr<storage::Db> db_;                         ///< sources, revalidation, outbox
    std::vector<std::unique_ptr<storage::Db>> pipeline_dbs_;  ///< processing, one per thread
    std::vector<std::unique_ptr<Source>> sources_;
    std::map<std::size_t, Clock::time_point> next_poll_;
    std::unique_ptr<net::Session> smtp_;
    std::unique_ptr<OAuth2Clients> oauth2_;
    std::shared_ptr<OAuth2Client> smtp_oauth2_;  ///< [smtp] oauth2's client; null for none
    std::vector<std::unique_ptr<Pipeline>> pipelines_;
};

}  // namespace

int run_daemon(const std::string& config_path, bool once) {
    common::Config cfg;
    try {
        cfg = common::load_config(config_path);
        cases::use_texts(cfg);
    } catch (const common::ConfigError& e) {
        common::init_logging("info");
        common::logger("daemon")->critical("bad configuration: {}", e.what());
        return 78;  // EX_CONFIG
    }
    common::init_logging(cfg.log_level);
    install_signals();
    watchdog_init();
    Daemon d(std::move(cfg), config_path);
    return d.run(once);
}

}  // namespace casegate::daemon
