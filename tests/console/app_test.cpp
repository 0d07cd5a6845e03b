// The staff console's pages without the HTTP server (console::App against the real
// PostgreSQL): sign-in links, sessions, the CSRF token, the proxy's header, what each member
// may see, and the headers of every answer. The browser test (tests/browser/) drives the same
// pages through chromium.
#include <boost/test/unit_test.hpp>
#include <sstream>
#include <string>

#include "console/app.hpp"
#include "storage/console.hpp"
#include "tests/cases/fixture.hpp"

using namespace casegate;
using namespace casegate::cases_test;

namespace {

struct ConsoleFixture : Fixture {
    console::App app;

    ConsoleFixture() : app(with_console(cfg)) {}

    static common::Config with_console(common::Config c) {
        c.console.base_url = "https://casegate.test/";
        c.console.proxy_user_header = "X-Forwarded-Email";
        c.console.trusted_proxies = {"10.0.0.5"};
        return c;
    }

    // `path` may have a query ("?a=1&b=2", values not encoded).
    console::Response get(const std::string& path, const std::string& cookie = {},
                          const std::string& from = "127.0.0.1") {
        console::Request r;
        r.method = "GET";
        r.path = path.substr(0, path.find('?'));
        if (const std::size_t q = path.find('?'); q != std::string::npos) {
            std::istringstream query(path.substr(q + 1));
            for (std::string pair; std::getline(query, pair, '&');) {
                const std::size_t eq = pair.find('=');
                r.params.emplace(pair.substr(0, eq),
                                 eq == std::string::npos ? "" : pair.substr(eq + 1));
            }
        }
        r.remote_addr = from;
        if (!cookie.empty()) r.headers["cookie"] = std::string(console::kSessionCookie) + "=" + cookie;
        return app.handle(db(), r);
    }

    console::Response post(const std::string& path,
                           const std::multimap<std::string, std::string>& params,
                           const std::string& cookie = {}) {
        console::Request r;
        r.method = "POST";
        r.path = path;
        r.remote_addr = "127.0.0.1";
        r.params = params;
        if (!cookie.empty()) r.headers["cookie"] = std::string(console::kSessionCookie) + "=" + cookie;
        return app.handle(db(), r);
    }

    // The sign-in link of the newest sign-in email to `email`, its token only.
    std::string emailed_token(const std::string& email) {
        const storage::Result r = db().exec(
            "SELECT message FROM outbox WHERE kind = 'sign_in_link' AND EXISTS (SELECT 1 FROM"
            " unnest(recipients) r WHERE lower(r) = lower($1))"
            " ORDER BY id DESC LIMIT 1",
            {email});
        BOOST_REQUIRE_EQUAL(r.rows(), 1);
        std::string m = r.bytes(0, 0);
        for (std::size_t p; (p = m.find("=\r\n")) != std::string::npos;) m.erase(p, 3);
        const std::string marker = "https://casegate.test/sign-in/";
        const std::size_t at = m.find(marker);
        BOOST_REQUIRE(at != std::string::npos);
        return m.substr(at + marker.size(), 64);
    }

    // Signs `email` in through a link; returns the session cookie's value.
    std::string sign_in(const std::string& email) {
        const console::Response asked = post("/sign-in", {{"email", email}});
        BOOST_REQUIRE_EQUAL(asked.status, 200);
        const console::Response used = post("/sign-in/" + emailed_token(email), {});
        BOOST_REQUIRE_EQUAL(used.status, 303);
        const std::string set = header(used, "Set-Cookie");
        const std::string prefix = std::string(console::kSessionCookie) + "=";
        BOOST_REQUIRE(set.rfind(prefix, 0) == 0);
        return set.substr(prefix.size(), set.find(';') - prefix.size());
    }

    // The session's CSRF token, as its pages carry it.
    std::string csrf_of(const std::string& cookie) {
        const std::string body = get("/", cookie).body;
        const std::string marker = "name=\"csrf\" value=\"";
        const std::size_t at = body.find(marker);
        BOOST_REQUIRE(at != std::string::npos);
        return body.substr(at + marker.size(), body.find('"', at + marker.size()) - at - marker.size());
    }

