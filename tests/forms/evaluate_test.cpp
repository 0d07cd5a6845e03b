#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include "forms/evaluate.hpp"
#include "tests/support/tools.hpp"

namespace f = casegate::forms;
namespace p = casegate::parsers;

namespace {

const f::ValidateContext kCtx{"2025-06-15", ""};

std::string read(const std::string& name) {
    return casegate::test_tools::read_file(std::string(CASEGATE_TEST_DATA "/forms/") + name);
}

p::ParsedEmail email(std::string body, std::string subject = "Referral") {
    p::ParsedEmail m;
    m.headers = {{"From", "Alan Supervisor <alan@Example.org>"}, {"Subject", subject}};
    m.message_id = "abc@example.org";
    m.from_address = "alan@example.org";
    m.subject = std::move(subject);
    m.has_return_path = true;
    m.return_path = "alan@example.org";
    m.text_body = std::move(body);
    return m;
}

// A form body with every required field but the referrer's email (the sender's is used).
std::string minimal_form(std::string_view gmc = "1234567") {
    return "Doctor's full name: Jane Roe\nGMC number: " + std::string(gmc) +
           "\nYour name: Alan\nYour role: Clinical Supervisor\nRoute: Personal\n"
           "Type of concern: Health\nDetails: Unwell for weeks.\nTerms: accepted\n";
}

std::string quote(const std::string& text) {
    std::string quoted;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) quoted += "> " + line + "\n";
    return quoted;
}

using V = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(evaluate)

// A complete form in the body is a complete referral on the email-body channel.
BOOST_AUTO_TEST_CASE(complete_body) {
    const f::Evaluation e = f::evaluate_email(email(read("complete_body.txt")), kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "complete");
    BOOST_TEST(f::to_string(e.channel) == "email-body");
    BOOST_TEST(e.referral.text("gmc_number") == "1234567");
    BOOST_TEST(e.referral.text("local_office") == "East of England");
    BOOST_TEST(e.referral.text("concern_type") == "Communication and team working");
    BOOST_TEST(e.referral.text("incident_date") == "2025-03-03");
    BOOST_TEST(e.referral.text("referrer_email") == "alan@example.org");
    BOOST_TEST(e.referral.text("details") ==
               "Jane has had two difficult handovers this month.\n\n"
               "Colleagues have raised concerns about her communication with the team.");
    BOOST_TEST(std::get<V>(e.referral.fields.at("support_requested")) ==
               (V{"Coaching", "Exam support"}));
}

// A form with fields missing or invalid is incomplete and names each one by key.
BOOST_AUTO_TEST_CASE(incomplete_names_missing_keys) {
    const f::Evaluation e = f::evaluate_email(
        email("Doctor's full name: Jane Roe\nGMC number: 12345\nRoute: Professional\n"), kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "incomplete");
    BOOST_TEST(f::to_string(e.channel) == "email-body");
    BOOST_TEST(e.referral.missing == (V{"referrer_name", "referrer_role", "concern_type", "details",
                                        "terms_accepted"}),
               boost::test_tools::per_element());
    BOOST_REQUIRE_EQUAL(e.referral.errors.size(), 1u);
    BOOST_TEST(e.referral.errors[0].field == "gmc_number");
}

// An automatic reply is set aside with its reason before the body is looked at.
BOOST_AUTO_TEST_CASE(auto_reply) {
    p::ParsedEmail m = email(minimal_form(), "Out of office");
    m.headers.emplace_back("Auto-Submitted", "auto-replied");
    const f::Evaluation e = f::evaluate_email(m, kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "auto_reply");
    BOOST_TEST(f::to_string(e.channel) == "none");
    BOOST_TEST(!e.reason.empty());
    BOOST_TEST(e.referral.fields.empty());
}

// A bounce is set aside with its reason.
BOOST_AUTO_TEST_CASE(bounce) {
    p::ParsedEmail m = email("This message could not be delivered.\nGMC number: 1234567\n",
                             "Undelivered Mail Returned to Sender");
    m.from_address = "mailer-daemon@mx.example.org";
    m.return_path.clear();
    m.is_delivery_report = true;
    BOOST_TEST(f::evaluate_email(m, kCtx).bounced_message_id.empty());
    m.attachments.push_back({"", "text/rfc822-headers",
                             "From: casegate@x.example\nMessage-ID:  <cg.1.ab@x.example>\n\n"
                             "Message-ID: <not-this@x.example>\n"});
    const f::Evaluation e = f::evaluate_email(m, kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "bounce");
    BOOST_TEST(f::to_string(e.channel) == "none");
    BOOST_TEST(!e.reason.empty());
    BOOST_TEST(e.bounced_message_id == "cg.1.ab@x.example");  // from the returned headers
}

