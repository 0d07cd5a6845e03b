// End-to-end: the public form. The real form service (`casegate form-service`) on loopback, a
// referral sent to it over HTTP as a browser without JavaScript sends it (form fields, then the
// check page's multipart form with a document), and the real daemon pulling it through a
// [[form_endpoint]]: the same case, documents and emails as an emailed referral; crashes,
// a service that is down or answers garbage, and a submission the daemon finds incomplete.
// A fake pull API (tests/support/pull_api.py) sends a document shorter than listed and fails
// an acknowledgement.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "formsvc/spool.hpp"
#include "net/curl.hpp"
#include "storage/operations.hpp"
#include "tests/e2e/e2e_support.hpp"
#include "tests/support/tools.hpp"
#include "util/strings.hpp"

using namespace casegate::e2e;
namespace fs = std::filesystem;
using Fields = std::vector<std::pair<std::string, std::string>>;

namespace {

constexpr const char* kToken = "pull-token-0123456789abcdef";

void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// The form service on its own port, with its own spool, as its unit runs it.
struct FormService {
    std::string dir = fs::temp_directory_path() / ("casegate-web-" + std::to_string(getpid()));
    int port = test_port(60);
    int metrics_port = test_port(67);
    std::string url = "http://127.0.0.1:" + std::to_string(port);
    std::string spool = dir + "/spool";
    std::unique_ptr<Process> process;

    FormService() {
        fs::remove_all(dir);
        fs::create_directories(dir + "/assets");
        write(dir + "/token", kToken);
        chmod((dir + "/token").c_str(), 0600);
        write(dir + "/form-service.toml",
              "[form_service]\nlisten = \"127.0.0.1:" + std::to_string(port) +
                  "\"\nspool_dir = \"" + spool + "\"\nassets_dir = \"" + dir +
                  "/assets\"\npull_token_file = \"" + dir +
                  "/token\"\nmax_documents = 2\nmax_document_bytes = 65536\n"
                  "threads = 3\nmetrics_listen = \"127.0.0.1:" +
                  std::to_string(metrics_port) + "\"\n");
        start();
    }
    ~FormService() {
        process.reset();
        fs::remove_all(dir);
    }
    void start() {
        process = std::make_unique<Process>(
            std::vector<std::string>{casegate_binary(), "form-service", "--config",
                                     dir + "/form-service.toml"},
            std::map<std::string, std::string>{}, dir + "/form-service.log");
        // When it does not come up, its log says why (a port taken, a refused setting).
        BOOST_REQUIRE_MESSAGE(eventually([&] { return port_open(port); }, std::chrono::seconds(10)),
                              "the form service did not listen on "
                                  << port << "; its log:\n"
                                  << casegate::test_tools::read_file(dir + "/form-service.log"));
    }
    void stop() {
        process->signal(SIGTERM);
        BOOST_TEST(process->wait(std::chrono::seconds(10)) != -1);
        process.reset();
    }
    std::size_t pending() const { return casegate::formsvc::Spool(spool).pending("", 500).size(); }
    // The daemon's configuration block for this service.
    std::string endpoint(const std::string& at = {}) const {
        return "[[form_endpoint]]\nname = \"web\"\nurl = \"" + (at.empty() ? url : at) +
               "\"\ntoken_file = \"" + dir + "/token\"\npoll_interval = 5\n\n";
    }
};

Fields referral_fields(const std::string& gmc = "7034567") {
    return {{"trainee_name", "Dana Doctor"},
            {"gmc_number", gmc},
            {"referrer_name", "Sam Supervisor"},
            {"referrer_email", "sam.web@trust.example.nhs.uk"},
            {"referrer_role", "Educational Supervisor"},
            {"concern_route", "Professional"},
            {"concern_type", "Conduct"},
            {"support_requested", "Coaching"},
            {"details", "Missed three shifts without telling anyone."}};
}

// POST / with the fields (check your answers), then POST /send as the check page's multipart
// form with the declaration and one document. Returns the receipt.
std::string send_referral(const FormService& svc, const Fields& fields,
                          const std::string& document = {}) {
    std::string form;
    for (const auto& [k, v] : fields)
        form += (form.empty() ? "" : "&") + k + "=" + casegate::util::percent_encode(v);
    const casegate::net::HttpResponse check =
        casegate::net::http_post(svc.url + "/", form, "application/x-www-form-urlencoded");
    BOOST_REQUIRE(check.ok);
    BOOST_REQUIRE_EQUAL(check.status, 200);
    BOOST_REQUIRE(check.body.find("Check your answers") != std::string::npos);

    const std::string boundary = "----casegate-test-boundary";
    std::string body;
    const auto part = [&](const std::string& disposition, const std::string& content) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; " + disposition +
                "\r\n\r\n" + content + "\r\n";
    };
    for (const auto& [k, v] : fields) part("name=\"" + k + "\"", v);
    part("name=\"terms_accepted\"", "yes");
    if (!document.empty())
        part("name=\"documents\"; filename=\"statement.pdf\"\r\nContent-Type: application/pdf",
             document);
    body += "--" + boundary + "--\r\n";
    const casegate::net::HttpResponse sent = casegate::net::http_post(
        svc.url + "/send", body, "multipart/form-data; boundary=" + boundary);
    BOOST_REQUIRE(sent.ok);
    BOOST_REQUIRE_MESSAGE(sent.status == 303, "status " << sent.status << ": " << sent.body);
    const casegate::net::HttpResponse listed = casegate::net::http_get(
        svc.url + "/api/submissions", {}, {std::string("Authorization: Bearer ") + kToken});
    const std::size_t at = listed.body.rfind("\"20");
    BOOST_REQUIRE(at != std::string::npos);
    return listed.body.substr(at + 1, listed.body.find('"', at + 1) - at - 1);
}