    static std::string header(const console::Response& r, const std::string& name) {
        for (const auto& [k, v] : r.headers)
            if (k == name) return v;
        return {};
    }

    static bool contains(const std::string& s, const std::string& part) {
        return s.find(part) != std::string::npos;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(console_app, ConsoleFixture)

// Every answer, signed in or not, found or not, carries the security headers; pages are never
// stored.
BOOST_AUTO_TEST_CASE(every_answer_has_the_security_headers) {
    const std::string ref = open();
    const std::string cookie = sign_in(kAda);
    for (const console::Response& r :
         {get("/"), get("/cases/" + ref), get("/nowhere", cookie), get("/cases/" + ref, cookie),
          post("/cases/" + ref + "/actions", {{"change", "accept"}}, cookie)}) {
        const std::string csp = header(r, "Content-Security-Policy");
        BOOST_TEST(contains(csp, "default-src 'none'"));
        BOOST_TEST(contains(csp, "frame-ancestors 'none'"));
        BOOST_TEST(!contains(csp, "unsafe-inline"));
        BOOST_TEST(header(r, "X-Frame-Options") == "DENY");
        BOOST_TEST(header(r, "Cache-Control") == "no-store");
        BOOST_TEST(header(r, "Referrer-Policy") == "no-referrer");
    }
}

// A link works once, within 15 minutes; opening it (a GET, as mail scanners do) does not use
// it. The session cookie is Secure, HttpOnly, SameSite=Strict and host-only.
BOOST_AUTO_TEST_CASE(a_sign_in_link_works_once) {
    BOOST_REQUIRE_EQUAL(post("/sign-in", {{"email", "ADA.ADMIN@casegate.test"}}).status, 200);
    const std::string token = emailed_token("Ada.Admin@casegate.test");
    BOOST_TEST(count("SELECT count(*) FROM console_sign_ins WHERE token_hash = "
                     "sha256(convert_to('" + token + "', 'UTF8'))") == 1);
    BOOST_TEST(count("SELECT count(*) FROM console_sign_ins WHERE expires_at > now() + "
                     "interval '14 minutes' AND expires_at <= now() + interval '15 minutes'") == 1);

    const console::Response shown = get("/sign-in/" + token);
    BOOST_TEST(shown.status == 200);
    BOOST_TEST(header(shown, "Set-Cookie").empty());
    const console::Response used = post("/sign-in/" + token, {});
    BOOST_TEST(used.status == 303);
    BOOST_TEST(header(used, "Location") == "/");
    const std::string cookie = header(used, "Set-Cookie");
    BOOST_TEST(cookie.rfind("__Host-casegate=", 0) == 0U);
    for (const char* attribute : {"; Secure", "; HttpOnly", "; SameSite=Strict", "; Path=/"})
        BOOST_TEST(contains(cookie, attribute), attribute);
    BOOST_TEST(!contains(cookie, "Domain="));

    const console::Response again = post("/sign-in/" + token, {});
    BOOST_TEST(again.status == 400);
    BOOST_TEST(header(again, "Set-Cookie").empty());
    BOOST_TEST(contains(again.body, "expired or has been used"));
}

BOOST_AUTO_TEST_CASE(an_expired_link_signs_nobody_in) {
    post("/sign-in", {{"email", kCal}});
    const std::string token = emailed_token(kCal);
    db().exec("UPDATE console_sign_ins SET expires_at = now() - interval '1 second'");
    const console::Response used = post("/sign-in/" + token, {});
    BOOST_TEST(used.status == 400);
    BOOST_TEST(header(used, "Set-Cookie").empty());
}

// Anyone may ask; only staff get a link, and the page does not say which.
BOOST_AUTO_TEST_CASE(an_address_that_is_not_staff_gets_the_same_page_and_no_email) {
    const console::Response staff = post("/sign-in", {{"email", kCal}});
    const console::Response stranger = post("/sign-in", {{"email", "someone@else.test"}});
    BOOST_TEST(staff.status == stranger.status);
    BOOST_TEST(staff.body == stranger.body);
    BOOST_TEST(count("SELECT count(*) FROM outbox WHERE 'someone@else.test' = ANY(recipients)") == 0);
    BOOST_TEST(count("SELECT count(*) FROM console_sign_ins") == 1);
    const console::Response bad = post("/sign-in", {{"email", "not an address"}});
    BOOST_TEST(bad.status == 400);
    BOOST_TEST(contains(bad.body, "Enter your work email address"));
}

// Nobody can flood a member's inbox through the sign-in page.
BOOST_AUTO_TEST_CASE(sign_in_links_to_one_member_are_limited) {
    for (int i = 0; i < console::kSignInsPerWindow + 3; ++i)
        BOOST_TEST(post("/sign-in", {{"email", kCal}}).status == 200);
    BOOST_TEST(count("SELECT count(*) FROM outbox WHERE kind = 'sign_in_link'") ==
               console::kSignInsPerWindow);
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action = "
                     "'console.sign_in_link_withheld'") == 3);
}

// A session ends when idle too long, at its absolute expiry, and at sign-out; a cookie that
// is not a session's opens nothing.
BOOST_AUTO_TEST_CASE(sessions_end) {
    const std::string ref = open();
    const std::string idle = sign_in(kAda);
    BOOST_TEST(contains(get("/", idle).body, ref));
    db().exec("UPDATE console_sessions SET last_seen_at = now() - interval '31 minutes'");
    BOOST_TEST(get("/cases/" + ref, idle).status == 401);

    const std::string old = sign_in(kAda);
    db().exec("UPDATE console_sessions SET expires_at = now() - interval '1 second'");
    BOOST_TEST(get("/", old).body.find(ref) == std::string::npos);

    const std::string cookie = sign_in(kAda);
    const console::Response out = post("/sign-out", {{"csrf", csrf_of(cookie)}}, cookie);
    BOOST_TEST(out.status == 200);
    BOOST_TEST(contains(header(out, "Set-Cookie"), "Max-Age=0"));
    BOOST_TEST(get("/cases/" + ref, cookie).status == 401);
    BOOST_TEST(get("/cases/" + ref, std::string(64, 'a')).status == 401);
    BOOST_TEST(get("/cases/" + ref, "../../etc").status == 401);
}

// A change needs the session's CSRF token; without it nothing changes.
BOOST_AUTO_TEST_CASE(changes_need_the_csrf_token) {
    const std::string ref = open();
    const std::string cookie = sign_in(kAda);
    BOOST_TEST(post("/cases/" + ref + "/actions", {{"change", "accept"}}, cookie).status == 403);
    BOOST_TEST(post("/cases/" + ref + "/actions", {{"change", "accept"}, {"csrf", "x"}}, cookie)
                   .status == 403);
    BOOST_TEST(status(ref) == "submitted");
    const console::Response done = post("/cases/" + ref + "/actions",
                                        {{"change", "accept"}, {"csrf", csrf_of(cookie)}}, cookie);
    BOOST_TEST(done.status == 303);
    BOOST_TEST(status(ref) == "accepted");
    // The next page says what was done and who was told, once.
    const std::string page = get("/cases/" + ref, cookie).body;
    BOOST_TEST(contains(page, "accepted"));
    BOOST_TEST(contains(page, "Told the referrer"));
    BOOST_TEST(!contains(get("/cases/" + ref, cookie).body, "Told the referrer"));
}

// Another office's case and a case manager's colleague's case are 404s, exactly like a case
// that does not exist, and each refused view is audited.
BOOST_AUTO_TEST_CASE(what_a_member_may_not_see_is_not_found) {
    const std::string eoe = open();
    const std::string em = open({.office = "East Midlands", .gmc = "7654321"});
    const std::string ada = sign_in(kAda);
    const console::Response other = get("/cases/" + em, ada);
    const console::Response none = get("/cases/CG-2099-999999", ada);
    BOOST_TEST(other.status == 404);
    BOOST_TEST(none.status == 404);
    BOOST_TEST(other.body == none.body);
    BOOST_TEST(get("/doctors/7654321", ada).status == 404);
    BOOST_TEST(get("/cases/" + em + "/documents/1", ada).status == 404);
    BOOST_TEST(!contains(get("/", ada).body, em));
    // The page and the document asked for, both refused.
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action = 'case.view_refused'") == 2);

    // Cal sees the case once it is his, not before; Cleo never.
    const std::string cal = sign_in(kCal);
    BOOST_TEST(get("/cases/" + eoe, cal).status == 404);
    BOOST_REQUIRE(apply(kAda, eoe, workflow::Change::accept).done);
    BOOST_REQUIRE(apply(kAda, eoe, workflow::Change::assign, kCal).done);
    BOOST_TEST(get("/cases/" + eoe, cal).status == 200);
    BOOST_TEST(contains(get("/", cal).body, eoe));
    BOOST_TEST(get("/cases/" + eoe, sign_in(kCleo)).status == 404);
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action = 'case.viewed' AND actor = '" +
                     std::string(kCal) + "'") == 1);
}

