// The public form's pages without a server (FormApp over a real spool): the form generated
// from the definition, the server's checks with the error summary, "check your answers" with
// the declaration, the receipt once stored (and what was stored is complete by the daemon's
// own JSON reading), the honeypot, the rate limit and escaping.
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "forms/evaluate.hpp"
#include "formsvc/form_app.hpp"
#include "util/mustache.hpp"
#include "util/random.hpp"

namespace fs = std::filesystem;
using namespace casegate;
using Params = std::multimap<std::string, std::string>;

namespace {

struct Form {
    std::string dir =
        (fs::temp_directory_path() / ("casegate-form-" + util::random_hex(6))).string();
    formsvc::Spool spool{dir};
    common::FormServiceConfig cfg = [] {
        common::FormServiceConfig c;
        c.pull_token = "token-0123456789";
        c.rate_limit_per_address = 2;
        c.max_documents = 2;
        c.max_document_bytes = 4096;
        return c;
    }();
    formsvc::FormApp app{cfg, spool};
    ~Form() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    http::Response call(const std::string& method, const std::string& path, Params params = {},
                        const std::string& from = "192.0.2.1",
                        std::vector<http::Upload> files = {}) {
        http::Request r;
        r.method = method;
        r.path = path;
        r.params = std::move(params);
        r.remote_addr = from;
        r.files = std::move(files);
        return app.handle(r);
    }