std::size_t sent_to(const std::string& address) {
    return sent_messages_to(address).size();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(e2e_web)

// A referral with a document, sent through the form without JavaScript, becomes a case of
// channel web with the document, the referrer's acknowledgement and the office's alert, and
// leaves the service's spool.
BOOST_FIXTURE_TEST_CASE(a_web_referral_becomes_a_case_with_the_same_emails, Fresh) {
    FormService svc;
    // It serves on the threads configured.
    BOOST_TEST(log_lines(svc.dir + "/form-service.log",
                         "form service listening on " + svc.url.substr(7) + " (3 threads)")
                   .size() == 1U);
    TestDb db;
    ConfigOptions opt;
    opt.extra = svc.endpoint();
    TestConfig cfg(db, opt);
    const std::string pdf = test_data("pdf/referral_form_blank.pdf");
    const std::string receipt = send_referral(svc, referral_fields(), pdf);
    BOOST_TEST(svc.pending() == 1U);

    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    auto r = db.db().exec(
        "SELECT c.trainee_name, c.gmc_number, s.channel, i.source, i.source_key, i.source_kind,"
        " (SELECT count(*) FROM documents d WHERE d.case_id = c.id"
        "   AND d.content_type = 'application/pdf' AND d.filename = 'statement.pdf'"
        "   AND d.size = " +
        std::to_string(pdf.size()) +
        ")"
        " FROM cases c JOIN submissions s ON s.case_id = c.id"
        " JOIN inbound_items i ON i.id = s.inbound_item_id");
    BOOST_REQUIRE_EQUAL(r.rows(), 1);
    BOOST_TEST(r.text(0, 0) == "Dana Doctor");
    BOOST_TEST(r.text(0, 1) == "7034567");
    BOOST_TEST(r.text(0, 2) == "web");
    BOOST_TEST(r.text(0, 3) == "web");
    BOOST_TEST(r.text(0, 4) == receipt);
    BOOST_TEST(r.text(0, 5) == "web");
    BOOST_TEST(r.int64(0, 6) == 1);
    // The same two emails as an emailed referral: the referrer's acknowledgement (without what
    // they wrote) and the office's alert.
    const auto sent = sent_messages();
    BOOST_REQUIRE_EQUAL(sent.size(), 2U);
    std::size_t acks = 0;
    for (const auto& m : sent) {
        if (!has_header(m, "sam.web@trust.example.nhs.uk")) continue;
        ++acks;
        BOOST_TEST(subject_of(m).find("Referral received") == 0U, subject_of(m));
        BOOST_TEST(m.find("Missed three shifts") == std::string::npos);
    }
    BOOST_TEST(acks == 1U);
    BOOST_TEST(svc.pending() == 0U);
    // The service's own /metrics, on its separate address: the send, the answers by status.
    const casegate::net::HttpResponse m = casegate::net::http_get(
        "http://127.0.0.1:" + std::to_string(svc.metrics_port) + "/metrics");
    BOOST_TEST(m.status == 200);
    BOOST_TEST(
        m.body.find("casegate_form_sends_total{outcome=\"stored\"} 1\n") != std::string::npos,
        m.body);
    BOOST_TEST(m.body.find("casegate_http_responses_total{code=\"303\"} 1\n") != std::string::npos);
    BOOST_TEST(m.body.find("casegate_form_spool_pending 0\n") != std::string::npos);
    // And not on the public address.
    BOOST_TEST(casegate::net::http_get(svc.url + "/metrics").status == 404);

    // Another poll finds nothing new and changes nothing.
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(sent_messages().size() == 2U);
}

// Killed after its commit and before acknowledging: the submission is still pending at the
// service, and the next run finds it stored and only acknowledges it — one item, one case.
BOOST_FIXTURE_TEST_CASE(killed_between_commit_and_acknowledgement_gives_one_case, Fresh) {
    FormService svc;
    TestDb db;
    ConfigOptions opt;
    opt.extra = svc.endpoint();
    TestConfig cfg(db, opt);
    send_referral(svc, referral_fields("7045678"));
    send_referral(svc, referral_fields("7056789"));
    BOOST_TEST(run_once(cfg, {{"CASEGATE_TEST_EXIT_AFTER_STORE", "1"}}) == 137);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items") == 2);
    BOOST_TEST(svc.pending() == 2U);  // not acknowledged
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items") == 2);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 2);
    BOOST_TEST(svc.pending() == 0U);
    BOOST_TEST(sent_to("sam.web@trust.example.nhs.uk") == 2U);
}

// The service down, then answering garbage, then a wrong token: each poll fails with the
// reason in the log, nothing is stored or lost, and once the service is back the submission
// comes in.
BOOST_FIXTURE_TEST_CASE(a_service_down_or_answering_garbage_loses_nothing, Fresh) {
    FormService svc;
    TestDb db;
    const std::string log = svc.dir + "/daemon.log";
    send_referral(svc, referral_fields("7067890"));
    svc.stop();
    {
        ConfigOptions opt;
        opt.extra = svc.endpoint();
        TestConfig cfg(db, opt);
        BOOST_REQUIRE_EQUAL(run_once(cfg, {}, log), 0);
        BOOST_TEST(log_lines(log, "poll failed source=web").size() == 1U);
        // `casegate status` reads how the poll ended.
        const auto polls = casegate::storage::status_figures(db.db()).polls;
        BOOST_REQUIRE(polls.size() == 2U);  // the mailbox and the form endpoint
        BOOST_TEST(polls[1].source == "web");
        BOOST_TEST(polls[1].last_success_at.empty());
        BOOST_TEST(polls[1].last_error.find("listing submissions") != std::string::npos);
        BOOST_TEST(!polls[0].last_success_at.empty());
    }
    // A web server answering something else at the same address.
    const std::string garbage = svc.dir + "/garbage";
    fs::create_directories(garbage + "/api");
    write(garbage + "/api/submissions", "<html>Service unavailable</html>");
    const int port = test_port(61);
    Process other({"/usr/bin/python3", "-m", "http.server", std::to_string(port), "--bind",
                   "127.0.0.1", "--directory", garbage});
    BOOST_REQUIRE(eventually([&] { return port_open(port); }, std::chrono::seconds(10)));
    {
        ConfigOptions opt;
        opt.extra = svc.endpoint("http://127.0.0.1:" + std::to_string(port));
        TestConfig cfg(db, opt);
        BOOST_REQUIRE_EQUAL(run_once(cfg, {}, log), 0);
        const auto failed = log_lines(log, "not the pull API's list");
        BOOST_TEST(failed.size() == 1U);
    }
    svc.start();
    {
        ConfigOptions opt;
        opt.extra = svc.endpoint() + "";
        TestConfig wrong(db, opt);
        write(svc.dir + "/token.wrong", "not-the-token-at-all");
        // The same endpoint with another token: refused, and the log says which setting to check.
        std::string text = read_file(wrong.path());
        const std::size_t at = text.find(svc.dir + "/token\"");
        text.replace(at, svc.dir.size() + 7, svc.dir + "/token.wrong\"");
        write(wrong.path(), text);
        chmod((svc.dir + "/token.wrong").c_str(), 0600);
        BOOST_REQUIRE_EQUAL(run_once(wrong, {}, log), 0);
        BOOST_TEST(log_lines(log, "refused the token (HTTP 401)").size() == 1U);
        BOOST_TEST(read_file(log).find("not-the-token-at-all") == std::string::npos);
    }
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items") == 0);
    BOOST_TEST(svc.pending() == 1U);
    ConfigOptions opt;
    opt.extra = svc.endpoint();
    TestConfig cfg(db, opt);
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(svc.pending() == 0U);
    const auto polls = casegate::storage::status_figures(db.db()).polls;
    BOOST_REQUIRE(polls.size() == 2U);
    BOOST_TEST(!polls[1].last_success_at.empty());
    BOOST_TEST(polls[1].stored_total == 1);
}

// A pull API that misbehaves as a faulty or tampered service could (tests/support/pull_api.py:
// one submission, its document listed as 10 bytes), in its own directory and port.
struct FakePullApi {
    std::string dir = fs::temp_directory_path() / ("casegate-pull-" + std::to_string(getpid()));
    int port = test_port(71);
    std::unique_ptr<Process> process;

    explicit FakePullApi(const std::string& mode) {
        fs::remove_all(dir);
        fs::create_directories(dir);
        write(dir + "/token", kToken);
        chmod((dir + "/token").c_str(), 0600);
        set_mode(mode);
        process = std::make_unique<Process>(std::vector<std::string>{
            "/usr/bin/python3", std::string(CASEGATE_SOURCE_DIR) + "/tests/support/pull_api.py",
            std::to_string(port), dir});
        BOOST_REQUIRE(eventually([&] { return port_open(port); }, std::chrono::seconds(10)));
    }
    ~FakePullApi() {
        process.reset();
        fs::remove_all(dir);
    }
    void set_mode(const std::string& mode) const { write(dir + "/mode", mode); }
    // The acknowledgements received, as "STATUS RECEIPT" lines.
    std::string acks() const {
        return fs::exists(dir + "/acks") ? read_file(dir + "/acks") : std::string();
    }
    std::string endpoint() const {
        return "[[form_endpoint]]\nname = \"web\"\nurl = \"http://127.0.0.1:" +
               std::to_string(port) + "\"\ntoken_file = \"" + dir +
               "/token\"\npoll_interval = 5\n\n";
    }
};

// The daemon polling a FakePullApi, run once at a time.
struct PullApiRun {
    FakePullApi api;
    TestDb db;
    ConfigOptions opt;
    std::unique_ptr<TestConfig> cfg;
    std::string log = api.dir + "/daemon.log";

    explicit PullApiRun(const std::string& mode) : api(mode) {
        opt.extra = api.endpoint();
        cfg = std::make_unique<TestConfig>(db, opt);
    }
    int run_once() const { return casegate::e2e::run_once(*cfg, {}, log); }
};

// A document that arrives shorter than the size listed is not taken: nothing is stored or
// acknowledged, the log says why, and the next poll, the document whole, brings the case in.
BOOST_FIXTURE_TEST_CASE(a_document_not_the_size_listed_is_fetched_again_later, Fresh) {
    PullApiRun r("short");
    BOOST_REQUIRE_EQUAL(r.run_once(), 0);
    BOOST_TEST(log_lines(r.log, "a document is not the size listed").size() == 1U);
    BOOST_TEST(r.db.count("SELECT count(*) FROM inbound_items") == 0);
    BOOST_TEST(r.api.acks().empty());
    r.api.set_mode("");
    BOOST_REQUIRE_EQUAL(r.run_once(), 0);
    BOOST_TEST(r.db.count("SELECT count(*) FROM inbound_items") == 1);
    BOOST_TEST(r.db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(r.db.count("SELECT count(*) FROM documents WHERE size = 10") == 1);
    BOOST_TEST(r.api.acks() == "200 20261203-090000-000001-abcdef\n");
    BOOST_TEST(sent_to("sam.pull@trust.example.nhs.uk") == 1U);
}

// An acknowledgement the service fails (HTTP 500) leaves the submission pending there, stored
// and made a case here: the next poll finds it stored, acknowledges it again, and stores and
// sends nothing twice.
BOOST_FIXTURE_TEST_CASE(a_failed_acknowledgement_is_made_again_by_the_next_poll, Fresh) {
    PullApiRun r("ack-fails");
    const std::string failed = "500 20261203-090000-000001-abcdef\n";
    const std::string done = "200 20261203-090000-000001-abcdef\n";
    BOOST_REQUIRE_EQUAL(r.run_once(), 0);
    BOOST_TEST(log_lines(r.log, "acknowledgement failed endpoint=web").size() == 1U);
    BOOST_TEST(r.db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(r.api.acks() == failed);
    r.api.set_mode("");
    BOOST_REQUIRE_EQUAL(r.run_once(), 0);
    BOOST_TEST(r.api.acks() == failed + done);
    BOOST_TEST(r.db.count("SELECT count(*) FROM inbound_items") == 1);
    BOOST_TEST(r.db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(sent_to("sam.pull@trust.example.nhs.uk") == 1U);
    // A third poll finds nothing pending and acknowledges nothing.
    BOOST_REQUIRE_EQUAL(r.run_once(), 0);
    BOOST_TEST(r.api.acks() == failed + done);
}

// A submission the daemon judges incomplete (here: written to the spool without the details,
// as an older form service might have accepted it) is kept with what is missing, and the
// referrer is told, as for email.
BOOST_FIXTURE_TEST_CASE(an_incomplete_web_submission_is_kept_and_the_referrer_told, Fresh) {
    FormService svc;
    TestDb db;
    ConfigOptions opt;
    opt.extra = svc.endpoint();
    TestConfig cfg(db, opt);
    casegate::formsvc::Spool spool(svc.spool);
    spool.store(
        R"({"trainee_name":"Dana Doctor","gmc_number":"7078901",)"
        R"("referrer_name":"Sam Supervisor","referrer_email":"sam.web@trust.example.nhs.uk",)"
        R"("referrer_role":"Educational Supervisor","concern_route":"Professional",)"
        R"("concern_type":"Conduct","terms_accepted":true})",
        {});
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 0);
    auto s = db.db().exec("SELECT channel, missing FROM submissions");
    BOOST_REQUIRE_EQUAL(s.rows(), 1);
    BOOST_TEST(s.text(0, 0) == "web");
    BOOST_TEST(s.text(0, 1).find("details") != std::string::npos, s.text(0, 1));
    BOOST_TEST(sent_to("sam.web@trust.example.nhs.uk") == 1U);
    for (const auto& m : sent_messages())
        if (has_header(m, "sam.web@trust.example.nhs.uk"))
            BOOST_TEST(subject_of(m).find("Referral incomplete") == 0U, subject_of(m));
    BOOST_TEST(svc.pending() == 0U);
}

// A submission above the daemon's max_message_bytes (the service allows more) is kept with its
// answers and the list of its documents, set aside with a reason naming the limit, and
// acknowledged: nothing parsed beyond the limit, nothing silently dropped.
BOOST_FIXTURE_TEST_CASE(a_web_submission_over_the_daemons_limit_is_set_aside_with_the_limit,
                        Fresh) {
    FormService svc;
    TestDb db;
    ConfigOptions opt;
    opt.extra = svc.endpoint() + "[limits]\nmax_message_bytes = 65536\n";
    TestConfig cfg(db, opt);
    send_referral(svc, referral_fields("7089123"), "%PDF-1.4\n" + std::string(65000, 'x'));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    auto r = db.db().exec("SELECT state, reason, raw FROM inbound_items");
    BOOST_REQUIRE_EQUAL(r.rows(), 1);
    BOOST_TEST(r.text(0, 0) == "quarantined");
    BOOST_TEST(r.text(0, 1).find("exceeds limit max_message_bytes=65536") != std::string::npos,
               r.text(0, 1));
    // Kept as stored: the answers and the documents' list, without their bytes.
    const std::string raw =
        db.db().exec("SELECT convert_from(raw, 'UTF8') FROM inbound_items").text(0, 0);
    BOOST_TEST(raw.find("\"statement.pdf\"") != std::string::npos, raw);
    BOOST_TEST(raw.find("Dana Doctor") != std::string::npos);
    BOOST_TEST(raw.size() < 4096U);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 0);
    BOOST_TEST(svc.pending() == 0U);
}

BOOST_AUTO_TEST_SUITE_END()