// The proxy's header is believed only from the proxy's own address, and only for staff.
BOOST_AUTO_TEST_CASE(the_proxy_header_is_trusted_only_from_the_proxy) {
    const std::string ref = open();
    console::Request r;
    r.method = "GET";
    r.path = "/cases/" + ref;
    r.headers["x-forwarded-email"] = "ada.admin@casegate.test";
    r.remote_addr = "10.0.0.9";
    BOOST_TEST(app.handle(db(), r).status == 401);
    r.remote_addr = "10.0.0.5";
    const console::Response in = app.handle(db(), r);
    BOOST_TEST(in.status == 200);
    BOOST_TEST(contains(in.body, ref));
    r.headers["x-forwarded-email"] = "someone@else.test";
    BOOST_TEST(app.handle(db(), r).status == 401);
}

// The CSV is the filtered list, with cells a spreadsheet would run as formulas made inert.
BOOST_AUTO_TEST_CASE(the_csv_is_the_filtered_list) {
    open({.trainee = "=HYPERLINK(\"http://x\")", .gmc = "1111111"});
    open({.trainee = "Dana Doctor", .gmc = "2222222", .route = "Health"});
    const std::string cookie = sign_in(kAda);
    const console::Response all = get("/cases.csv", cookie);
    BOOST_TEST(all.status == 200);
    BOOST_TEST(all.content_type == "text/csv; charset=utf-8");
    BOOST_TEST(contains(all.body, "\"'=HYPERLINK(\"\"http://x\"\")\""));
    BOOST_TEST(!contains(all.body, ",=HYPERLINK"));
    const std::string health = get("/cases.csv?route=Health", cookie).body;
    BOOST_TEST(contains(health, "2222222"));
    BOOST_TEST(!contains(health, "1111111"));
}

