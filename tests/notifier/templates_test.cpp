// Tests of notifier/templates.cpp. Expected lines are written from FORM.md's labels and the
// inputs below, not produced by the code under test; the incomplete reply is also read back with
// forms::extract_body_fields, as a referrer's unquoted reply would be.
#include "notifier/templates.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include "forms/form.hpp"
#include "notifier/mail.hpp"

namespace n = casegate::notifier;
namespace forms = casegate::forms;

namespace {

const std::string kRef = "CG-2026-000123";
const std::string kDetails =
    "First line of the concern.\nSecond line: it has a colon.\n\nA third paragraph, "
    "which is long enough to need wrapping in most mail programs, and keeps going.";

forms::Referral complete_referral() {
    forms::Referral r;
    r.fields = {
        {"trainee_name", std::string("Dr Aisha Khan")},
        {"gmc_number", std::string("1234567")},
        {"programme", std::string("Core Surgical Training")},
        {"grade", std::string("CT1")},
        {"local_office", std::string("East of England")},
        {"employer", std::string("Cambridge University Hospitals")},
        {"referrer_name", std::string("Jane Smith")},
        {"referrer_email", std::string("jane.smith@nhs.example")},
        {"referrer_role", std::string("Educational Supervisor")},
        {"concern_route", std::string("Professional")},
        {"concern_type", std::string("Communication and team working")},
        {"incident_date", std::string("2026-03-05")},
        {"support_requested", std::vector<std::string>{"Occupational health", "Coaching"}},
        {"trainee_aware", false},
        {"details", kDetails},
        {"terms_accepted", true},
    };
    return r;
}

// What the acknowledgement echoes of complete_referral(): the list fields, value first, in
// FORM.md order.
const std::vector<std::string> kEchoLines = {
    "  \u2022 East of England (Local office)",
    "  \u2022 Professional (Route)",
    "  \u2022 Communication and team working (Type of concern)",
    "  \u2022 5 March 2026 (Date of incident)",
    "  \u2022 Occupational health, Coaching (Support requested)",
};

// Free text and personal data of complete_referral() that no automatic reply may carry.
const std::vector<std::string> kNeverEchoed = {
    "Aisha", "1234567", "Core Surgical", "CT1", "Cambridge", "Jane Smith", "jane.smith",
    "First line of the concern", "third paragraph"};

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t pos; (pos = s.find('\n', start)) != std::string::npos; start = pos + 1) {
        out.push_back(s.substr(start, pos - start));
    }
    out.push_back(s.substr(start));
    return out;
}