// A reply's own words: quoted history cut, whether quoted with '>' or under a German Outlook
// header; the Authentication-Results headers are kept as given.
BOOST_AUTO_TEST_CASE(body_and_authentication_results) {
    p::ParsedEmail m = email("A further incident.\n\nVon: casegate <c@x.example>\n"
                             "Gesendet: Donnerstag\nBetreff: Referral received\n\nOld text\n",
                             "AW: Referral received [CG-2026-000001]");
    m.headers.emplace_back("Authentication-Results", "mx.example.org; dmarc=pass");
    m.headers.emplace_back("To", "\"Case, Gate\" <casegate+CG-2026-000001.20500.ab12@x.example>,"
                                 " other@x.example, a+b c@x.example");
    const f::Evaluation e = f::evaluate_email(m, kCtx);
    BOOST_TEST(e.body.find("A further incident.") == 0u);
    BOOST_TEST(e.body.find("Old text") == std::string::npos);
    BOOST_REQUIRE(e.authentication_results.size() == 1u);
    BOOST_TEST(e.authentication_results[0] == "mx.example.org; dmarc=pass");
    BOOST_REQUIRE(e.recipient_tags.size() == 1u);
    BOOST_TEST(e.recipient_tags[0] == "CG-2026-000001.20500.ab12");
}

// A signature's "Email:" and "Phone:" lines alone do not make an email a referral.
BOOST_AUTO_TEST_CASE(signature_alone_is_not_a_referral) {
    const f::Evaluation e = f::evaluate_email(
        email("Can someone call me about a trainee?\n\nDr Who\nEmail: who@example.org\n"
              "Phone: 0113 496 0000\n"),
        kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "not_a_referral");
    BOOST_TEST(f::to_string(e.channel) == "none");
    BOOST_TEST(e.reason == "no referral form fields found");
    BOOST_TEST(e.referral.fields.empty());
    BOOST_TEST(e.referral.missing.empty());
}

// A form forwarded inline under a "Fwd:" subject is found below the forwarding note.
BOOST_AUTO_TEST_CASE(inline_forward) {
    const f::Evaluation e = f::evaluate_email(
        email("FYI, see below.\n\n---------- Forwarded message ---------\n"
              "From: Alan <alan@example.org>\nDate: Mon, 2 Jun 2025\nSubject: Referral\n\n" +
                  minimal_form(),
              "Fwd: Referral"),
        kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "complete");
    BOOST_TEST(e.referral.text("trainee_name") == "Jane Roe");
}

// A form forwarded with '>' quoting is still found: in a forward the quote is the content.
BOOST_AUTO_TEST_CASE(quoted_forward) {
    const f::Evaluation e = f::evaluate_email(
        email("See below.\n\nBegin forwarded message:\n\n" + quote(minimal_form()),
              "Fwd: Referral"),
        kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "complete");
    BOOST_TEST(e.referral.text("details") == "Unwell for weeks.");
}

// A form in a forwarded message/rfc822 part is used when the body itself has none.
BOOST_AUTO_TEST_CASE(attached_forward) {
    p::ParsedEmail m = email("Forwarding this on.\n\nSam\nPhone: 0113 496 0000\n", "FW: referral");
    m.forwarded.push_back(
        p::ForwardedMessage{"alan@example.org", "Referral", minimal_form("7654321")});
    const f::Evaluation e = f::evaluate_email(m, kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "complete");
    BOOST_TEST(e.referral.text("gmc_number") == "7654321");
    BOOST_TEST(e.referral.fields.count("referrer_phone") == 0u);
}

// A reply whose quoted text carries form labels is not mistaken for a new form.
BOOST_AUTO_TEST_CASE(quoted_labels_in_reply_are_ignored) {
    p::ParsedEmail m = email(
        "Thanks, noted.\n\nOn Mon, 2 Jun 2025 at 10:00, Alan wrote:\n" + quote(minimal_form()),
        "Re: Referral");
    m.in_reply_to = "orig@example.org";
    m.references = {"orig@example.org"};
    const f::Evaluation e = f::evaluate_email(m, kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "not_a_referral");
    BOOST_TEST(e.reason == "no referral form fields found");
    BOOST_TEST(e.in_reply_to == "orig@example.org");
}

// In a reply that adds a field, only the new text counts, not the quoted form under it.
BOOST_AUTO_TEST_CASE(reply_adding_a_field_uses_only_new_text) {
    p::ParsedEmail m = email(
        "GMC number: 7654321\n\nOn Mon, 2 Jun 2025, Cases wrote:\n"
        "> Doctor's full name: Jane Roe\n> Route: Personal\n",
        "Re: [CG-2025-000001] Referral incomplete");
    m.in_reply_to = "ack@casegate.example";
    const f::Evaluation e = f::evaluate_email(m, kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "incomplete");
    BOOST_TEST(e.referral.text("gmc_number") == "7654321");
    BOOST_TEST(e.referral.fields.count("trainee_name") == 0u);
    BOOST_TEST(e.referral.fields.count("concern_route") == 0u);
}

// Outlook's unquoted history under a reply is not read as the sender's form either.
BOOST_AUTO_TEST_CASE(outlook_history_in_reply_is_ignored) {
    p::ParsedEmail m = email(
        "Will do.\n\n-----Original Message-----\nFrom: Alan\nSent: Monday\n"
        "Subject: Referral\n\n" +
            minimal_form(),
        "RE: Referral");
    m.in_reply_to = "orig@example.org";
    BOOST_TEST(f::to_string(f::evaluate_email(m, kCtx).verdict) == "not_a_referral");
}

