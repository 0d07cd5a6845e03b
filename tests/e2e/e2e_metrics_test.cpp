// End-to-end: the daemon's /metrics, scraped while it runs: the counts move as a referral
// becomes a case and its notifications are sent, a failing source is counted, and the text is
// Prometheus's format.
#include <sys/stat.h>

#include <fstream>

#include "net/curl.hpp"
#include "tests/e2e/e2e_support.hpp"

using namespace casegate::e2e;

namespace {

// The value of the sample `name{labels}` (labels as written in the text), or -1 when absent.
double sample(const std::string& text, const std::string& series) {
    const std::size_t at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
}

std::string scrape(int port) {
    const casegate::net::HttpResponse r =
        casegate::net::http_get("http://127.0.0.1:" + std::to_string(port) + "/metrics");
    return r.ok && r.status == 200 ? "\n" + r.body : std::string();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(e2e)

BOOST_FIXTURE_TEST_CASE(metrics_move_while_the_daemon_runs, Fresh) {
    TestDb db;
    ConfigOptions opt;
    const int port = test_port(65);
    opt.metrics_listen = "127.0.0.1:" + std::to_string(port);
    // A form endpoint nobody answers at: every poll of it fails.
    opt.extra = "[[form_endpoint]]\nname = \"web\"\nurl = \"http://127.0.0.1:" +
                std::to_string(test_port(66)) + "\"\ntoken_file = \"" + "TOKEN" +
                "\"\npoll_interval = 5\n";
    TestConfig cfg(db, opt);
    {
        // token_file must exist: write it beside the configuration.
        const std::string token = cfg.dir() + "/web-token";
        std::ofstream(token) << "metrics-test-token-0123456789\n";
        chmod(token.c_str(), 0600);
        std::string text = read_file(cfg.path());
        text.replace(text.find("\"TOKEN\""), 7, "\"" + token + "\"");
        std::ofstream(cfg.path()) << text;
    }
    Process daemon({casegate_binary(), "run", "--config", cfg.path()}, {}, cfg.dir() + "/log");
    std::string before;
    // poll_failures_total counts a failed poll of any source (the mailbox's too, should one
    // fail), so the web endpoint's own count is waited for as well.
    BOOST_REQUIRE(eventually([&] {
        before = scrape(port);
        return sample(before, "casegate_poll_failures_total") >= 1 &&
               sample(before, "casegate_source_poll_errors{source=\"web\"}") >= 1;
    }, std::chrono::seconds(30)));
    BOOST_TEST(before.find("# TYPE casegate_parse_worker_restarts_total counter") != std::string::npos);
    BOOST_TEST(sample(before, "casegate_database_up") == 1);
    BOOST_TEST(sample(before, "casegate_cases{status=\"submitted\"}") == -1);
    for (const std::string& line : log_lines(cfg.dir() + "/log", "poll failed"))
        BOOST_TEST_MESSAGE(line);

    deliver("referrals", referral(81, "7081001"));
    std::string after;
    BOOST_REQUIRE(eventually([&] {
        after = scrape(port);
        return sample(after, "casegate_cases{status=\"submitted\"}") == 1 &&
               sample(after, "casegate_outbox{state=\"sent\"}") == 2;
    }, std::chrono::seconds(60)));
    BOOST_TEST(sample(after, "casegate_items{state=\"processed\",verdict=\"complete\"}") == 1);
    BOOST_TEST(sample(after, "casegate_source_items_stored{source=\"referrals\"}") == 1);
    BOOST_TEST(sample(after, "casegate_source_last_success_timestamp_seconds{source=\"referrals\"}") >
               1.7e9);
    BOOST_TEST(sample(after, "casegate_source_last_success_timestamp_seconds{source=\"web\"}") == -1);
    BOOST_TEST(sample(after, "casegate_outbox_oldest_pending_seconds") == 0);
    // Only /metrics is served there.
    BOOST_TEST(casegate::net::http_get("http://127.0.0.1:" + std::to_string(port) + "/").status == 404);
    stop_with_sigterm(daemon);
}

// The database goes away under a running daemon (dropped, its connections ended): the scrape
// still answers, from the process, and says so (casegate_database_up 0).
BOOST_FIXTURE_TEST_CASE(metrics_say_when_the_database_is_away, Fresh) {
    TestDb db;
    ConfigOptions opt;
    const int port = test_port(70);
    opt.metrics_listen = "127.0.0.1:" + std::to_string(port);
    TestConfig cfg(db, opt);
    Process daemon({casegate_binary(), "run", "--config", cfg.path()}, {}, cfg.dir() + "/log");
    BOOST_REQUIRE(eventually([&] { return sample(scrape(port), "casegate_database_up") == 1; },
                             std::chrono::seconds(30)));
    const std::string name = db.conninfo().substr(db.conninfo().rfind("dbname=") + 7);
    casegate::storage::Db admin(Services::get().pg_admin_conninfo);
    admin.exec("DROP DATABASE " + name + " WITH (FORCE)");
    std::string away;
    BOOST_REQUIRE(eventually([&] {
        away = scrape(port);
        return sample(away, "casegate_database_up") == 0;
    }, std::chrono::seconds(30)));
    BOOST_TEST(sample(away, "casegate_process_uptime_seconds") > 0);
    BOOST_TEST(away.find("casegate_cases{") == std::string::npos);  // nothing from the database
    // SIGTERM still stops it within seconds: the database's reconnection back-off (up to 11 s)
    // is not sat out (storage::stop_retrying).
    stop_with_sigterm(daemon);
}

BOOST_AUTO_TEST_SUITE_END()