// The default office's admins see the items that became no case, with their reasons, and can
// have one processed again; other admins and case managers cannot.
BOOST_AUTO_TEST_CASE(set_aside_items_can_be_processed_again) {
    const std::string id =
        db().exec("INSERT INTO inbound_items (source, source_kind, source_key, sha256, size, raw,"
                  " from_address, state, reason) VALUES ('referrals', 'maildir', 'k1',"
                  " sha256('x'), 1, 'x', 'someone@else.test', 'quarantined',"
                  " 'message size 1 exceeds limit max_message_bytes=0') RETURNING id")
            .text(0, 0);
    const std::string ada = sign_in(kAda);
    const std::string page = get("/held", ada).body;
    BOOST_TEST(contains(page, "max_message_bytes"));
    BOOST_TEST(contains(page, "Process again<span class=\"nhsuk-u-visually-hidden\"> item " + id));

    const std::string emma = sign_in(kEmma);
    BOOST_TEST(!contains(get("/held", emma).body, "max_message_bytes"));
    post("/held/" + id + "/rerun", {{"csrf", csrf_of(emma)}}, emma);
    BOOST_TEST(db().exec("SELECT state FROM inbound_items WHERE id = " + id).text(0, 0) ==
               "quarantined");
    BOOST_TEST(get("/held", sign_in(kCal)).status == 404);

    BOOST_TEST(post("/held/" + id + "/rerun", {{"csrf", csrf_of(ada)}}, ada).status == 303);
    BOOST_TEST(db().exec("SELECT state || ' ' || attempts FROM inbound_items WHERE id = " + id)
                   .text(0, 0) == "received 0");
    BOOST_TEST(contains(get("/held", ada).body, "will be processed again"));
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action = 'review.rerun'") == 1);
}