std::size_t line_index(const std::vector<std::string>& lines, const std::string& line) {
    return static_cast<std::size_t>(std::find(lines.begin(), lines.end(), line) - lines.begin());
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Prose is wrapped, so phrases are looked for with line breaks read as spaces.
std::string flat(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
}

// Each echo line is present, on a line of its own, in form order; nothing personal or free.
void check_echo(const std::string& body) {
    const auto lines = lines_of(body);
    std::size_t previous = 0;
    for (const auto& expected : kEchoLines) {
        const std::size_t at = line_index(lines, expected);
        BOOST_TEST_REQUIRE(at < lines.size(), "missing line: " << expected);
        BOOST_TEST(at >= previous, "out of form order: " << expected);
        previous = at;
    }
    for (const auto& word : kNeverEchoed) BOOST_TEST(!contains(body, word), "echoes: " << word);
}

forms::Referral incomplete_referral() {
    forms::Referral r = complete_referral();
    for (const char* key : {"referrer_role", "concern_type", "terms_accepted", "gmc_number"}) {
        r.fields.erase(key);
    }
    r.missing = {"referrer_role", "concern_type", "terms_accepted"};
    r.errors = {{"gmc_number", "must be 7 digits"}};
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(templates)

// The acknowledgement's subject carries the reference in brackets and the body quotes it.
BOOST_AUTO_TEST_CASE(acknowledgement_subject_and_reference) {
    const n::Text t = n::acknowledgement(kRef, complete_referral(), "East of England");
    BOOST_TEST(t.subject == "Referral received [CG-2026-000123]");
    BOOST_TEST(contains(flat(t.body), "reference CG-2026-000123"));
    BOOST_TEST(t.body.rfind("Hello,\n", 0) == 0u);  // the name is free text: not repeated
}

// The list fields are echoed value first, in form order; no name, GMC number or free text.
BOOST_AUTO_TEST_CASE(acknowledgement_echoes_list_fields_only) {
    check_echo(n::acknowledgement(kRef, complete_referral(), "East of England").body);
}

// Fields that were not given are not echoed.
BOOST_AUTO_TEST_CASE(acknowledgement_omits_absent_fields) {
    forms::Referral r = complete_referral();
    r.fields.erase("incident_date");
    const std::string body = n::acknowledgement(kRef, r, "East of England").body;
    BOOST_TEST(!contains(body, "(Date of incident)"));
    BOOST_TEST(contains(body, "(Type of concern)"));
}

// A reply that carries an automatic reply unquoted (as Outlook and naive auto-responders send
// it) reads back as no field at all, whichever options the referral chose: it can never
// become a referral of its own.
BOOST_AUTO_TEST_CASE(automatic_replies_read_back_as_nothing) {
    forms::Referral r = complete_referral();
    for (const forms::FieldDef& f : forms::referral_form()) {
        if (f.type != forms::FieldType::choice && f.type != forms::FieldType::multi_choice) continue;
        for (std::string_view option : f.options) {
            r.fields[std::string(f.key)] =
                f.type == forms::FieldType::choice
                    ? forms::Value(std::string(option))
                    : forms::Value(std::vector<std::string>{std::string(option)});
            for (const std::string& body :
                 {n::acknowledgement(kRef, r, std::string(option)).body,
                  n::incomplete_reply(kRef, incomplete_referral()).body}) {
                const forms::RawFields raw = forms::extract_body_fields(body);
                BOOST_TEST(raw.empty(), "read back: " << (raw.empty() ? "" : raw[0].first)
                                                       << " from " << option);
            }
        }
    }
}

// What happens next: weekly triage by the office's team, a case manager or a return, and how to
// add information; nothing about telling the doctor.
BOOST_AUTO_TEST_CASE(acknowledgement_next_steps) {
    const std::string body = n::acknowledgement(kRef, complete_referral(), "Wessex").body;
    const std::string low = lower(flat(body));
    BOOST_TEST(contains(flat(body), "Wessex local office"));
    BOOST_TEST(contains(low, "weekly meeting"));
    BOOST_TEST(contains(low, "case manager is assigned"));
    BOOST_TEST(contains(low, "returned"));
    BOOST_TEST(contains(low, "reply to this email"));
    BOOST_TEST(contains(body, "[CG-2026-000123]"));
    for (const char* word : {"notif", "inform the doctor", "tell the doctor", "doctor will",
                             "trainee will", "let the doctor", "contact the doctor"}) {
        BOOST_TEST(!contains(low, word), "mentions: " << word);
    }
}

// Line breaks inside a single-line value cannot forge a `Label: value` line of their own.
BOOST_AUTO_TEST_CASE(single_line_values_stay_on_one_line) {
    forms::Referral r = complete_referral();
    r.fields["trainee_name"] = std::string("Aisha\nGMC number: 7654321\r\nKhan");
    const auto lines = lines_of(n::office_alert(kRef, r, "Wessex", false).body);
    BOOST_TEST(line_index(lines, "Doctor's full name: Aisha GMC number: 7654321 Khan") <
               lines.size());
    BOOST_TEST(line_index(lines, "GMC number: 7654321") == lines.size());
}

// The office alert's subject has the reference, route and type; the body the facts triage needs.
BOOST_AUTO_TEST_CASE(office_alert_summary) {
    const n::Text t = n::office_alert(kRef, complete_referral(), "East of England", false);
    BOOST_TEST(t.subject ==
               "New referral [CG-2026-000123] Professional \u2013 Communication and team working");
    const auto lines = lines_of(t.body);
    for (const std::string& expected : std::vector<std::string>{
             "Reference: CG-2026-000123", "Local office: East of England",
             "Doctor's full name: Dr Aisha Khan", "GMC number: 1234567", "Route: Professional",
             "Type of concern: Communication and team working", "Date of incident: 5 March 2026",
             "Support requested: Occupational health, Coaching"}) {
        BOOST_TEST(line_index(lines, expected) < lines.size(), "missing line: " << expected);
    }
    BOOST_TEST(contains(t.body, "Jane Smith, Educational Supervisor, jane.smith@nhs.example"));
}

// Without include_details the free text stays out of the email and the body says where it is.
BOOST_AUTO_TEST_CASE(office_alert_withholds_details) {
    const std::string body = n::office_alert(kRef, complete_referral(), "Wessex", false).body;
    BOOST_TEST(!contains(body, "First line of the concern"));
    BOOST_TEST(!contains(body, "third paragraph"));
    BOOST_TEST(!contains(body, "Details of the concern:"));
    BOOST_TEST(contains(flat(body), "held in casegate"));
}

// With include_details the full free text is there.
BOOST_AUTO_TEST_CASE(office_alert_includes_details_when_asked) {
    const std::string body = n::office_alert(kRef, complete_referral(), "Wessex", true).body;
    BOOST_TEST(contains(body, "Details of the concern: " + kDetails));
    BOOST_TEST(!contains(flat(body), "held in casegate"));
}

// Optional facts that were not given leave no empty lines behind.
BOOST_AUTO_TEST_CASE(office_alert_optional_lines) {
    forms::Referral r = complete_referral();
    r.fields.erase("incident_date");
    r.fields.erase("support_requested");
    const std::string body = n::office_alert(kRef, r, "Wessex", false).body;
    BOOST_TEST(!contains(body, "Date of incident"));
    BOOST_TEST(!contains(body, "Support requested"));
}

// The incomplete reply names every missing field and every invalid one with its reason, each on
// a "  - " line, and says how to complete the referral.
BOOST_AUTO_TEST_CASE(incomplete_reply_lists_problems) {
    const n::Text t = n::incomplete_reply(kRef, incomplete_referral());
    BOOST_TEST(t.subject == "Referral incomplete \u2013 please complete [CG-2026-000123]");
    const auto lines = lines_of(t.body);
    for (const std::string& expected : std::vector<std::string>{
             "  - Your role", "  - Type of concern", "  - I accept the terms and conditions"}) {
        BOOST_TEST(line_index(lines, expected) < lines.size(), "missing line: " << expected);
    }
    const auto gmc = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
        return l.rfind("  - GMC number", 0) == 0;
    });
    BOOST_TEST_REQUIRE((gmc != lines.end()));
    BOOST_TEST(contains(*gmc, "must be 7 digits"));
    BOOST_TEST(contains(flat(t.body), "[CG-2026-000123] in the subject"));
    BOOST_TEST(contains(flat(t.body), "\"Label: value\""));
    BOOST_TEST(contains(flat(t.body), "Doctor's full name, Training programme"));
    for (const auto& word : kNeverEchoed) BOOST_TEST(!contains(t.body, word), "echoes: " << word);
}

