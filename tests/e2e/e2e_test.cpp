// End-to-end: the real casegate binary, real Dovecot, real PostgreSQL, real SMTP receiver:
// the mail flow, crashes and restarts, signals and systemd.
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "parsers/pdf_form.hpp"
#include "tests/e2e/e2e_support.hpp"

using namespace casegate::e2e;

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

// kill -9 while notifications are being sent (to a server that never answers): the claimed
// rows are leased for a short time only, are not sent while the lease runs, and once it has
// run out a new process sends each of them.
BOOST_FIXTURE_TEST_CASE(notifications_claimed_by_a_killed_process_are_sent_after_the_lease, Fresh) {
    TestDb db;
    const int port = test_port(62);
    Process silent({"/usr/bin/python3", std::string(CASEGATE_SOURCE_DIR) + "/tests/support/smtp_faults.py",
                    "--silent", std::to_string(port)});
    BOOST_REQUIRE(eventually([&] { return port_open(port); }, std::chrono::seconds(20)));
    ConfigOptions stuck;
    stuck.smtp_url = "smtp://127.0.0.1:" + std::to_string(port);
    TestConfig stuck_cfg(db, stuck);
    TestConfig cfg(db);
    deliver("referrals", referral(6));
    {
        Process daemon({casegate_binary(), "run", "--config", stuck_cfg.path()});
        BOOST_REQUIRE(eventually([&] {
            return count_or_unknown(db, "SELECT count(*) FROM outbox WHERE next_attempt_at > now()") == 2;
        }, std::chrono::seconds(30)));
        daemon.signal(SIGKILL);
        BOOST_REQUIRE(daemon.wait(std::chrono::seconds(10)) != -1);
    }
    // Claimed (not yet due) for the short lease only.
    BOOST_REQUIRE_EQUAL(db.count("SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts = 0"
                                 " AND next_attempt_at > now()"
                                 " AND next_attempt_at <= now() + interval '30 seconds'"), 2);
    // While the lease runs a new process leaves the rows alone.
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    if (db.count("SELECT count(*) FROM outbox WHERE next_attempt_at > now()") == 2) {
        BOOST_TEST(db.count("SELECT count(*) FROM outbox WHERE state = 'pending'") == 2);
        BOOST_TEST(sent_messages().empty());
    }
    // Once it has run out, the next process sends both.
    BOOST_REQUIRE(eventually([&] {
        return db.count("SELECT count(*) FROM outbox WHERE next_attempt_at <= now()") == 2;
    }, std::chrono::seconds(40)));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM outbox WHERE state = 'sent' AND attempts = 1") == 2);
    BOOST_TEST(sent_messages().size() == 2u);
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

// A message over max_message_bytes keeps its header in the database, quarantined with a reason
// naming the limit, and the log says so (item id and limit only); the whole message stays in
// the processed folder; nobody is written to.
BOOST_FIXTURE_TEST_CASE(oversized_message_is_kept_with_reason, Fresh) {
    TestDb db;
    ConfigOptions opt;
    opt.extra = "[limits]\nmax_message_bytes = 65536\n";
    TestConfig cfg(db, opt);
    deliver("referrals", referral(10) + std::string(100 * 1024, 'x') + "\r\n");
    deliver("referrals", referral(11));
    const std::string log = cfg.dir() + "/casegate.log";
    BOOST_REQUIRE_EQUAL(run_once(cfg, {}, log), 0);
    auto r = db.db().exec(
        "SELECT state, truncated, reason, length(raw), id FROM inbound_items WHERE size > 65536");
    BOOST_REQUIRE_EQUAL(r.rows(), 1);
    BOOST_TEST(r.text(0, 0) == "quarantined");
    const auto lines = log_lines(log, "item quarantined");
    BOOST_REQUIRE_EQUAL(lines.size(), 1u);
    BOOST_TEST(lines[0].find(" debug ") == std::string::npos, lines[0]);
    BOOST_TEST(lines[0].find("item quarantined item=" + r.text(0, 4) + " reason=max_message_bytes") !=
                   std::string::npos,
               lines[0]);
    for (const auto& line : log_lines(log, "sup10")) BOOST_TEST(line.find(" debug ") != std::string::npos, line);
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

// SIGHUP applies what a reload may change and keeps what needs a restart: a new office address
// is used at once, a new database is not (the schema is migrated at start-up only).
BOOST_FIXTURE_TEST_CASE(sighup_keeps_keys_that_need_a_restart, Fresh) {
    TestDb db;
    TestDb other;
    TestConfig cfg(db);
    std::string next = read_file(cfg.path());
    next.replace(next.find(db.conninfo()), db.conninfo().size(), other.conninfo());
    const std::string old_admin = "eoe-admin@casegate.test";
    next.replace(next.find(old_admin), old_admin.size(), "eoe-new@casegate.test");
    Process daemon({casegate_binary(), "run", "--config", cfg.path()});
    BOOST_REQUIRE(
        eventually([&] { return count_or_unknown(db, "SELECT count(*) FROM inbound_items") == 0; },
                   std::chrono::seconds(20)));
    std::ofstream(cfg.path()) << next;
    daemon.signal(SIGHUP);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    deliver("referrals", referral(10));
    BOOST_TEST(eventually([&] { return count_or_unknown(db, "SELECT count(*) FROM cases") == 1; },
                          std::chrono::seconds(20)));
    BOOST_TEST(eventually(
        [&] {
            for (const auto& m : sent_messages()) {
                if (has_header(m, "eoe-new@casegate.test")) return true;
            }
            return false;
        },
        std::chrono::seconds(20)));
    BOOST_TEST(count_or_unknown(other, "SELECT count(*) FROM inbound_items") == -1);
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

BOOST_AUTO_TEST_SUITE_END()