// Reports count the office's cases by each dimension (and every office's by office) for a date
// range, as a table, a chart and a CSV; admins only.
BOOST_AUTO_TEST_CASE(reports_count_cases) {
    open({.gmc = "1000001", .employer = "Norfolk Hospital"});
    open({.gmc = "1000002", .route = "Health", .employer = "Norfolk Hospital"});
    open({.gmc = "1000003", .employer = "Ipswich Hospital"});
    open({.office = "East Midlands", .gmc = "1000004", .employer = "Derby Hospital"});
    const std::string ada = sign_in(kAda);
    const std::string today = db().exec("SELECT current_date::text").text(0, 0);

    const console::Response csv = get("/reports.csv", ada);
    BOOST_TEST(csv.status == 200);
    for (const char* row : {"office,East of England,3", "office,East Midlands,1",
                            "employer,Norfolk Hospital,2", "employer,Ipswich Hospital,1",
                            "route,Professional,2", "route,Health,1", "status,submitted,3",
                            "outcome,,3"})
        BOOST_TEST(contains(csv.body, std::string(row) + "\r\n"), row);
    // Another office's cases are counted by office only.
    BOOST_TEST(!contains(csv.body, "Derby Hospital"));

    const console::Response page = get("/reports", ada);
    BOOST_TEST(page.status == 200);
    BOOST_TEST(contains(page.body, "<svg"));
    BOOST_TEST(contains(page.body, "Norfolk Hospital"));
    BOOST_TEST(contains(page.body, "None recorded"));

    BOOST_TEST(get("/reports.csv?from=2000-01-01&to=2000-12-31", ada).body ==
               "dimension,value,cases\r\n");
    const console::Response backwards = get("/reports?from=" + today + "&to=2000-01-01", ada);
    BOOST_TEST(backwards.status == 400);
    BOOST_TEST(contains(backwards.body, "To must be on or after From"));
    BOOST_TEST(get("/reports", sign_in(kCal)).status == 404);
    // Each report shown is audited (not the refused one).
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action = 'reports.viewed'") == 3);
}

// The revalidation page shows the office's list and passes actions to the `reval` rules; a
// refusal is shown as the command gives it, without its usage text.
BOOST_AUTO_TEST_CASE(revalidation_actions_show_their_refusals) {
    const std::string ada = sign_in(kAda);
    const console::Response list = get("/revalidation?list=connected", ada);
    BOOST_TEST(list.status == 200);
    BOOST_TEST(contains(list.body, "0 doctors on this list"));
    const console::Response act =
        post("/revalidation", {{"csrf", csrf_of(ada)}, {"action", "flag"}, {"doctor", "7000001"},
                               {"reason", "checking"}, {"list", "connected"}},
             ada);
    BOOST_TEST(act.status == 303);
    BOOST_TEST(header(act, "Location") == "/revalidation?list=connected");
    const std::string shown = get("/revalidation?list=connected", ada).body;
    BOOST_TEST(contains(shown, "Not done"));
    BOOST_TEST(contains(shown, "casegate reval flag: "));
    BOOST_TEST(!contains(shown, "usage:"));
    BOOST_TEST(get("/revalidation", sign_in(kCal)).status == 404);
}

// A page asked for before signing in (a case linked from an email) is shown once signed in;
// nothing but this console's own pages is returned to.
BOOST_AUTO_TEST_CASE(the_page_asked_for_is_shown_after_signing_in) {
    const std::string ref = open();
    const console::Response asked = get("/cases/" + ref);
    BOOST_TEST(asked.status == 401);
    BOOST_TEST(contains(asked.body, "name=\"return_to\""));
    for (const auto& [given, expected] :
         std::vector<std::pair<std::string, std::string>>{{"/cases/" + ref, "/cases/" + ref},
                                                          {"//evil.example/x", "/"},
                                                          {"https://evil.example/", "/"},
                                                          {"/sign-in/abc", "/"},
                                                          {"/cases/x?y=<z>", "/"}}) {
        db().exec("DELETE FROM console_sign_ins");
        post("/sign-in", {{"email", kCal}, {"return_to", given}});
        const console::Response used = post("/sign-in/" + emailed_token(kCal), {});
        BOOST_TEST(header(used, "Location") == expected, given);
    }
}

BOOST_AUTO_TEST_SUITE_END()
