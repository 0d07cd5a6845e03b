// OAuth 2.0 sign-in as Microsoft 365 and NHSmail want it, against real servers: a local token
// service (tests/support/oauth2_server.py: issue, introspect, expire, refuse), Dovecot checking
// each XOAUTH2 token with the service's introspection (scripts/dev-services), and an SMTP
// server doing the same (tests/support/smtp_xoauth2.py). Nobody hands casegate a token: it
// obtains them, renews them when they expire or are revoked, carries a rotated refresh token
// over a restart, and tells the admins once when none can be had.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/clock.hpp"
#include "daemon/oauth2_tokens.hpp"
#include "net/curl.hpp"
#include "revalidation/model.hpp"
#include "tests/e2e/e2e_support.hpp"

using namespace casegate::e2e;
namespace cg = casegate;

namespace {

constexpr const char* kClientId = "11111111-2222-3333-4444-555555555555";
constexpr const char* kSecret = "client-secret-of-the-test-app";

class TokenService {
  public:
    explicit TokenService(int port, const std::string& refresh_token = {}, int lifetime = 3600)
        : port_(port),
          log_("/tmp/casegate-oauth2-" + std::to_string(getpid()) + "-" + std::to_string(port) +
               ".jsonl") {
        std::remove(log_.c_str());
        std::vector<std::string> argv{"/usr/bin/python3",
                                      std::string(CASEGATE_SOURCE_DIR) +
                                          "/tests/support/oauth2_server.py",
                                      "--port", std::to_string(port), "--client-id", kClientId,
                                      "--client-secret", kSecret, "--user", "referrals",
                                      "--lifetime", std::to_string(lifetime), "--log", log_};
        if (!refresh_token.empty()) {
            argv.emplace_back("--refresh-token");
            argv.push_back(refresh_token);
        }
        process_ = std::make_unique<Process>(argv);
        BOOST_REQUIRE(eventually([&] { return port_open(port_); }, std::chrono::seconds(20)));
    }
    ~TokenService() { std::remove(log_.c_str()); }

    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    void control(const std::string& json) const {
        const auto r = cg::net::http_post(url("/control"), json, "application/json");
        BOOST_REQUIRE(r.ok && r.status == 200);
    }
    /// Tokens issued so far (any grant).
    int issued() const {
        const auto r = cg::net::http_get(url("/stats"));
        if (!r.ok) return -1;
        int n = 0;
        const nlohmann::json stats = nlohmann::json::parse(r.body);
        for (const auto& [grant, count] : stats["issued"].items()) n += count.get<int>();
        return n;
    }
    int refused() const {
        const auto r = cg::net::http_get(url("/stats"));
        return r.ok ? nlohmann::json::parse(r.body)["refused"].get<int>() : -1;
    }

