// End-to-end: the real casegate binary, real Dovecot, real PostgreSQL, real SMTP receiver.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "notifier/mail.hpp"
#include "parsers/email.hpp"
#include "parsers/pdf_form.hpp"
#include "revalidation/classify.hpp"
#include "storage/migrations.hpp"
#include "storage/revalidation.hpp"
#include "tests/support/harness.hpp"

using namespace casegate::e2e;

namespace {

std::string sample(const std::string& name) {
    return source_file("examples/demo/" + name);
}

// A referral with its own Message-ID, so that tests can deliver many distinct ones.
std::string referral(int n, const std::string& gmc = "7012345") {
    return "From: Supervisor " + std::to_string(n) + " <sup" + std::to_string(n) +
           "@trust.example.nhs.uk>\r\n"
           "To: referrals@casegate.test\r\nSubject: Referral " +
           std::to_string(n) + "\r\nMessage-ID: <ref-" + std::to_string(n) +
           "@trust.example.nhs.uk>\r\nDate: Thu, 19 Nov 2026 09:00:00 +0000\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           "Doctor's full name: Test Doctor\r\nGMC number: " +
           gmc +
           "\r\nYour name: Sam Supervisor\r\nYour role: Educational Supervisor\r\n"
           "Route: Professional\r\nType of concern: Conduct\r\n"
           "Details of the concern: Something happened.\r\n"
           "I accept the terms and conditions: yes\r\n";
}

// An email from a supervisor with `pdf` attached, built with casegate's own message writer.
std::string email_with_pdf(const std::string& id, const std::string& body, const std::string& pdf,
                           const std::string& filename) {
    casegate::notifier::OutgoingMessage m;
    m.from = {"Siân Ní Bhriain", "sian.nibhriain@trust.example.nhs.uk"};
    m.to = {{"", "referrals@casegate.test"}};
    m.subject = "Referral form";
    m.message_id = id + "@trust.example.nhs.uk";
    m.date = 1795000000;
    m.text_body = body;
    m.attachments.push_back({filename, "application/pdf", pdf});
    std::string raw = casegate::notifier::render(m);
    // Sent by a person's mail client: without the headers that mark casegate's own messages
    // as automatic.
    const auto header_end = raw.find("\r\n\r\n");
    std::string head = raw.substr(0, header_end + 2), out;
    for (std::size_t pos = 0; pos < head.size();) {
        const std::size_t eol = head.find("\r\n", pos) + 2;
        const std::string line = head.substr(pos, eol - pos);
        if (line.rfind("Auto-Submitted:", 0) != 0 && line.rfind("X-Auto-Response-Suppress:", 0) != 0)
            out += line;
        pos = eol;
    }
    return out + raw.substr(header_end + 2);
}

std::string test_data(const std::string& relative) {
    return source_file("tests/data/" + relative);
}

int run_once(const TestConfig& cfg, const std::map<std::string, std::string>& env = {}) {
    return run_casegate({"run", "--once", "--config", cfg.path()}, env);
}

// The decoded Subject of a sent message (read back with casegate's own MIME parser).
std::string subject_of(const std::string& raw) {
    const auto parsed = casegate::parsers::parse_email(raw, casegate::parsers::MimeLimits{});
    BOOST_REQUIRE_MESSAGE(parsed.ok, "sent message does not parse: " << parsed.error);
    return parsed.email.subject;
}

bool has_header(const std::string& msg, const std::string& header_line) {
    return msg.find(header_line) != std::string::npos;
}

// A count that treats "not there yet" (no schema, connection just lost) as -1.
std::int64_t count_or_unknown(TestDb& db, const std::string& sql) {
    try {
        return db.count(sql);
    } catch (const casegate::storage::DbError&) {
        return -1;
    }
}

// SIGTERM stops the daemon within seconds, with exit status 0.
void stop_with_sigterm(Process& daemon) {
    daemon.signal(SIGTERM);
    const int st = daemon.wait(std::chrono::seconds(10));
    BOOST_REQUIRE(st != -1);
    BOOST_TEST(WIFEXITED(st));
    BOOST_TEST(WEXITSTATUS(st) == 0);
}

struct Fresh {
    Fresh() { reset_mail(); }
};

// The socket systemd gives a Type=notify service: every datagram the daemon sends, kept.
struct NotifyListener {
    std::string path;
    int fd = -1;
    std::string seen;