// A value that is not one of a list's options is not repeated: the options are named instead.
BOOST_AUTO_TEST_CASE(incomplete_reply_never_quotes_a_value) {
    forms::Referral r = incomplete_referral();
    r.errors.push_back({"concern_route", "'BUY CHEAP PILLS' is not an option; must be one of: x"});
    const std::string body = n::incomplete_reply(kRef, r).body;
    BOOST_TEST(!contains(body, "PILLS"));
    BOOST_TEST(contains(flat(body), "Route (not one of the options, which are Personal, "
                                    "Professional, Funding)"));
}

// The subjects survive rendering: the en dash is encoded and decodes back.
BOOST_AUTO_TEST_CASE(subjects_render_as_headers) {
    const n::Text t = n::office_alert(kRef, complete_referral(), "Wessex", false);
    n::OutgoingMessage m;
    m.from = {"Referrals", "referrals@casegate.example"};
    m.to = {{"", "admin@wessex.example"}};
    m.subject = t.subject;
    m.text_body = t.body;
    const std::string raw = n::render(m);
    BOOST_TEST(contains(raw, "Subject: =?UTF-8?B?"));
    BOOST_TEST(!contains(raw, "\u2013"));  // not raw UTF-8 in a header or the QP body
}

// ---- revalidation digests and feed alerts ----

