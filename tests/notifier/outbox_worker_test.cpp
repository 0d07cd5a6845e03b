// The outbox worker against the real PostgreSQL: back-off, an unreachable server, giving up.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>

#include "net/curl.hpp"
#include "notifier/outbox_worker.hpp"
#include "storage/migrations.hpp"
#include "storage/outbox.hpp"
#include "tests/support/harness.hpp"

using namespace casegate;

namespace {
void enqueue_one(storage::Db& db, const std::string& id,
                 const std::string& to = "someone@casegate.test") {
    storage::OutboxMessage m;
    m.message_id = id;
    m.kind = "acknowledgement";
    m.mail_from = "casegate@casegate.test";
    m.recipients = {to};
    m.message = "Subject: s\r\nMessage-ID: <" + id + ">\r\n\r\nbody\r\n";
    storage::enqueue(db, m);
}

// tests/support/smtp_faults.py on its own port, keeping what it accepts in a file.
struct FaultyServer {
    int port = e2e::test_port(61);
    std::string out = "/tmp/casegate-smtp-faults-" + std::to_string(getpid()) + ".txt";
    e2e::Process server;

    FaultyServer()
        : server({"/usr/bin/python3",
                  std::string(CASEGATE_SOURCE_DIR) + "/tests/support/smtp_faults.py",
                  std::to_string(port), out}) {
        for (const char* suffix : {"", ".go", ".held"}) std::remove((out + suffix).c_str());
        BOOST_REQUIRE(e2e::eventually([&] { return e2e::port_open(port); }, std::chrono::seconds(20)));
    }
    ~FaultyServer() {
        for (const char* suffix : {"", ".go", ".held"}) std::remove((out + suffix).c_str());
    }
    FaultyServer(const FaultyServer&) = delete;
    FaultyServer& operator=(const FaultyServer&) = delete;