    explicit NotifyListener(std::string p) : path(std::move(p)) {
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        BOOST_REQUIRE(fd >= 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        BOOST_REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~NotifyListener() { close(fd); }
    NotifyListener(const NotifyListener&) = delete;
    NotifyListener& operator=(const NotifyListener&) = delete;

    // Waits up to `timeout` for one datagram and keeps it (one line per datagram).
    void receive(std::chrono::milliseconds timeout) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(timeout.count())) != 1) return;
        char buf[512];
        const ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n > 0) seen.append(buf, static_cast<std::size_t>(n)).append("\n");
    }

    std::size_t count(const std::string& what) const {
        std::size_t c = 0;
        for (std::size_t at = seen.find(what); at != std::string::npos; at = seen.find(what, at + 1)) ++c;
        return c;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(e2e)

// A complete emailed referral becomes a submitted case, and the referrer and the office's
// admin team each get one email carrying the reference.
BOOST_FIXTURE_TEST_CASE(complete_referral_becomes_case_and_two_emails, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", sample("01_complete_text.eml"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);

    auto r =
        db.db().exec("SELECT reference, status, local_office, gmc_number, trainee_name FROM cases");
    BOOST_REQUIRE_EQUAL(r.rows(), 1);
    const std::string ref = r.text(0, 0);
    BOOST_TEST(std::regex_match(ref, std::regex("CG-[0-9]{4}-[0-9]{6}")));
    BOOST_TEST(r.text(0, 1) == "submitted");
    BOOST_TEST(r.text(0, 2) == "East of England");
    BOOST_TEST(r.text(0, 3) == "7012345");
    BOOST_TEST(r.text(0, 4) == "Siân Llewelyn-Jones");
    BOOST_TEST(imap_count("referrals", "INBOX") == 0);
    BOOST_TEST(imap_count("referrals", "Processed") == 1);

    const auto sent = sent_messages();
    BOOST_REQUIRE_EQUAL(sent.size(), 2u);
    int to_referrer = 0, to_office = 0;
    for (const auto& m : sent) {
        BOOST_TEST(subject_of(m).find("[" + ref + "]") != std::string::npos);
        if (has_header(m, "priya.raman@nnuh.example.nhs.uk")) ++to_referrer;
        if (has_header(m, "eoe-admin@casegate.test")) ++to_office;
    }
    BOOST_TEST(to_referrer == 1);
    BOOST_TEST(to_office == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM outbox WHERE state = 'sent'") == 2);
    BOOST_TEST(db.count("SELECT count(*) FROM case_actions WHERE kind = 'created'") == 1);
}

// An incomplete referral is kept, and its sender is told which fields are missing, by label,
// under the submission's reference.
BOOST_FIXTURE_TEST_CASE(incomplete_referral_gets_reply_naming_missing_fields, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", sample("02_incomplete.eml"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 0);
    auto r = db.db().exec("SELECT reference, status, missing::text FROM submissions");
    BOOST_REQUIRE_EQUAL(r.rows(), 1);
    BOOST_TEST(r.text(0, 1) == "incomplete");
    BOOST_TEST(r.text(0, 2).find("gmc_number") != std::string::npos);
    const auto sent = sent_messages();
    BOOST_REQUIRE_EQUAL(sent.size(), 1u);
    BOOST_TEST(has_header(sent[0], "c.okafor@leeds.example.nhs.uk"));
    BOOST_TEST(subject_of(sent[0]).find("[" + r.text(0, 0) + "]") != std::string::npos);
    BOOST_TEST(sent[0].find("GMC number") != std::string::npos);
    BOOST_TEST(sent[0].find("Route") != std::string::npos);
    BOOST_TEST(has_header(sent[0], "In-Reply-To: <demo-incomplete-0002@leeds.example.nhs.uk>"));
    // The fillable form travels with the reply, and reads back as the referral form.
    const auto reply = casegate::parsers::parse_email(sent[0], casegate::parsers::MimeLimits{});
    BOOST_REQUIRE(reply.ok);
    BOOST_REQUIRE_EQUAL(reply.email.attachments.size(), 1u);
    const auto& form = reply.email.attachments[0];
    BOOST_TEST(form.content_type == "application/pdf");
    BOOST_TEST(form.filename == "casegate-referral-form.pdf");
    const auto read = casegate::parsers::read_pdf_form(form.data, casegate::parsers::PdfLimits{});
    BOOST_REQUIRE((read.kind == casegate::parsers::PdfFormKind::form));
    BOOST_TEST(read.field("gmc_number") != nullptr);
    BOOST_TEST(read.field("terms_accepted") != nullptr);
}

// Auto-replies and bounces are recorded with their reason and never answered.
BOOST_FIXTURE_TEST_CASE(auto_reply_and_bounce_are_never_answered, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", sample("04_auto_reply.eml"));
    deliver("referrals",
            "From: Mail Delivery System <MAILER-DAEMON@mx.example.nhs.uk>\r\nTo: "
            "referrals@casegate.test\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: "
            "<bounce-1@mx.example.nhs.uk>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n"
            "GMC number: 7012345\r\nDetails: the original referral quoted back\r\n");
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'set_aside' AND verdict "
                        "= 'auto_reply'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'set_aside' AND verdict "
                        "= 'bounce'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE reason IS NULL") == 0);
    BOOST_TEST(db.count("SELECT count(*) FROM outbox") == 0);
    BOOST_TEST(sent_messages().empty());
}