  private:
    int port_;
    std::string log_;
    std::unique_ptr<Process> process_;
};

std::string secret_file(const std::string& dir, const std::string& name, const std::string& v) {
    const std::string path = dir + "/" + name;
    std::ofstream(path) << v << "\n";
    chmod(path.c_str(), 0600);
    return path;
}

cg::common::OAuth2Config client_config(const TokenService& s) {
    cg::common::OAuth2Config c;
    c.name = "m365";
    c.token_url = s.url("/token");
    c.client_id = kClientId;
    c.client_secret = kSecret;
    return c;
}

// Today + `days`, YYYY-MM-DD.
std::string days_from_today(int days) {
    return cg::revalidation::Date::parse(cg::common::local_today())->plus_days(days).to_string();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(e2e_oauth2)

// The client on its own: a token is reused until three quarters of its life have passed, then
// renewed; a refused one is replaced at once; an endpoint that refuses gives the reason
// (never the secret) and is not asked again before the back-off.
BOOST_AUTO_TEST_CASE(tokens_are_reused_renewed_and_replaced) {
    TokenService service(free_port(), {}, 4);
    cg::daemon::OAuth2Client client(client_config(service));
    const std::string first = client.token();
    BOOST_TEST(!first.empty());
    BOOST_TEST(client.token() == first);
    BOOST_TEST(service.issued() == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(3200));  // past 3/4 of 4 s
    const std::string second = client.token();
    BOOST_TEST(second != first);
    BOOST_TEST(service.issued() == 2);

    client.refused(first);  // an old one: nothing changes
    BOOST_TEST(client.token() == second);
    client.refused(second);
    const std::string third = client.token();
    BOOST_TEST(third != second);
    BOOST_TEST(service.issued() == 3);

    client.accepted(third);  // a sign-in with it worked: its later refusal is a revocation
    client.refused(third);
    const std::string fourth = client.token();
    BOOST_TEST(service.issued() == 4);
    client.refused(fourth);  // a replacement refused at once: the server will not take them
    BOOST_CHECK_THROW(client.token(), cg::daemon::TokenError);
    BOOST_TEST(service.issued() == 4);
    BOOST_TEST(client.state().last_error.find("refused a token just obtained") != std::string::npos);

    cg::daemon::OAuth2Client refused(client_config(service));
    service.control(R"({"refuse": "invalid_client"})");
    try {
        refused.token();
        BOOST_FAIL("a token from a refusing endpoint");
    } catch (const cg::daemon::TokenError& e) {
        const std::string what = e.what();
        BOOST_TEST(what.find("client m365: invalid_client") != std::string::npos, what);
        BOOST_TEST(what.find(kSecret) == std::string::npos);
    }
    BOOST_CHECK_THROW(refused.token(), cg::daemon::TokenError);
    BOOST_TEST(service.refused() == 1);  // the second call waited for the back-off
    const cg::daemon::TokenState st = refused.state();
    BOOST_TEST(!st.usable);
    BOOST_TEST(st.failures == 1);
}

// The refresh token grant: the endpoint rotates the refresh token at each use (the old one stops
// working). The new one is kept in refresh_token_store, so a restarted client carries on; if
// the kept one is refused, the configured one (an operator's replacement) is tried.
BOOST_AUTO_TEST_CASE(a_rotated_refresh_token_survives_a_restart) {
    TokenService service(free_port(), "refresh-token-0");
    const std::string dir = Services::get().var + "/tests/oauth2-" + std::to_string(getpid());
    std::filesystem::create_directories(dir);
    cg::common::OAuth2Config c = client_config(service);
    c.client_secret.clear();  // a public client
    c.refresh_token = "refresh-token-0";
    c.refresh_token_store = dir + "/refresh-token";
    {
        cg::daemon::OAuth2Client client(c);
        BOOST_TEST(!client.token().empty());
    }
    struct stat st {};
    BOOST_REQUIRE(stat(c.refresh_token_store.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0600u);
    const std::string kept = read_file(c.refresh_token_store);
    BOOST_TEST(!kept.empty());
    BOOST_TEST(kept != "refresh-token-0");
    {
        cg::daemon::OAuth2Client restarted(c);  // refresh-token-0 no longer works
        BOOST_TEST(!restarted.token().empty());
        BOOST_TEST(read_file(c.refresh_token_store) != kept);
    }
    BOOST_TEST(service.issued() == 2);
    BOOST_TEST(service.refused() == 0);

    // The kept one no longer works; the operator configured the one that does.
    const std::string current = read_file(c.refresh_token_store);
    std::ofstream(c.refresh_token_store) << "revoked-refresh-token";
    c.refresh_token = current;
    {
        cg::daemon::OAuth2Client fallback(c);
        BOOST_TEST(!fallback.token().empty());
    }
    BOOST_TEST(service.refused() == 1);  // the kept one, once
    BOOST_TEST(read_file(c.refresh_token_store) != current);
    BOOST_TEST(read_file(c.refresh_token_store) != "revoked-refresh-token");

    // Without a kept one, a spent configured token is refused with the endpoint's reason.
    std::filesystem::remove(c.refresh_token_store);
    cg::daemon::OAuth2Client spent(c);
    BOOST_CHECK_THROW(spent.token(), cg::daemon::TokenError);
    BOOST_TEST(spent.state().last_error.find("invalid_grant") != std::string::npos);
    std::filesystem::remove_all(dir);
}

// The daemon with an [[oauth2]] client for its IMAP mailbox and for SMTP: referrals become cases
// with nobody touching a token; a token revoked mid-run is replaced at the next sign-in; an
// endpoint refusing the client stops the polls, which record why, and the default office's
// admins are told once (by mail, once sending works again), then the mailbox carries on. A
// client secret near its expiry is told once too. /metrics shows the client.
BOOST_FIXTURE_TEST_CASE(the_daemon_signs_in_with_tokens_it_obtains_and_renews, Fresh) {
    TestDb db;
    TokenService service(Services::get().oauth2_port);
    const int smtp_port = test_port(68);
    const std::string out = "/tmp/casegate-oauth2-smtp-" + std::to_string(getpid()) + ".txt";
    std::remove(out.c_str());
    Process smtp({"/usr/bin/python3",
                  std::string(CASEGATE_SOURCE_DIR) + "/tests/support/smtp_xoauth2.py",
                  std::to_string(smtp_port), "casegate@casegate.test",
                  "introspect=" + service.url("/introspect"), out});
    BOOST_REQUIRE(eventually([&] { return port_open(smtp_port); }, std::chrono::seconds(20)));

    ConfigOptions opt;
    opt.imap_users = {};
    opt.smtp_url = "smtp://127.0.0.1:" + std::to_string(smtp_port);
    opt.smtp_extra = "user = \"casegate@casegate.test\"\noauth2 = \"m365\"\n";
    const int metrics_port = test_port(69);
    opt.metrics_listen = "127.0.0.1:" + std::to_string(metrics_port);
    const std::string expires = days_from_today(3);
    opt.extra = "[[oauth2]]\nname = \"m365\"\ntoken_url = \"" + service.url("/token") +
                "\"\nclient_id = \"" + kClientId + "\"\nclient_secret_file = \"SECRET\"\n" +
                "client_secret_expires = \"" + expires + "\"\n\n" +
                "[[mailbox]]\nname = \"referrals\"\nurl = \"" + Services::get().imap_url +
                "\"\nuser = \"referrals\"\noauth2 = \"m365\"\npoll_interval = 5\n";
    TestConfig cfg(db, opt);
    {
        std::string text = read_file(cfg.path());
        text.replace(text.find("\"SECRET\""), 8,
                     "\"" + secret_file(cfg.dir(), "client-secret", kSecret) + "\"");
        std::ofstream(cfg.path()) << text;
    }
    const std::string log = cfg.dir() + "/log";
    const auto cases = [&] { return count_or_unknown(db, "SELECT count(*) FROM cases"); };
    const auto polls_failed = [&] {
        return db.count("SELECT coalesce(sum(poll_errors), 0) FROM source_polls");
    };
    // How many messages sent so far have a subject starting with `what` ("" = all).
    const auto sent_with = [&](const std::string& what) {
        const std::string text = std::filesystem::exists(out) ? read_file(out) : std::string();
        std::size_t n = 0;
        for (std::size_t at = text.find("\nSubject: "); at != std::string::npos;
             at = text.find("\nSubject: ", at + 1)) {
            const std::size_t eol = text.find('\n', at + 1);
            const std::string header = text.substr(at + 1, eol - at - 1);
            if (subject_of(header + "\r\n\r\n").rfind(what, 0) == 0) ++n;
        }
        return n;
    };

    deliver("referrals", referral(91, "7091001"));
    Process daemon({casegate_binary(), "run", "--config", cfg.path()}, {}, log);
    BOOST_REQUIRE(eventually([&] { return cases() == 1; }, std::chrono::seconds(60)));
    // The acknowledgement and the office alert went out through SMTP with the same client.
    BOOST_REQUIRE(eventually([&] { return sent_with("") >= 3; }, std::chrono::seconds(30)));
    BOOST_TEST(sent_with("Mailbox client secret expires " + expires) == 1);
    BOOST_TEST(service.issued() == 1);

    // Every token revoked at the service: the next sign-in is refused, a new token obtained.
    service.control(R"({"expire": true})");
    deliver("referrals", referral(92, "7091002"));
    BOOST_REQUIRE(eventually([&] { return cases() == 2; }, std::chrono::seconds(60)));
    BOOST_TEST(service.issued() == 2);
    BOOST_TEST(polls_failed() == 0);

    // The endpoint refuses the client, and the token in hand stops working.
    service.control(R"({"refuse": "invalid_client", "expire": true})");
    deliver("referrals", referral(93, "7091003"));
    BOOST_REQUIRE(eventually([&] { return polls_failed() >= 3; }, std::chrono::seconds(90)));
    BOOST_TEST(cases() == 2);
    BOOST_TEST(db.count("SELECT count(*) FROM source_polls WHERE last_error LIKE "
                        "'%no OAuth 2.0 token from client m365: invalid_client%'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM outbox WHERE kind = 'oauth2_alert'") == 2);
    BOOST_TEST(db.count("SELECT count(*) FROM oauth2_alerts WHERE kind = 'not_renewed'") == 1);
    const auto metrics = cg::net::http_get("http://" + opt.metrics_listen + "/metrics");
    BOOST_REQUIRE(metrics.ok);
    BOOST_TEST(metrics.body.find("casegate_oauth2_token_valid{client=\"m365\"} 0") !=
               std::string::npos);
    BOOST_TEST(metrics.body.find("casegate_oauth2_renewal_failures_total{client=\"m365\"}") !=
               std::string::npos);
    BOOST_TEST(metrics.body.find("casegate_oauth2_client_secret_expiry_timestamp_seconds") !=
               std::string::npos);
    BOOST_TEST(read_file(log).find(kSecret) == std::string::npos);

    // Accepted again: the waiting referral becomes a case and the admins' alert goes out, once.
    service.control(R"({"refuse": null})");
    BOOST_REQUIRE(eventually([&] { return cases() == 3; }, std::chrono::seconds(90)));
    BOOST_REQUIRE(eventually([&] { return sent_with("Mailbox sign-in failing – m365") == 1; },
                             std::chrono::seconds(60)));
    BOOST_TEST(read_file(out).find("Reason: invalid_client") != std::string::npos);
    BOOST_REQUIRE(eventually([&] {
        return db.count("SELECT count(*) FROM oauth2_alerts WHERE kind = 'not_renewed'") == 0;
    }, std::chrono::seconds(30)));
    BOOST_TEST(db.count("SELECT count(*) FROM outbox WHERE kind = 'oauth2_alert'") == 2);
    stop_with_sigterm(daemon);

    // A restart does not tell the secret's expiry again.
    Process again({casegate_binary(), "run", "--config", cfg.path()}, {}, log);
    deliver("referrals", referral(94, "7091004"));
    BOOST_REQUIRE(eventually([&] { return cases() == 4; }, std::chrono::seconds(60)));
    stop_with_sigterm(again);
    BOOST_TEST(db.count("SELECT count(*) FROM outbox WHERE kind = 'oauth2_alert'") == 2);
    std::remove(out.c_str());
}

BOOST_AUTO_TEST_SUITE_END()