namespace {
n::RevalDigest sample_digest() {
    n::RevalDigest d;
    d.office_name = "East of England";
    d.date = "2026-11-21";
    d.new_discrepancies = {"7000001", "7000002"};
    d.resolved = {"7000009"};
    d.failed_requests = {{"7000003", "add", "1-1RSSQ05", "refused", "90"},
                         {"7000004", "remove", "1-1RSSQ05", "failed", ""}};
    d.open_discrepancies = 12;
    return d;
}

// The prose with its line wrapping undone.
std::string flat(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
}
}  // namespace

// The digest gives the counts and lists each GMC number under its heading.
BOOST_AUTO_TEST_CASE(reval_digest_counts_and_numbers) {
    const n::Text t = n::reval_digest(sample_digest());
    BOOST_TEST(t.subject ==
               "Revalidation connections \u2013 East of England \u2013 2026-11-21: 2 new "
               "discrepancies, 1 resolved, 2 failed GMC updates");
    BOOST_TEST(contains(t.body,
                        "New discrepancies: 2\nResolved: 1\nFailed GMC updates: 2\n"
                        "Open discrepancies now: 12\n"));
    BOOST_TEST(contains(t.body, "New discrepancies (GMC numbers):\n  7000001\n  7000002\n\n"));
    BOOST_TEST(contains(t.body, "Resolved (GMC numbers):\n  7000009\n\n"));
    BOOST_TEST(contains(t.body, "  7000003  add to 1-1RSSQ05: refused (GMC return code 90)\n"));
    BOOST_TEST(contains(t.body, "  7000004  remove from 1-1RSSQ05: failed (no answer"));
    BOOST_TEST(!contains(flat(t.body), "without a usable GMC number"));
}

// Long lists stop at max_listed and say how many more there are; an empty section is left out.
BOOST_AUTO_TEST_CASE(reval_digest_caps_lists) {
    n::RevalDigest d = sample_digest();
    d.resolved.clear();
    d.failed_requests.clear();
    d.new_discrepancies.clear();
    for (int i = 0; i < 5; ++i) d.new_discrepancies.push_back(std::to_string(7100000 + i));
    d.without_gmc_number = 1;
    const n::Text t = n::reval_digest(d, 3);
    BOOST_TEST(t.subject.find("5 new discrepancies, 0 resolved") != std::string::npos);
    BOOST_TEST(t.subject.find("failed") == std::string::npos);
    BOOST_TEST(contains(t.body, "  7100002\n  \u2026 and 2 more\n"));
    BOOST_TEST(!contains(t.body, "7100003"));
    BOOST_TEST(!contains(t.body, "Resolved (GMC numbers)"));
    BOOST_TEST(
        contains(flat(t.body), "1 change concerns a TIS record without a usable GMC number"));
}

// A digest of one new discrepancy speaks in the singular.
BOOST_AUTO_TEST_CASE(reval_digest_singular) {
    n::RevalDigest d;
    d.office_name = "Wessex";
    d.date = "2026-11-21";
    d.new_discrepancies = {"7000001"};
    BOOST_TEST(n::reval_digest(d).subject.find(": 1 new discrepancy, 0 resolved") !=
               std::string::npos);
}