// The same message delivered to two monitored mailboxes becomes one case.
BOOST_FIXTURE_TEST_CASE(same_message_in_two_mailboxes_is_one_case, Fresh) {
    TestDb db;
    ConfigOptions opt;
    opt.imap_users = {"referrals", "concerns"};
    TestConfig cfg(db, opt);
    deliver("referrals", referral(1));
    deliver("concerns", "Delivered-To: concerns@casegate.test\r\n" + referral(1));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items") == 2);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'duplicate'") == 1);
    BOOST_TEST(sent_messages().size() == 2u);
    BOOST_TEST(imap_count("concerns", "INBOX") == 0);
}

// A crash after the raw message is committed but before it is moved on the server loses
// nothing and duplicates nothing: the restart finds it stored, moves it, and makes one case.
BOOST_FIXTURE_TEST_CASE(crash_between_store_and_move_gives_exactly_one_case, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", referral(2));
    BOOST_REQUIRE_EQUAL(run_once(cfg, {{"CASEGATE_TEST_EXIT_AFTER_STORE", "1"}}), 137);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'received'") == 1);
    BOOST_TEST(imap_count("referrals", "INBOX") == 1);  // not yet moved
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(imap_count("referrals", "INBOX") == 0);
    BOOST_TEST(sent_messages().size() == 2u);
}

// kill -9 at arbitrary moments during a backlog, then a restart: every referral becomes exactly
// one case.
BOOST_FIXTURE_TEST_CASE(kill_9_during_backlog_loses_and_duplicates_nothing, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    const int n = 120;  // more than one listing window of 100
    for (int i = 0; i < n; ++i) deliver("referrals", referral(100 + i));
    for (int round = 0; round < 3; ++round) {
        Process p({casegate_binary(), "run", "--config", cfg.path()});
        std::this_thread::sleep_for(std::chrono::milliseconds(300 + 250 * round));
        p.signal(SIGKILL);
        BOOST_REQUIRE(p.wait(std::chrono::seconds(10)) != -1);
    }
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == n);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items") == n);
    BOOST_TEST(db.count("SELECT count(DISTINCT message_id) FROM inbound_items") == n);
    BOOST_TEST(imap_count("referrals", "INBOX") == 0);
    BOOST_TEST(imap_count("referrals", "Processed") == n);
}