    net::Session session() const {
        net::Options o;
        o.url = "smtp://127.0.0.1:" + std::to_string(port);
        o.allow_plaintext = true;
        return net::Session(o);
    }
    bool holding() const { return std::ifstream(out + ".held").good(); }
    void release() const { std::ofstream(out + ".go").put('\n'); }
    std::string received() const {
        std::ifstream in(out, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
};

// A session to a port nothing listens on: every send fails with "could not connect".
net::Session unreachable_smtp() {
    net::Options o;
    o.url = "smtp://127.0.0.1:1";
    o.allow_plaintext = true;
    o.connect_timeout_ms = 2000;
    return net::Session(o);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(outbox_worker)

// The back-off doubles from the initial delay and stops at the cap.
BOOST_AUTO_TEST_CASE(backoff_doubles_up_to_the_cap) {
    const notifier::OutboxPolicy p{30, 3600, 50};
    BOOST_TEST(notifier::backoff_seconds(p, 0) == 30);
    BOOST_TEST(notifier::backoff_seconds(p, 1) == 60);
    BOOST_TEST(notifier::backoff_seconds(p, 6) == 1920);
    BOOST_TEST(notifier::backoff_seconds(p, 7) == 3600);
    BOOST_TEST(notifier::backoff_seconds(p, 1000) == 3600);
}

// With the server unreachable, the first message is retried later and the rest of the batch is
// not tried now; nothing is lost or marked sent.
BOOST_AUTO_TEST_CASE(unreachable_server_defers_the_whole_batch) {
    e2e::TestDb t;
    storage::migrate(t.db());
    enqueue_one(t.db(), "a@casegate.test");
    enqueue_one(t.db(), "b@casegate.test");
    net::Session smtp = unreachable_smtp();
    std::atomic<bool> stop{false};
    const auto stats = notifier::drain_outbox(t.db(), smtp, {30, 3600, 50}, stop);
    BOOST_TEST(stats.sent == 0);
    BOOST_TEST(stats.failed == 0);
    BOOST_TEST(stats.retried == 2);
    BOOST_TEST(t.count("SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts = 1"
                       " AND next_attempt_at > now() + interval '20 seconds'") == 2);
    BOOST_TEST(t.count("SELECT count(*) FROM outbox WHERE last_error LIKE '%unreachable%'") == 1);
}

// After max_attempts temporary failures a message is marked failed with the reason.
BOOST_AUTO_TEST_CASE(gives_up_after_max_attempts) {
    e2e::TestDb t;
    storage::migrate(t.db());
    enqueue_one(t.db(), "c@casegate.test");
    net::Session smtp = unreachable_smtp();
    std::atomic<bool> stop{false};
    const notifier::OutboxPolicy policy{1, 1, 2};
    notifier::drain_outbox(t.db(), smtp, policy, stop);
    t.db().exec("UPDATE outbox SET next_attempt_at = now()");
    const auto stats = notifier::drain_outbox(t.db(), smtp, policy, stop);
    BOOST_TEST(stats.failed == 1);
    BOOST_TEST(t.count("SELECT count(*) FROM outbox WHERE state = 'failed' AND attempts = 2"
                       " AND last_error LIKE 'gave up after 2 attempts%'") == 1);
}

// A permanent refusal (5xx) from a real SMTP server marks the message failed at once, with the
// server's code in the reason, and it is not tried again.
BOOST_AUTO_TEST_CASE(permanent_refusal_fails_at_once) {
    e2e::TestDb t;
    storage::migrate(t.db());
    enqueue_one(t.db(), "refused@casegate.test");
    const int port = e2e::free_port();
    e2e::Process server({"/usr/bin/python3", std::string(CASEGATE_SOURCE_DIR) + "/tests/support/smtp_refuse.py",
                         std::to_string(port)});
    BOOST_REQUIRE(e2e::eventually([&] { return e2e::port_open(port); }, std::chrono::seconds(20)));
    net::Options o;
    o.url = "smtp://127.0.0.1:" + std::to_string(port);
    o.allow_plaintext = true;
    net::Session smtp(o);
    std::atomic<bool> stop{false};
    const auto stats = notifier::drain_outbox(t.db(), smtp, {30, 3600, 50}, stop);
    BOOST_TEST(stats.failed == 1);
    BOOST_TEST(stats.sent == 0);
    BOOST_TEST(t.count("SELECT count(*) FROM outbox WHERE state = 'failed' AND attempts = 1"
                       " AND last_error LIKE 'SMTP 550%'") == 1);
    t.db().exec("UPDATE outbox SET next_attempt_at = now()");
    BOOST_TEST(notifier::drain_outbox(t.db(), smtp, {30, 3600, 50}, stop).failed == 0);
}

// XOAUTH2 (as Microsoft 365 wants it): the bearer token is offered with AUTH XOAUTH2 and the
// message is delivered. With a wrong token the server refuses the login: a problem of
// casegate's, not the message's, so it waits for a retry rather than being marked failed.
BOOST_AUTO_TEST_CASE(xoauth2_bearer_token_authenticates) {
    e2e::TestDb t;
    storage::migrate(t.db());
    const int port = e2e::free_port();
    const std::string out = "/tmp/casegate-xoauth2-" + std::to_string(getpid()) + ".txt";
    std::remove(out.c_str());
    e2e::Process server({"/usr/bin/python3", std::string(CASEGATE_SOURCE_DIR) + "/tests/support/smtp_xoauth2.py",
                         std::to_string(port), "casegate@casegate.test", "token-123", out});
    BOOST_REQUIRE(e2e::eventually([&] { return e2e::port_open(port); }, std::chrono::seconds(20)));
    const auto session = [&](const std::string& token) {
        net::Options o;
        o.url = "smtp://127.0.0.1:" + std::to_string(port);
        o.allow_plaintext = true;
        o.user = "casegate@casegate.test";
        o.oauth2_token = token;
        return net::Session(o);
    };
    std::atomic<bool> stop{false};
    enqueue_one(t.db(), "wrong-token@casegate.test");
    net::Session wrong = session("token-999");
    const auto refused = notifier::drain_outbox(t.db(), wrong, {30, 3600, 50}, stop);
    BOOST_TEST(refused.sent == 0);
    BOOST_TEST(refused.failed == 0);
    BOOST_TEST(t.count("SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts = 1"
                       " AND last_error LIKE 'SMTP login refused%'") == 1);

    t.db().exec("UPDATE outbox SET next_attempt_at = now()");
    net::Session right = session("token-123");
    const auto sent = notifier::drain_outbox(t.db(), right, {30, 3600, 50}, stop);
    BOOST_TEST(sent.sent == 1, t.db().exec("SELECT coalesce(last_error, '') FROM outbox").text(0, 0));
    BOOST_TEST(t.count("SELECT count(*) FROM outbox WHERE state = 'sent'") == 1);
    BOOST_TEST(e2e::read_file(out).find("someone@casegate.test") != std::string::npos);
    std::remove(out.c_str());
}

// A server that refuses one message with 500 after its DATA and leaves the SMTP transaction
// open: that message alone fails. The next messages in the same drain, on the same session,
// are still delivered (the failed transaction is not carried over into theirs).
BOOST_AUTO_TEST_CASE(a_refused_message_does_not_fail_the_next_ones) {
    e2e::TestDb t;
    storage::migrate(t.db());
    FaultyServer server;
    enqueue_one(t.db(), "before@casegate.test", "admin-a@casegate.test");
    enqueue_one(t.db(), "refused@casegate.test", "refused-sender@attacker.example");
    enqueue_one(t.db(), "alert@casegate.test", "admin-b@casegate.test");
    enqueue_one(t.db(), "alert2@casegate.test", "admin-c@casegate.test");
    net::Session smtp = server.session();
    std::atomic<bool> stop{false};
    const auto stats = notifier::drain_outbox(t.db(), smtp, {30, 3600, 50}, stop);
    BOOST_TEST(stats.sent == 3);
    BOOST_TEST(stats.failed == 1);
    BOOST_TEST(stats.retried == 0);
    BOOST_TEST(t.count("SELECT count(*) FROM outbox WHERE state = 'failed'"
                       " AND message_id = 'refused@casegate.test' AND last_error LIKE 'SMTP 500%'") == 1);
    BOOST_TEST(t.count("SELECT count(*) FROM outbox WHERE state = 'sent'") == 3,
               t.db().exec("SELECT string_agg(message_id || ' ' || state || ' ' ||"
                           " coalesce(last_error, ''), '; ') FROM outbox").text(0, 0));
    const std::string got = server.received();
    BOOST_TEST(got.find("<alert@casegate.test>") != std::string::npos);
    BOOST_TEST(got.find("<alert2@casegate.test>") != std::string::npos);
    BOOST_TEST(got.find("<refused@casegate.test>") == std::string::npos);
}

// 503 (bad sequence of commands) says the client went wrong, not that the recipient is refused:
// the message is retried later rather than marked failed.
BOOST_AUTO_TEST_CASE(bad_sequence_503_is_retried_not_failed) {
    e2e::TestDb t;
    storage::migrate(t.db());
    FaultyServer server;
    enqueue_one(t.db(), "sequence@casegate.test", "sequence@casegate.test");
    net::Session smtp = server.session();
    std::atomic<bool> stop{false};
    const auto stats = notifier::drain_outbox(t.db(), smtp, {30, 3600, 50}, stop);
    BOOST_TEST(stats.failed == 0);
    BOOST_TEST(stats.retried == 1);
    BOOST_TEST(t.count("SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts = 1"
                       " AND next_attempt_at > now() AND last_error LIKE '%503%'") == 1,
               t.db().exec("SELECT state || ' ' || coalesce(last_error, '') FROM outbox").text(0, 0));
}

// Leases are short, so that a crashed process's claim soon passes to the next one.
BOOST_AUTO_TEST_CASE(the_lease_is_short) {
    BOOST_TEST(notifier::OutboxPolicy{}.lease_seconds == notifier::kLeaseSeconds);
    BOOST_TEST(notifier::kLeaseSeconds <= 30);
}

// A sender whose lease lapsed while one message was being sent (here the server holds it
// longer than the whole lease) and whose other claimed row was meanwhile claimed by another
// process does not send that row: only the new holder does.
BOOST_AUTO_TEST_CASE(a_row_claimed_by_another_process_is_not_sent_by_the_old_holder) {
    e2e::TestDb t;
    storage::migrate(t.db());
    FaultyServer server;
    enqueue_one(t.db(), "held@casegate.test", "hold@casegate.test");
    enqueue_one(t.db(), "next@casegate.test", "next@casegate.test");
    notifier::OutboxPolicy policy{30, 3600, 50};
    policy.lease_seconds = 1;
    std::atomic<bool> stop{false};
    notifier::DrainStats stats;
    std::thread sender([&] {
        storage::Db db(t.conninfo());
        net::Session smtp = server.session();
        stats = notifier::drain_outbox(db, smtp, policy, stop);
    });
    const bool held = e2e::eventually([&] { return server.holding(); }, std::chrono::seconds(20));
    // Once the lease has lapsed, another process claims the rows (both are due again).
    const bool lapsed = held && e2e::eventually([&] {
        return t.count("SELECT count(*) FROM outbox WHERE next_attempt_at <= now()") == 2;
    }, std::chrono::seconds(20));
    const auto other = lapsed ? storage::claim_due(t.db(), 20, 300) : std::vector<storage::DueMessage>{};
    server.release();
    sender.join();
    BOOST_REQUIRE(held);
    BOOST_REQUIRE(lapsed);
    BOOST_TEST(other.size() == 2u);
    BOOST_TEST(stats.sent == 1);  // the one it was sending when its lease lapsed
    const std::string got = server.received();
    BOOST_TEST(got.find("<held@casegate.test>") != std::string::npos);
    BOOST_TEST(got.find("<next@casegate.test>") == std::string::npos, got);
    BOOST_TEST(t.count("SELECT count(*) FROM outbox WHERE message_id = 'next@casegate.test'"
                       " AND state = 'pending' AND attempts = 0") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
