// The public form in a real browser (tests/browser/form.test.mjs) against the real form
// service; then a second referral sent as a browser without JavaScript would (curl, plain form
// posts); then the daemon pulls both: two cases of channel web, with the document, each
// referrer acknowledged by email, nothing left at the service.
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/harness.hpp"

using namespace casegate::e2e;
namespace fs = std::filesystem;

namespace {


void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

std::size_t acknowledgements_to(const std::string& address) {
    std::size_t n = 0;
    for (const auto& m : sent_messages_to(address))
        n += m.find("Subject: Referral received") != std::string::npos ? 1 : 0;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(form_browser)

BOOST_AUTO_TEST_CASE(a_referrer_with_only_a_browser_sends_a_referral) {
    reset_mail();
    TestDb db;
    const std::string dir = fs::temp_directory_path() / ("casegate-form-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const int port = test_port(64);
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    write(dir + "/token", "browser-pull-token-0123456789");
    chmod((dir + "/token").c_str(), 0600);
    write(dir + "/form-service.toml",
          "[form_service]\nlisten = \"127.0.0.1:" + std::to_string(port) + "\"\nspool_dir = \"" +
              dir + "/spool\"\nassets_dir = \"" + CASEGATE_BINARY_DIR +
              "/web/assets\"\npull_token_file = \"" + dir + "/token\"\nmetrics_listen = \"\"\n");
    Process service({casegate_binary(), "form-service", "--config", dir + "/form-service.toml"}, {},
                    dir + "/form-service.log");
    BOOST_REQUIRE(eventually([port] { return port_open(port); }, std::chrono::seconds(10)));

    const std::string shots = std::string(CASEGATE_BINARY_DIR) + "/tests/browser/screenshots";
    const std::string document = std::string(CASEGATE_SOURCE_DIR) + "/tests/data/pdf/referral_form_blank.pdf";
    const int status = shell(
        "cd " + shell_quoted(CASEGATE_SOURCE_DIR) +
        " && CASEGATE_WEB_DIR=" + shell_quoted(std::string(CASEGATE_SOURCE_DIR) + "/web") +
        " CASEGATE_SMTP_MAILDIR=" + shell_quoted(Services::get().smtp_maildir) +
        " CASEGATE_SCREENSHOTS=" + shell_quoted(shots + "/form") + " CASEGATE_FORM_URL=" + shell_quoted(base) +
        " CASEGATE_DOCUMENT=" + shell_quoted(document) +
        " timeout 300 node --test tests/browser/form.test.mjs");
    BOOST_TEST(status == 0, "the browser test failed; screenshots in " << shots << "/form");

    // Without JavaScript: the check page, then the send, as plain form posts.
    const std::string fields =
        " --data-urlencode \"trainee_name=Robin No-Script\" -d gmc_number=7090123"
        " --data-urlencode \"referrer_name=Pat Plain\" -d referrer_email=pat.plain@trust.example.nhs.uk"
        " --data-urlencode \"referrer_role=Clinical Supervisor\" -d concern_route=Personal"
        " -d concern_type=Health --data-urlencode \"details=Asked for help with a health matter.\"";
    BOOST_TEST(shell("curl -sf -o /dev/null" + fields + " " + base + "/") == 0);
    BOOST_TEST(shell("test \"$(curl -s -o /dev/null -w '%{http_code}'" + fields +
                     " -d terms_accepted=yes " + base + "/send)\" = 303") == 0);

    ConfigOptions opt;
    opt.extra = "[[form_endpoint]]\nname = \"web\"\nurl = \"" + base + "\"\ntoken_file = \"" +
                dir + "/token\"\n";
    TestConfig cfg(db, opt);
    BOOST_REQUIRE_EQUAL(run_casegate({"run", "--once", "--config", cfg.path()}), 0);
    auto r = db.db().exec(
        "SELECT c.trainee_name, s.channel, (SELECT count(*) FROM documents d WHERE d.case_id = c.id)"
        " FROM cases c JOIN submissions s ON s.case_id = c.id ORDER BY c.gmc_number");
    BOOST_REQUIRE_EQUAL(r.rows(), 2);
    BOOST_TEST(r.text(0, 0) == "Dana Web-Doctor");
    BOOST_TEST(r.text(0, 1) == "web");
    BOOST_TEST(r.int64(0, 2) == 1);
    BOOST_TEST(r.text(1, 0) == "Robin No-Script");
    BOOST_TEST(r.int64(1, 2) == 0);
    BOOST_TEST(acknowledgements_to("sam.browser@trust.example.nhs.uk") == 1U);
    BOOST_TEST(acknowledgements_to("pat.plain@trust.example.nhs.uk") == 1U);
    BOOST_TEST(fs::is_empty(dir + "/spool/pending"));

    service.signal(SIGTERM);
    BOOST_TEST(service.wait(std::chrono::seconds(10)) == 0);
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