// With the SMTP receiver down, the notifications wait in the outbox and go out once it is back.
BOOST_FIXTURE_TEST_CASE(smtp_down_then_back_delivers_notifications, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", referral(3));
    BOOST_REQUIRE_EQUAL(shell(std::string(CASEGATE_SOURCE_DIR) + "/scripts/dev-services stop smtp"),
                        0);
    const int rc = run_once(cfg);
    const int started =
        shell(std::string(CASEGATE_SOURCE_DIR) + "/scripts/dev-services start smtp");
    BOOST_REQUIRE_EQUAL(rc, 0);
    BOOST_REQUIRE_EQUAL(started, 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts >= 1") ==
               2);
    BOOST_TEST(sent_messages().empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // retry_initial = 1 s, doubled
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM outbox WHERE state = 'sent'") == 2);
    BOOST_TEST(sent_messages().size() == 2u);
}

// PostgreSQL restarted under a running daemon: it reconnects and carries on; SIGTERM then
// stops it promptly with exit status 0.
BOOST_FIXTURE_TEST_CASE(postgres_restart_mid_run_then_sigterm, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    Process daemon({casegate_binary(), "run", "--config", cfg.path()});
    deliver("referrals", referral(4, "7000004"));
    BOOST_REQUIRE(
        eventually([&] { return count_or_unknown(db, "SELECT count(*) FROM cases") == 1; },
                   std::chrono::seconds(30)));

    const std::string svc = std::string(CASEGATE_SOURCE_DIR) + "/scripts/dev-services";
    BOOST_REQUIRE_EQUAL(shell(svc + " stop pg && " + svc + " start pg"), 0);
    deliver("referrals", referral(5, "7000005"));
    BOOST_TEST(eventually([&] { return count_or_unknown(db, "SELECT count(*) FROM cases") == 2; },
                          std::chrono::seconds(40)));

    stop_with_sigterm(daemon);
}

// A message over max_message_bytes keeps its header in the database, set aside with a reason
// naming the limit; the whole message stays in the processed folder; nobody is written to.
BOOST_FIXTURE_TEST_CASE(oversized_message_is_kept_with_reason, Fresh) {
    TestDb db;
    ConfigOptions opt;
    opt.extra = "[limits]\nmax_message_bytes = 65536\n";
    TestConfig cfg(db, opt);
    deliver("referrals", referral(10) + std::string(100 * 1024, 'x') + "\r\n");
    deliver("referrals", referral(11));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    auto r = db.db().exec(
        "SELECT state, truncated, reason, length(raw) FROM inbound_items WHERE size > 65536");
    BOOST_REQUIRE_EQUAL(r.rows(), 1);
    BOOST_TEST(r.text(0, 0) == "quarantined");
    BOOST_TEST(r.boolean(0, 1));
    BOOST_TEST(r.text(0, 2).find("max_message_bytes=65536") != std::string::npos, r.text(0, 2));
    BOOST_TEST(r.int64(0, 3) < 65536);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);  // the other message is unaffected
    BOOST_TEST(imap_count("referrals", "INBOX") == 0);
    BOOST_TEST(imap_count("referrals", "Processed") == 2);
    BOOST_TEST(sent_messages().size() == 2u);  // only the other referral's two emails
}

// A Maildir source: the message is stored, becomes a case, and moves from new/ to cur/.
BOOST_FIXTURE_TEST_CASE(maildir_source_moves_to_cur_after_storing, Fresh) {
    TestDb db;
    const std::string md = Services::get().var + "/tests/maildir_" + std::to_string(getpid());
    std::filesystem::remove_all(md);
    for (const char* sub : {"new", "cur", "tmp"})
        std::filesystem::create_directories(md + "/" + sub);
    std::ofstream(md + "/new/1700000000.M1P1.test") << referral(6);
    ConfigOptions opt;
    opt.imap_users = {};
    opt.maildirs = {md};
    TestConfig cfg(db, opt);
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(std::filesystem::exists(md + "/cur/1700000000.M1P1.test:2,S"));
    BOOST_TEST(!std::filesystem::exists(md + "/new/1700000000.M1P1.test"));
    std::filesystem::remove_all(md);
}

// A UIDVALIDITY change renumbers every message; one stored before the change (but not yet
// moved) is fetched again under its new UID and recognised as the same message: one case.
BOOST_FIXTURE_TEST_CASE(uidvalidity_change_does_not_duplicate, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", referral(7));
    BOOST_REQUIRE_EQUAL(run_once(cfg, {{"CASEGATE_TEST_EXIT_AFTER_STORE", "1"}}), 137);
    const auto before = db.db().exec("SELECT uidvalidity FROM inbound_items").int64(0, 0);
    // Dovecot gives the folder a new UIDVALIDITY when its UID list and indexes are lost.
    const std::string maildir = Services::get().var + "/mail/referrals/Maildir";
    BOOST_REQUIRE_EQUAL(
        shell("rm -f '" + maildir + "'/dovecot-uidlist '" + maildir + "'/dovecot.index*"), 0);
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(DISTINCT uidvalidity) FROM inbound_items") == 2);
    BOOST_TEST(db.db().exec("SELECT max(uidvalidity) FROM inbound_items").int64(0, 0) != before);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'duplicate'") == 1);
    BOOST_TEST(imap_count("referrals", "INBOX") == 0);
    BOOST_TEST(sent_messages().size() == 2u);
}

