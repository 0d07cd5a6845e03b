// The staff console in a real browser (tests/browser/console.test.mjs): three referrals made
// cases by the daemon, then the daemon and the console left running while Debian's chromium
// signs an admin in through the emailed link and runs a case. Afterwards the database is
// checked for what the browser did: the change made once, the views audited, the admin's
// session ended.
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <string>

#include "tests/support/harness.hpp"

using namespace casegate::e2e;

namespace {


std::string referral(int n, const std::string& office, const std::string& doctor,
                     const std::string& gmc) {
    const std::string id = std::to_string(n);
    return "From: Supervisor " + id + " <sup" + id + "@trust.example.nhs.uk>\r\n"
           "To: referrals@casegate.test\r\nSubject: Referral\r\nMessage-ID: <browser-" + id +
           "@trust.example.nhs.uk>\r\nDate: Thu, 19 Nov 2026 09:00:00 +0000\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           "Doctor's full name: " + doctor + "\r\nGMC number: " + gmc +
           "\r\nYour name: Sam Supervisor\r\nYour role: Educational Supervisor\r\n"
           "Local office: " + office + "\r\nRoute: Professional\r\nType of concern: Conduct\r\n"
           "Details of the concern: Something happened.\r\n"
           "I accept the terms and conditions: yes\r\n";
}


}  // namespace

BOOST_AUTO_TEST_SUITE(console_browser)

BOOST_AUTO_TEST_CASE(an_admin_runs_a_case_in_the_browser) {
    reset_mail();
    TestDb db;
    const int port = test_port(63);
    const std::string base = "http://localhost:" + std::to_string(port);
    ConfigOptions opt;
    opt.extra = std::string(kEastMidlandsStaff) + "[console]\nlisten = \"127.0.0.1:" + std::to_string(port) +
                "\"\nbase_url = \"" + base + "/\"\nassets_dir = \"" + CASEGATE_BINARY_DIR +
                "/web/assets\"\nthreads = 4\nmetrics_listen = \"\"\n";
    TestConfig cfg(db, opt);

    deliver("referrals", referral(1, "East Midlands", "Test Doctor", "7012345"));
    deliver("referrals", referral(2, "East Midlands", "Jo Bloggs", "7000002"));
    deliver("referrals", referral(3, "East of England", "Pat Other", "7000003"));
    BOOST_REQUIRE_EQUAL(run_casegate({"run", "--once", "--config", cfg.path()}), 0);
    const auto ref_of = [&db](const std::string& gmc) {
        return db.db()
            .exec("SELECT reference FROM cases WHERE gmc_number = '" + gmc + "'")
            .text(0, 0);
    };
    const std::string ref = ref_of("7012345");
    const std::string searched = ref_of("7000002");
    const std::string other = ref_of("7000003");

    Process daemon({casegate_binary(), "run", "--config", cfg.path()}, {},
                   cfg.dir() + "/daemon.log");
    Process console({casegate_binary(), "console", "--config", cfg.path()}, {},
                    cfg.dir() + "/console.log");
    BOOST_REQUIRE(eventually([port] { return port_open(port); }, std::chrono::seconds(10)));

    const std::string shots = std::string(CASEGATE_BINARY_DIR) + "/tests/browser/screenshots";
    const std::string command =
        "cd " + shell_quoted(CASEGATE_SOURCE_DIR) +
        " && CASEGATE_WEB_DIR=" + shell_quoted(std::string(CASEGATE_SOURCE_DIR) + "/web") +
        " CASEGATE_SMTP_MAILDIR=" + shell_quoted(Services::get().smtp_maildir) +
        " CASEGATE_SCREENSHOTS=" + shell_quoted(shots) + " CASEGATE_CONSOLE_URL=" + shell_quoted(base) +
        " CASEGATE_ADMIN=alex.admin@casegate.test CASEGATE_CASE_MANAGER=casey@casegate.test"
        " CASEGATE_CASE=" + ref + " CASEGATE_SEARCHED=" + searched +
        " CASEGATE_SEARCH='Jo Bloggs' CASEGATE_OTHER_CASE=" + other +
        " CASEGATE_REFERRER=sup1@trust.example.nhs.uk"
        " timeout 300 node --test tests/browser/console.test.mjs";
    const int status = shell(command);
    if (status != 0) {
        BOOST_TEST_MESSAGE("console log:\n" << read_file(cfg.dir() + "/console.log"));
    }
    BOOST_TEST(status == 0, "the browser test failed; screenshots in " << shots);

    // What the browser did, as the database has it.
    BOOST_TEST(db.db().exec("SELECT status FROM cases WHERE reference = '" + ref + "'").text(0, 0) ==
               "accepted");
    BOOST_TEST(db.db()
                   .exec("SELECT case_manager FROM cases WHERE reference = '" + ref + "'")
                   .text(0, 0) == "casey@casegate.test");
    BOOST_TEST(db.count("SELECT count(*) FROM audit_log WHERE action = 'case.accept' AND "
                        "actor = 'alex.admin@casegate.test'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM audit_log WHERE action = 'case.viewed' AND "
                        "actor = 'alex.admin@casegate.test'") >= 3);
    // Opening another office's case is audited as refused.
    BOOST_TEST(db.count("SELECT count(*) FROM audit_log a JOIN cases c ON c.id = a.case_id "
                        "WHERE a.action = 'case.view_refused' AND c.reference = '" + other +
                        "'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM documents d JOIN cases c ON c.id = d.case_id "
                        "WHERE c.reference = '" + ref + "'") == 1);
    // The admin signed out; the case manager, who came by the link in her email, did not.
    BOOST_TEST(db.count("SELECT count(*) FROM console_sessions WHERE ended_at IS NULL AND "
                        "email = 'alex.admin@casegate.test'") == 0);
    BOOST_TEST(db.count("SELECT count(*) FROM console_sessions WHERE ended_at IS NULL AND "
                        "email = 'casey@casegate.test'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM audit_log WHERE action = 'case.viewed' AND "
                        "actor = 'casey@casegate.test'") == 1);

    console.signal(SIGTERM);
    BOOST_TEST(console.wait(std::chrono::seconds(10)) == 0);
    daemon.signal(SIGTERM);
    BOOST_TEST(daemon.wait(std::chrono::seconds(10)) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