// The refusal alert names the feed and the reason, for a GMC body and for the TIS extract.
BOOST_AUTO_TEST_CASE(reval_feed_refused_names_feed_and_reason) {
    const n::Text g =
        n::reval_feed_refused("East of England", "1-1RSSQ05",
                              "empty snapshot where the one in force has 3 rows", "2026-11-21");
    BOOST_TEST(g.subject == "Revalidation feed refused \u2013 GMC 1-1RSSQ05 \u2013 2026-11-21");
    BOOST_TEST(contains(flat(g.body), "GMC Connect's list of doctors connected to 1-1RSSQ05"));
    BOOST_TEST(contains(g.body, "Reason: empty snapshot where the one in force has 3 rows\n"));
    BOOST_TEST(contains(flat(g.body), "previous snapshot of this feed stays in force"));
    const n::Text t =
        n::reval_feed_refused("Wessex", "", "row count fell\nfrom 80 to 2", "2026-11-21");
    BOOST_TEST(t.subject == "Revalidation feed refused \u2013 TIS extract \u2013 2026-11-21");
    BOOST_TEST(contains(flat(t.body), "did not use the TIS extract"));
    BOOST_TEST(contains(t.body, "Reason: row count fell from 80 to 2\n"));  // one line
}

// The OAuth 2.0 alerts: a failing sign-in says why and that nothing is lost; a secret about to
// expire says when; each says only its own.
BOOST_AUTO_TEST_CASE(oauth2_alert_names_the_client_and_the_problem) {
    const n::Text f = n::oauth2_alert("Wessex", "nhsmail", "invalid_client: AADSTS7000215", "", 0);
    BOOST_TEST(f.subject == "Mailbox sign-in failing \u2013 nhsmail");
    BOOST_TEST(contains(f.body, "Reason: invalid_client: AADSTS7000215\n"));
    BOOST_TEST(contains(flat(f.body), "nothing received is lost"));
    BOOST_TEST(!contains(f.body, "expires"));
    const n::Text e = n::oauth2_alert("Wessex", "nhsmail", "", "2027-06-30", 9);
    BOOST_TEST(e.subject == "Mailbox client secret expires 2027-06-30 \u2013 nhsmail");
    BOOST_TEST(contains(flat(e.body), "expires on 2027-06-30, in 9 days"));
    BOOST_TEST(!contains(e.body, "Reason:"));
}

// The case workflow's texts: the reference in every subject; the referrer hears what happened
// (the return reason included) and nothing else; the staff's email leaves the free text out
// unless asked.
BOOST_AUTO_TEST_CASE(case_workflow_texts) {
    const std::vector<n::Text> texts = {
        n::referral_accepted(kRef, "East of England"),
        n::referral_returned(kRef, "East of England", "Wrong route"),
        n::case_manager_named(kRef, "East of England", "Cal Manager"),
        n::meeting_arranged(kRef, "East of England"),
        n::engagement_recorded(kRef, "East of England"),
        n::case_assigned(kRef, "East of England", "Ada Admin"),
    };
    for (const n::Text& t : texts) {
        BOOST_TEST(t.subject.find("[" + kRef + "]") != std::string::npos);
        BOOST_TEST(t.body.find(kRef) != std::string::npos);
    }
    // The referrer's name is free text from an unverified sender: they are greeted by none.
    BOOST_TEST(texts[0].body.rfind("Hello,\n\n", 0) == 0U);
    BOOST_TEST(texts[1].body.find("\nWrong route\n") != std::string::npos);
    BOOST_TEST(texts[2].body.find("Cal Manager") != std::string::npos);
    BOOST_TEST(contains(flat(texts[0].body), "East of England local office"));

    n::CaseChange c;
    c.reference = kRef;
    c.office_name = "East of England";
    c.what = "note added";
    c.by = "Cal Manager";
    c.status = "under_review";
    c.detail = "A private note";
    const n::Text hidden = n::case_changed(c, false);
    BOOST_TEST(hidden.subject == "Case note added [" + kRef + "]");
    BOOST_TEST(hidden.body.find("A private note") == std::string::npos);
    BOOST_TEST(hidden.body.find("By: Cal Manager\n") != std::string::npos);
    BOOST_TEST(hidden.body.find("Status: under_review\n") != std::string::npos);
    BOOST_TEST(n::case_changed(c, true).body.find("A private note") != std::string::npos);
}