    static Params complete() {
        return {{"trainee_name", "Dana Doctor"},
                {"gmc_number", "1234567"},
                {"referrer_name", "Sam Supervisor"},
                {"referrer_email", "sam@trust.example.nhs.uk"},
                {"referrer_role", "Educational Supervisor"},
                {"concern_route", "Professional"},
                {"concern_type", "Conduct"},
                {"support_requested", "Coaching"},
                {"support_requested", "Exam support"},
                {"details", "Missed three shifts."}};
    }
};

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

std::string header(const http::Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(form_app, Form)

BOOST_AUTO_TEST_CASE(the_form_is_the_definition) {
    const http::Response r = call("GET", "/");
    BOOST_TEST(r.status == 200);
    for (const forms::FieldDef& f : forms::referral_form()) {
        if (f.key == "terms_accepted") continue;  // asked on the check page
        BOOST_TEST(contains(r.body, "name=\"" + std::string(f.key) + "\""), f.key);
        BOOST_TEST(contains(r.body, util::html_escape(f.label)), f.key);
    }
    // One script, from /assets/, and no inline script at all.
    BOOST_TEST(contains(r.body, "<script src=\"/assets/form.js\" defer></script>"));
    BOOST_TEST(r.body.find("<script") == r.body.rfind("<script"));
    BOOST_TEST(contains(header(r, "Content-Security-Policy"), "default-src 'none'"));
    BOOST_TEST(header(r, "X-Frame-Options") == "DENY");
    BOOST_TEST(header(r, "Cache-Control") == "no-store");
}

// With the region's employers configured, the employer box suggests them (a datalist: anything
// else may still be written); without, it is a plain box.
BOOST_AUTO_TEST_CASE(the_employers_are_suggested) {
    BOOST_TEST(!contains(call("GET", "/").body, "<datalist"));
    common::FormServiceConfig c = cfg;
    c.employers_file = std::string(CASEGATE_SOURCE_DIR) + "/examples/employers-east-of-england.csv";
    formsvc::FormApp with(c, spool);
    http::Request r;
    r.method = "GET";
    r.path = "/";
    r.remote_addr = "192.0.2.1";
    const std::string body = with.handle(r).body;
    BOOST_TEST(contains(body, "list=\"employer-list\""));
    BOOST_TEST(contains(body, "<datalist id=\"employer-list\">"));
    BOOST_TEST(contains(body, "<option value=\"NORFOLK AND NORWICH UNIVERSITY HOSPITALS NHS "
                              "FOUNDATION TRUST\"></option>"));
    BOOST_TEST(contains(body, "KING&#39;S LYNN"));  // escaped
}

BOOST_AUTO_TEST_CASE(missing_fields_are_summarised_and_shown_at_each_field) {
    Params p = complete();
    p.erase("gmc_number");
    p.erase("trainee_name");
    p.emplace("trainee_name", "<script>alert(1)</script>");
    p.emplace("incident_date", "31/12/2999");
    const http::Response r = call("POST", "/", p);
    BOOST_TEST(r.status == 400);
    BOOST_TEST(contains(r.body, "There is a problem"));
    BOOST_TEST(contains(r.body, "href=\"#gmc_number\">Enter GMC number</a>"));
    BOOST_TEST(contains(r.body, "href=\"#trainee_name\">") == false);  // given, if unsafe
    const std::string empty = call("POST", "/").body;
    BOOST_TEST(contains(empty, ">Enter details of the concern</a>"));
    BOOST_TEST(contains(empty, ">Enter your name</a>"));
    BOOST_TEST(contains(empty, ">Select route</a>"));
    BOOST_TEST(contains(r.body, "id=\"gmc_number-error\""));
    BOOST_TEST(contains(r.body, "href=\"#incident_date\">Date of incident"));
    // What was typed comes back, escaped.
    BOOST_TEST(contains(r.body, util::html_escape("<script>alert(1)</script>")));
    BOOST_TEST(!contains(r.body, "<script>alert"));
    BOOST_TEST(spool.pending("", 10).empty());
}

BOOST_AUTO_TEST_CASE(check_then_send_then_receipt) {
    const http::Response check = call("POST", "/", complete());
    BOOST_TEST(check.status == 200);
    BOOST_TEST(contains(check.body, "Check your answers"));
    BOOST_TEST(contains(check.body, "Coaching, Exam support"));
    BOOST_TEST(contains(check.body, "name=\"terms_accepted\""));

    // Without the declaration accepted nothing is sent.
    const http::Response no_terms = call("POST", "/send", complete());
    BOOST_TEST(no_terms.status == 400);
    BOOST_TEST(contains(no_terms.body, "Confirm that you accept the terms and conditions"));
    BOOST_TEST(spool.pending("", 10).empty());

    Params p = complete();
    p.emplace("terms_accepted", "yes");
    const http::Response sent = call("POST", "/send", p);
    BOOST_TEST(sent.status == 303);
    const std::vector<std::string> pending = spool.pending("", 10);
    BOOST_REQUIRE_EQUAL(pending.size(), 1U);
    BOOST_TEST(header(sent, "Location") == "/received/" + pending[0]);
    BOOST_TEST(contains(call("GET", "/received/" + pending[0]).body, pending[0]));
    // The daemon will read it with the same rules, and find it complete.
    const forms::Evaluation e =
        forms::evaluate_json(spool.read(pending[0])->fields_json, {"2026-12-03", ""});
    BOOST_TEST(e.referral.complete());
    BOOST_TEST(e.referral.text("trainee_name") == "Dana Doctor");
}

BOOST_AUTO_TEST_CASE(change_your_answers_keeps_them) {
    Params p = complete();
    p.emplace("edit", "1");
    const http::Response r = call("POST", "/", p);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(contains(r.body, "value=\"Dana Doctor\""));
    BOOST_TEST(!contains(r.body, "There is a problem"));
}

BOOST_AUTO_TEST_CASE(robots_and_floods_are_kept_out) {
    Params bot = complete();
    bot.emplace("terms_accepted", "yes");
    bot.emplace("website", "http://spam.example/");
    BOOST_TEST(contains(call("POST", "/send", bot).body, "Referral sent"));
    BOOST_TEST(spool.pending("", 10).empty());

    Params p = complete();
    p.emplace("terms_accepted", "yes");
    BOOST_TEST(call("POST", "/send", p).status == 303);
    BOOST_TEST(call("POST", "/send", p).status == 303);
    const http::Response third = call("POST", "/send", p);
    BOOST_TEST(third.status == 429);
    BOOST_TEST(contains(third.body, "At most 2 referrals an hour"));
    BOOST_TEST(call("POST", "/send", p, "192.0.2.2").status == 303);  // another address
    BOOST_TEST(spool.pending("", 10).size() == 3U);
}

// Behind a trusted proxy the limit counts the client X-Forwarded-For names (its last address,
// the one the proxy added); from anyone else the header is ignored.
BOOST_AUTO_TEST_CASE(the_rate_limit_sees_through_a_trusted_proxy_only) {
    cfg.trusted_proxies = {"10.0.0.5"};
    formsvc::FormApp proxied{cfg, spool};
    Params p = complete();
    p.emplace("terms_accepted", "yes");
    const auto send = [&](const std::string& from, const std::string& forwarded) {
        http::Request r;
        r.method = "POST";
        r.path = "/send";
        r.params = p;
        r.remote_addr = from;
        if (!forwarded.empty()) r.headers["x-forwarded-for"] = forwarded;
        return proxied.handle(r).status;
    };
    BOOST_TEST(send("10.0.0.5", "198.51.100.7") == 303);
    BOOST_TEST(send("10.0.0.5", "203.0.113.9, 198.51.100.7") == 303);
    BOOST_TEST(send("10.0.0.5", "198.51.100.7") == 429);  // the same client, a third time
    BOOST_TEST(send("10.0.0.5", "198.51.100.8") == 303);  // another client, same proxy
    // Not a trusted proxy: its header is not believed, its own address counts.
    BOOST_TEST(send("192.0.2.50", "198.51.100.9") == 303);
    BOOST_TEST(send("192.0.2.50", "198.51.100.10") == 303);
    BOOST_TEST(send("192.0.2.50", "198.51.100.11") == 429);
}

// The counts /metrics shows: each send by its outcome, and what waits in the spool.
BOOST_AUTO_TEST_CASE(sends_are_counted_by_outcome) {
    Params p = complete();
    call("POST", "/send", p);  // no declaration
    p.emplace("terms_accepted", "yes");
    call("POST", "/send", p);
    Params bad = p;
    bad.erase("gmc_number");
    call("POST", "/send", bad);
    const std::string text = http::render_metrics(app.metrics());
    BOOST_TEST(contains(text, "casegate_form_sends_total{outcome=\"terms_missing\"} 1\n"), text);
    BOOST_TEST(contains(text, "casegate_form_sends_total{outcome=\"stored\"} 1\n"));
    BOOST_TEST(contains(text, "casegate_form_sends_total{outcome=\"invalid\"} 1\n"));
    BOOST_TEST(contains(text, "casegate_form_spool_pending 1\n"));
    BOOST_TEST(contains(text, "# TYPE casegate_form_sends_total counter\n"));
    // Label values are escaped as the exposition format says.
    BOOST_TEST(http::render_metrics({{"x", "gauge", "h", {{{{"l", "a\"b\\c\nd"}}, 1.5}}}}) ==
               "# HELP x h\n# TYPE x gauge\nx{l=\"a\\\"b\\\\c\\nd\"} 1.5\n");
}

BOOST_AUTO_TEST_CASE(the_pull_api_needs_its_token) {
    BOOST_TEST(call("GET", "/api/submissions").status == 401);
    http::Request r;
    r.method = "GET";
    r.path = "/api/submissions";
    r.headers["authorization"] = "Bearer token-0123456789";
    BOOST_TEST(app.handle(r).status == 200);
}

// Documents chosen on the check page go into the spool with the submission, typed by their
// content; a refused one (too many, too large, not a document) sends nothing and says which
// file and which limit, beside the declaration's own error when both are wrong.
BOOST_AUTO_TEST_CASE(documents_are_sent_with_the_referral_or_refused_by_name) {
    const std::string png = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    const std::string check = call("POST", "/", complete()).body;
    BOOST_TEST(contains(check, "enctype=\"multipart/form-data\""));
    BOOST_TEST(contains(check, "Up to 2 files, each 4 KB or smaller"));

    Params p = complete();
    const http::Response bad = call("POST", "/send", p, "192.0.2.1",
                                    {{"documents", "run.exe", "MZ\x90\x00 program"}});
    BOOST_TEST(bad.status == 400);
    BOOST_TEST(contains(bad.body, "href=\"#documents\">run.exe must be a PDF, a Word document or "
                                  "an image (PNG or JPEG)</a>"));
    BOOST_TEST(contains(bad.body, "href=\"#terms\">Confirm that you accept"));
    BOOST_TEST(contains(bad.body, "value=\"Dana Doctor\""));  // the answers are still carried
    p.emplace("terms_accepted", "yes");
    const http::Response big = call("POST", "/send", p, "192.0.2.1",
                                    {{"documents", "scan.png", png + std::string(5000, 'x')}});
    BOOST_TEST(big.status == 400);
    BOOST_TEST(contains(big.body, "scan.png must be 4 KB or smaller"));
    BOOST_TEST(!contains(big.body, "Confirm that you accept"));
    BOOST_TEST(spool.pending("", 10).empty());

    const http::Response sent =
        call("POST", "/send", p, "192.0.2.1",
             {{"documents", "C:\\scans\\rota.png", png}, {"documents", "", ""}});
    BOOST_TEST(sent.status == 303);
    const std::vector<std::string> pending = spool.pending("", 10);
    BOOST_REQUIRE_EQUAL(pending.size(), 1U);
    const formsvc::Spooled stored = *spool.read(pending[0]);
    BOOST_REQUIRE_EQUAL(stored.documents.size(), 1U);
    BOOST_TEST(stored.documents[0].filename == "rota.png");
    BOOST_TEST(stored.documents[0].content_type == "image/png");
    BOOST_TEST((stored.documents[0].content == png));
}

BOOST_AUTO_TEST_SUITE_END()