// SIGHUP with a broken configuration keeps the running one (the daemon goes on working);
// SIGHUP with a good one is taken.
BOOST_FIXTURE_TEST_CASE(sighup_keeps_running_config_when_new_one_is_bad, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    const std::string good = read_file(cfg.path());
    Process daemon({casegate_binary(), "run", "--config", cfg.path()});
    BOOST_REQUIRE(
        eventually([&] { return count_or_unknown(db, "SELECT count(*) FROM inbound_items") == 0; },
                   std::chrono::seconds(20)));
    std::ofstream(cfg.path()) << good << "\nnot_a_key = 1\n";
    daemon.signal(SIGHUP);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    deliver("referrals", referral(8));
    BOOST_TEST(eventually([&] { return count_or_unknown(db, "SELECT count(*) FROM cases") == 1; },
                          std::chrono::seconds(20)));
    std::ofstream(cfg.path()) << good;
    daemon.signal(SIGHUP);
    deliver("referrals", referral(9));
    BOOST_TEST(eventually([&] { return count_or_unknown(db, "SELECT count(*) FROM cases") == 2; },
                          std::chrono::seconds(20)));
    stop_with_sigterm(daemon);
}

// Under systemd (Type=notify) the daemon says READY=1 once it is connected and migrated, pings
// the watchdog at half of WatchdogSec, and says STOPPING=1 on SIGTERM.
BOOST_FIXTURE_TEST_CASE(sd_notify_ready_watchdog_stopping, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    NotifyListener notify(cfg.dir() + "/notify.sock");
    Process daemon({casegate_binary(), "run", "--config", cfg.path()},
                   {{"NOTIFY_SOCKET", notify.path}, {"WATCHDOG_USEC", "400000"}});
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    bool stopping_asked = false;
    while (std::chrono::steady_clock::now() < until &&
           notify.seen.find("STOPPING=1") == std::string::npos) {
        notify.receive(std::chrono::milliseconds(200));
        if (!stopping_asked && notify.seen.find("READY=1") != std::string::npos &&
            notify.count("WATCHDOG=1") >= 2) {
            daemon.signal(SIGTERM);
            stopping_asked = true;
        }
    }
    const std::string& seen = notify.seen;
    BOOST_TEST(seen.find("READY=1") != std::string::npos, seen);
    BOOST_TEST(seen.find("WATCHDOG=1") != std::string::npos, seen);
    BOOST_TEST(seen.find("STOPPING=1") != std::string::npos, seen);
    BOOST_TEST(daemon.wait(std::chrono::seconds(10)) != -1);
}

// A filled PDF form attached to an email becomes a complete case with the PDF's values; the PDF
// is kept as a document of the case, and the acknowledgement goes to the email's sender.
BOOST_FIXTURE_TEST_CASE(emailed_filled_pdf_becomes_case, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", email_with_pdf("pdf-1", "Please find the referral form attached.\n",
                                        test_data("pdf/referral_form_filled_by_pdftk.pdf"),
                                        "Referral – Dafydd.pdf"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    auto r = db.db().exec(
        "SELECT c.trainee_name, c.gmc_number, c.concern_type, s.channel,"
        " (SELECT count(*) FROM documents d WHERE d.case_id = c.id AND d.content_type = 'application/pdf')"
        " FROM cases c JOIN submissions s ON s.case_id = c.id");
    BOOST_REQUIRE_EQUAL(r.rows(), 1);
    BOOST_TEST(r.text(0, 0) == "Dafydd ap Gwŷn");
    BOOST_TEST(r.text(0, 1) == "7123456");
    BOOST_TEST(r.text(0, 2) == "Health");
    BOOST_TEST(r.text(0, 3) == "email-pdf");
    BOOST_TEST(r.int64(0, 4) == 1);
    const auto sent = sent_messages();
    BOOST_REQUIRE_EQUAL(sent.size(), 2u);
    int to_sender = 0;
    for (const auto& m : sent) to_sender += has_header(m, "sian.nibhriain@trust.example.nhs.uk") ? 1 : 0;
    BOOST_TEST(to_sender == 1);
}