// ---- the template files ----

namespace {

// A fresh directory under the system's temporary directory, removed at the end of the test.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        path = std::filesystem::temp_directory_path() /
               ("casegate-templates-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter()++));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    static int& counter() {
        static int n = 0;
        return n;
    }
    std::string file(const std::string& name, const std::string& text) const {
        std::ofstream(path / name, std::ios::binary) << text;
        return (path / name).string();
    }
    std::string str() const { return path.string(); }
};

// Puts the built-in texts back whatever a test installed.
struct BuiltinTextsAfter {
    ~BuiltinTextsAfter() { n::use_templates({}); }
};

bool has_problem(const n::TemplateCheck& c, const std::string& part) {
    return std::any_of(c.problems.begin(), c.problems.end(),
                       [&](const std::string& p) { return contains(p, part); });
}

std::string problems_of(const n::TemplateCheck& c) {
    std::string out;
    for (const auto& p : c.problems) out += p + "\n";
    return out;
}

}  // namespace

// Every shipped text has a file, and each renders cleanly with sample data.
BOOST_AUTO_TEST_CASE(builtin_templates_check_clean) {
    const n::TemplateCheck c = n::check_templates({});
    BOOST_TEST(c.problems.empty(), problems_of(c));
    BOOST_TEST(c.files == 0U);
    BOOST_TEST(c.rendered == n::template_names().size());
    BOOST_TEST(n::template_names().size() == 19U);
    for (const std::string& name : n::template_names()) {
        BOOST_TEST(n::builtin_template(name).rfind("Subject: ", 0) == 0U, name);
    }
    // The signature line "--" is sent as the standard marker "-- ".
    BOOST_TEST(contains(n::acknowledgement(kRef, complete_referral(), "Wessex").body,
                        "\n-- \nKind regards,"));
}

// An operator's file replaces the built-in text for every office; an office's own directory
// wins for that office only; values are inserted as they are (no HTML escaping).
BOOST_AUTO_TEST_CASE(operator_templates_override_per_office) {
    const BuiltinTextsAfter restore;
    TempDir all;
    TempDir wessex;
    all.file("referral_accepted.txt",
             "Subject: Accepted [{{reference}}]\n\nAll offices: {{reference}} & {{team}}.\n--\n"
             "The team\n");
    wessex.file("referral_accepted.txt",
                "Subject: Wessex has accepted [{{reference}}]\n\nWessex: {{reference}}.\n");
    const n::TemplateCheck c = n::use_templates({all.str(), {{"Wessex", wessex.str()}}, {}});
    BOOST_TEST_REQUIRE(c.problems.empty(), problems_of(c));
    BOOST_TEST(c.files == 2U);

    const n::Text eoe = n::referral_accepted(kRef, "East of England");
    BOOST_TEST(eoe.subject == "Accepted [" + kRef + "]");
    BOOST_TEST(eoe.body == "All offices: " + kRef +
                               " & the East of England local office's case-management team.\n"
                               "-- \nThe team\n");
    const n::Text wx = n::referral_accepted(kRef, "Wessex");
    BOOST_TEST(wx.subject == "Wessex has accepted [" + kRef + "]");
    BOOST_TEST(wx.body == "Wessex: " + kRef + ".\n");
    // A text without a file stays the built-in one.
    BOOST_TEST(n::meeting_arranged(kRef, "Wessex").subject ==
               "Update on your referral [" + kRef + "]");
}