// Message facts are copied and every attachment is listed with its size.
BOOST_AUTO_TEST_CASE(facts_and_attachments) {
    p::ParsedEmail m = email(minimal_form());
    m.in_reply_to = "prev@example.org";
    m.references = {"first@example.org", "prev@example.org"};
    m.attachments.push_back(
        p::Attachment{"letter.docx", "application/msword", std::string(42, 'x')});
    const f::Evaluation e = f::evaluate_email(m, kCtx);
    BOOST_TEST(e.message_id == "abc@example.org");
    BOOST_TEST(e.from_address == "alan@example.org");
    BOOST_TEST(e.subject == "Referral");
    BOOST_TEST(e.references == (V{"first@example.org", "prev@example.org"}));
    BOOST_REQUIRE_EQUAL(e.attachments.size(), 1u);
    BOOST_TEST(e.attachments[0].filename == "letter.docx");
    BOOST_TEST(e.attachments[0].content_type == "application/msword");
    BOOST_TEST(e.attachments[0].size == 42u);
}

// A given referrer email beats the sender's address; the context's default beats the sender too.
BOOST_AUTO_TEST_CASE(referrer_email_sources) {
    const f::Evaluation given =
        f::evaluate_email(email(minimal_form() + "Contact email: Pat@NHS.net\n"), kCtx);
    BOOST_TEST(given.referral.text("referrer_email") == "Pat@nhs.net");
    const f::Evaluation defaulted =
        f::evaluate_email(email(minimal_form()), {"2025-06-15", "office@example.org"});
    BOOST_TEST(defaulted.referral.text("referrer_email") == "office@example.org");
}

// A sender's address holding an encoded word is not an address: with no other email given,
// the referrer's email is invalid (named among the errors), so the referral is incomplete.
BOOST_AUTO_TEST_CASE(encoded_word_sender_is_not_a_referrer_email) {
    p::ParsedEmail m = email(minimal_form());
    m.from_address = "=?utf-8?q?victim3=40evil.example=0D=0ABcc=3A_x=40y.example?=@attacker.example";
    const f::Evaluation e = f::evaluate_email(m, kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "incomplete");
    BOOST_TEST(e.referral.text("referrer_email").empty());
    BOOST_REQUIRE_EQUAL(e.referral.errors.size(), 1u);
    BOOST_TEST(e.referral.errors[0].field == "referrer_email");
    // An email given in the form is used instead, and the referral is complete.
    m.text_body += "Your email: alan@example.org\n";
    const f::Evaluation given = f::evaluate_email(m, kCtx);
    BOOST_TEST(f::to_string(given.verdict) == "complete");
    BOOST_TEST(given.referral.text("referrer_email") == "alan@example.org");
}

// PDF form fields win over the body's, the difference is noted, and the channel is email-pdf.
BOOST_AUTO_TEST_CASE(pdf_fields_win_over_body) {
    const f::RawFields pdf = {
        {"gmc_number", "7654321"}, {"trainee_name", "jane roe"}, {"grade", "ST2"}};
    const f::Evaluation e = f::evaluate_email(email(minimal_form("1234567")), pdf, kCtx);
    BOOST_TEST(f::to_string(e.channel) == "email-pdf");
    BOOST_TEST(f::to_string(e.verdict) == "complete");
    BOOST_TEST(e.referral.text("gmc_number") == "7654321");
    BOOST_TEST(e.referral.text("grade") == "ST2");
    BOOST_REQUIRE_EQUAL(e.notes.size(), 2u);
    BOOST_TEST(e.notes[0].starts_with("trainee_name:"));
    BOOST_TEST(e.notes[1].starts_with("gmc_number:"));
}

// A PDF form alone, under a body with no form, still makes a referral.
BOOST_AUTO_TEST_CASE(pdf_fields_alone) {
    const f::RawFields pdf = {{"trainee_name", "Jane Roe"}, {"gmc_number", "1234567"}};
    const f::Evaluation e = f::evaluate_email(email("Form attached.\n"), pdf, kCtx);
    BOOST_TEST(f::to_string(e.channel) == "email-pdf");
    BOOST_TEST(f::to_string(e.verdict) == "incomplete");
    BOOST_TEST(e.notes.empty());
}

// Only fields other than the referrer's email and phone make an attempt at a referral.
BOOST_AUTO_TEST_CASE(referral_attempt_rule) {
    BOOST_TEST(!f::is_referral_attempt({}));
    BOOST_TEST(!f::is_referral_attempt({{"referrer_email", "a@b.org"}, {"referrer_phone", "1"}}));
    BOOST_TEST(!f::is_referral_attempt({{"shoe_size", "9"}}));
    BOOST_TEST(f::is_referral_attempt({{"referrer_phone", "1"}, {"site", ""}}));
}

BOOST_AUTO_TEST_SUITE_END()