// Hostile input in the same poll as good mail: a MIME nesting bomb and an email whose PDF is
// built to exhaust a parser are set aside with their reasons, the good referrals become cases,
// and the daemon keeps running and takes later mail.
BOOST_FIXTURE_TEST_CASE(hostile_mail_is_set_aside_and_the_daemon_carries_on, Fresh) {
    TestDb db;
    ConfigOptions opt;
    opt.poll_interval = 5;
    TestConfig cfg(db, opt);
    deliver("referrals", referral(31));
    deliver("referrals", test_data("fuzz/mime/depth_bomb_multipart_500.eml"));
    deliver("referrals", email_with_pdf("hostile-pdf-1", "Form attached.\n",
                                        test_data("fuzz/pdf/nested_arrays_20000.pdf"), "form.pdf"));
    deliver("referrals", email_with_pdf("damaged-pdf-1", "Form attached.\n",
                                        test_data("pdf/filled_user_password.pdf"), "locked.pdf"));
    deliver("referrals", referral(32));
    NotifyListener notify(cfg.dir() + "/notify.sock");
    Process daemon({casegate_binary(), "run", "--config", cfg.path()}, {{"NOTIFY_SOCKET", notify.path}});
    BOOST_REQUIRE(eventually([&] {
        return count_or_unknown(db, "SELECT count(*) FROM inbound_items WHERE state <> 'received'") == 5;
    }, std::chrono::seconds(60)));
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 2);
    auto bomb = db.db().exec("SELECT state, reason FROM inbound_items WHERE raw LIKE '%boundary=b499%'");
    BOOST_REQUIRE_EQUAL(bomb.rows(), 1);
    BOOST_TEST(bomb.text(0, 0) == "quarantined");
    BOOST_TEST(bomb.text(0, 1).find("max_depth") != std::string::npos, bomb.text(0, 1));
    auto locked = db.db().exec(
        "SELECT state, reason FROM inbound_items WHERE message_id = 'damaged-pdf-1@trust.example.nhs.uk'");
    BOOST_REQUIRE_EQUAL(locked.rows(), 1);
    BOOST_TEST(locked.text(0, 0) == "set_aside");
    BOOST_TEST(locked.text(0, 1).find("password") != std::string::npos, locked.text(0, 1));
    auto hostile = db.db().exec(
        "SELECT state FROM inbound_items WHERE message_id = 'hostile-pdf-1@trust.example.nhs.uk'");
    BOOST_REQUIRE_EQUAL(hostile.rows(), 1);
    BOOST_TEST(hostile.text(0, 0) != "received");
    // Still running, says so to systemd with what became of the items, and still working.
    BOOST_TEST(daemon.wait(std::chrono::milliseconds(100)) == -1);
    BOOST_TEST(eventually([&] {
        notify.receive(std::chrono::milliseconds(100));
        return notify.seen.find("STATUS=running; since start: 2 cases, 0 incomplete") != std::string::npos &&
               notify.seen.find(" 1 quarantined") != std::string::npos;
    }, std::chrono::seconds(10)), notify.seen);
    deliver("referrals", referral(33));
    BOOST_TEST(eventually([&] { return count_or_unknown(db, "SELECT count(*) FROM cases") == 3; },
                          std::chrono::seconds(30)));
    stop_with_sigterm(daemon);
}

// ---- routing by the doctor's programme (DESIGN.md flow step 6) ---------------------------

namespace {

namespace rv = casegate::revalidation;

rv::Date local_date_today() { return *rv::Date::parse(local_today()); }

rv::TisPerson programme_person(const std::string& id, const std::string& gmc,
                               const std::string& body, const char* start, const char* end) {
    rv::TisPerson p;
    p.tis_person_id = id;
    p.gmc_number = gmc;
    p.forenames = "Test";
    p.surname = "Doctor";
    p.current_grade = "ST4";
    rv::ProgrammeMembership m;
    m.id = "PM-" + id;
    m.programme_name = "Paediatrics";
    m.start_date = rv::Date::parse(start);
    m.end_date = rv::Date::parse(end);
    m.designated_body = body;
    p.programme_memberships.push_back(m);
    return p;
}

// Revalidation data as the daemon's scheduled check leaves it, written through the storage
// repository: 7012301 in a current East Midlands programme and not connected (NOT_CONNECTED);
// 7012302 connected to East of England after its programme there ended (MEMBERSHIP_ENDED).
void seed_revalidation(TestDb& db) {
    casegate::storage::Db& d = db.db();
    casegate::storage::migrate(d);
    const rv::Date today = local_date_today();
    casegate::storage::Transaction tx(d);
    casegate::storage::apply_tis_snapshot(
        d,
        {programme_person("P301", "7012301", "1-1RSSPZ7", "2020-01-01", "2099-12-31"),
         programme_person("P302", "7012302", "1-1RSSQ05", "2010-01-01", "2015-01-01")},
        0);
    rv::GmcDoctor g;
    g.gmc_number = "7012302";
    g.designated_body = "1-1RSSQ05";
    casegate::storage::apply_gmc_snapshot(d, "1-1RSSQ05", {g}, today);
    casegate::storage::store_classifications(
        d, rv::classify(casegate::storage::load_inputs(d), today), today);
    tx.commit();
}

}  // namespace