// What check-config reports of broken files, each named with its line; use_templates then keeps
// the texts in use.
BOOST_AUTO_TEST_CASE(broken_templates_are_reported_and_not_used) {
    const BuiltinTextsAfter restore;
    TempDir dir;
    const std::string ack = dir.file(
        "acknowledgement.txt", "Subject: Received [{{reference}}]\n\nHello,\n{{#recorded}}\n"
                               "  {{value}} {{lable}}\n");
    const std::string returned = dir.file("referral_returned.txt",
                                          "Subject: Returned {{reference}}\n\nReturned.\n");
    const std::string accepted = dir.file(
        "referral_accepted.txt", "Accepted [{{reference}}]\n\n{{reference}} accepted.\n");
    const std::string echo = dir.file(
        "meeting_arranged.txt",
        "Subject: Meeting [{{reference}}]\n\nHello,\n\nGMC number: {{reference}}\n");
    const std::string typo = dir.file("acknowledgment.txt", "Subject: x\n\ny\n");
    const std::string open_tag =
        dir.file("case_assigned.txt", "Subject: Yours [{{reference}}]\n\nBy {{assigned_by\n");

    const n::TemplateCheck c = n::use_templates({dir.str(), {}, {}});
    BOOST_TEST(has_problem(c, ack + ": line 5: unknown name 'lable'"), problems_of(c));
    BOOST_TEST(has_problem(c, ack + ": line 4: section 'recorded' is never closed"));
    BOOST_TEST(has_problem(c, returned + ": the subject must keep [{{reference}}]"));
    BOOST_TEST(has_problem(c, accepted + ": line 1: must be \"Subject: …\""));
    BOOST_TEST(has_problem(c, echo + ": a line reads as the form field"));
    BOOST_TEST(has_problem(c, typo + ": not a text casegate sends"));
    BOOST_TEST(has_problem(c, open_tag + ": line 3: a tag opened with {{ is not closed"));
    BOOST_TEST(c.problems.size() == 7U, problems_of(c));
    // Nothing of it is used.
    BOOST_TEST(n::referral_returned(kRef, "Wessex", "x").subject ==
               "Referral returned [" + kRef + "]");
    // A missing directory is a problem too.
    BOOST_TEST(has_problem(n::check_templates({dir.str() + "/absent", {}, {}}),
                           "cannot read the directory"));
}

// With a console, the staff texts link to the case (and a held item to the review page);
// without one they say how to find it on the command line. Referrers get no console link.
BOOST_AUTO_TEST_CASE(staff_texts_link_to_the_console) {
    const BuiltinTextsAfter restore;
    BOOST_TEST(contains(n::case_assigned(kRef, "Wessex", "Ada Admin").body,
                        "casegate cases show " + kRef));
    n::TemplateDirs dirs;
    dirs.console_url = "https://casegate.example.nhs.uk/";
    const n::TemplateCheck c = n::use_templates(dirs);
    BOOST_REQUIRE_MESSAGE(c.problems.empty(), problems_of(c));
    const std::string link = "https://casegate.example.nhs.uk/cases/" + kRef;
    BOOST_TEST(contains(n::office_alert(kRef, complete_referral(), "Wessex", false).body,
                        "Open the case: " + link));
    const std::string assigned = n::case_assigned(kRef, "Wessex", "Ada Admin").body;
    BOOST_TEST(contains(assigned, link));
    BOOST_TEST(!contains(assigned, "casegate cases show"));
    BOOST_TEST(contains(n::held_notice(kRef, "Wessex", 7, "not the referrer").body,
                        "https://casegate.example.nhs.uk/held; it is inbound item 7"));
    BOOST_TEST(!contains(n::acknowledgement(kRef, complete_referral(), "Wessex").body,
                         "casegate.example.nhs.uk"));
    BOOST_TEST(!contains(n::referral_accepted(kRef, "Wessex").body, "casegate.example.nhs.uk"));
}

BOOST_AUTO_TEST_SUITE_END()
