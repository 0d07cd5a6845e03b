// End-to-end: attachments — a filled PDF form by email, and hostile mail beside good mail.
#include "parsers/pdf_form.hpp"
#include "tests/e2e/e2e_support.hpp"

using namespace casegate::e2e;

BOOST_AUTO_TEST_SUITE(e2e)

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
    const std::string log = cfg.dir() + "/casegate.log";
    Process daemon({casegate_binary(), "run", "--config", cfg.path()}, {{"NOTIFY_SOCKET", notify.path}},
                   log);
    BOOST_REQUIRE(eventually([&] {
        return count_or_unknown(db, "SELECT count(*) FROM inbound_items WHERE state <> 'received'") == 5;
    }, std::chrono::seconds(60)));
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 2);
    auto bomb = db.db().exec("SELECT state, reason, id FROM inbound_items WHERE raw LIKE '%boundary=b499%'");
    BOOST_REQUIRE_EQUAL(bomb.rows(), 1);
    BOOST_TEST(bomb.text(0, 0) == "quarantined");
    BOOST_TEST(bomb.text(0, 1).find("max_depth") != std::string::npos, bomb.text(0, 1));
    // The log names the item and the limit, nothing of the message.
    const auto quarantined = log_lines(log, "item quarantined item=" + bomb.text(0, 2) + " ");
    BOOST_REQUIRE_EQUAL(quarantined.size(), 1u);
    BOOST_TEST(quarantined[0].find(" debug ") == std::string::npos, quarantined[0]);
    BOOST_TEST(quarantined[0].ends_with(" reason=max_depth"), quarantined[0]);
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

BOOST_AUTO_TEST_SUITE_END()