// A referral that names no local office goes to the office of the doctor's current programme
// (East Midlands, not the default East of England), and the doctor's list and reasons are
// recorded on the case for triage; the East Midlands admins get the alert.
BOOST_FIXTURE_TEST_CASE(referral_routed_by_doctors_programme, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    seed_revalidation(db);
    deliver("referrals", referral(41, "7012301"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);

    auto c = db.db().exec("SELECT id, local_office, designated_body FROM cases");
    BOOST_REQUIRE_EQUAL(c.rows(), 1);
    BOOST_TEST(c.text(0, 1) == "East Midlands");
    BOOST_TEST(c.text(0, 2) == "1-1RSSPZ7");
    auto a = db.db().exec(
        "SELECT details->>'list', details->'reasons'::text, details->>'routed_by',"
        " details->'current_tis_designated_bodies'::text, details->>'gmc_number'"
        " FROM case_actions WHERE kind = 'revalidation' AND case_id = " + c.text(0, 0));
    BOOST_REQUIRE_EQUAL(a.rows(), 1);
    BOOST_TEST(a.text(0, 0) == "discrepancy");
    BOOST_TEST(a.text(0, 1) == "[\"NOT_CONNECTED\"]");
    BOOST_TEST(a.text(0, 2) == "programme");
    BOOST_TEST(a.text(0, 3) == "[\"1-1RSSPZ7\"]");
    BOOST_TEST(a.text(0, 4) == "7012301");
    int to_em = 0, to_eoe = 0;
    for (const auto& m : sent_messages()) {
        if (has_header(m, "em-admin@casegate.test")) ++to_em;
        if (has_header(m, "eoe-admin@casegate.test")) ++to_eoe;
    }
    BOOST_TEST(to_em == 1);
    BOOST_TEST(to_eoe == 0);
}

// A doctor with no current programme goes to the default office, with the discrepancy
// (MEMBERSHIP_ENDED) recorded; a doctor casegate holds no revalidation data on is routed as
// before and gets no revalidation action.
BOOST_FIXTURE_TEST_CASE(referral_without_programme_or_data_goes_to_default, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    seed_revalidation(db);
    deliver("referrals", referral(42, "7012302"));
    deliver("referrals", referral(43, "7012399"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);

    auto ended = db.db().exec(
        "SELECT c.local_office, a.details->>'list', a.details->'reasons'::text,"
        " a.details->>'routed_by', a.details->>'gmc_designated_body'"
        " FROM cases c JOIN case_actions a ON a.case_id = c.id AND a.kind = 'revalidation'"
        " WHERE c.gmc_number = '7012302'");
    BOOST_REQUIRE_EQUAL(ended.rows(), 1);
    BOOST_TEST(ended.text(0, 0) == "East of England");
    BOOST_TEST(ended.text(0, 1) == "discrepancy");
    BOOST_TEST(ended.text(0, 2) == "[\"MEMBERSHIP_ENDED\"]");
    BOOST_TEST(ended.text(0, 3) == "default");
    BOOST_TEST(ended.text(0, 4) == "1-1RSSQ05");

    auto unknown = db.db().exec("SELECT id, local_office FROM cases WHERE gmc_number = '7012399'");
    BOOST_REQUIRE_EQUAL(unknown.rows(), 1);
    BOOST_TEST(unknown.text(0, 1) == "East of England");
    BOOST_TEST(db.count("SELECT count(*) FROM case_actions WHERE case_id = " +
                        unknown.text(0, 0) + " AND kind = 'revalidation'") == 0);
    BOOST_TEST(db.count("SELECT count(*) FROM case_actions WHERE case_id = " +
                        unknown.text(0, 0) + " AND kind = 'created'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
