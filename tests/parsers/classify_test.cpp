// auto_reply_reason and bounce_reason, on samples and on single header fields.
#include <boost/test/unit_test.hpp>

#include <string>

#include "parsers/email.hpp"
#include "tests/parsers/sample.hpp"

using namespace casegate::parsers;
using casegate::parsers::test::contains;
using casegate::parsers::test::parse_sample;

namespace {

ParsedEmail with_header(const std::string& name, const std::string& value) {
    ParsedEmail email;
    email.from_address = "jane.smith@example.nhs.uk";
    email.headers = {{"From", "Jane Smith <jane.smith@example.nhs.uk>"}, {name, value}};
    return email;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(classify)

// An Exchange out-of-office is an auto-reply by its Auto-Submitted field, quoted in the reason.
BOOST_AUTO_TEST_CASE(out_of_office_sample) {
    const EmailOutcome out = parse_sample("auto_reply_out_of_office.eml");
    BOOST_TEST_REQUIRE(out.ok);
    const std::string reason = auto_reply_reason(out.email);
    BOOST_TEST(reason.starts_with("header Auto-Submitted: Auto-Replied"));
    BOOST_TEST(bounce_reason(out.email).empty());
}

// A mailing-list message is recognised by List-Id.
BOOST_AUTO_TEST_CASE(mailing_list_sample) {
    const EmailOutcome out = parse_sample("mailing_list.eml");
    BOOST_TEST_REQUIRE(out.ok);
    BOOST_TEST(auto_reply_reason(out.email).starts_with("header List-Id: Trainers bulletin"));
}

// A DSN is a bounce; an ordinary referral is neither a bounce nor an auto-reply.
BOOST_AUTO_TEST_CASE(dsn_and_ordinary_samples) {
    const EmailOutcome dsn = parse_sample("delivery_status_notification.eml");
    BOOST_TEST(bounce_reason(dsn.email) == "delivery status notification");
    const EmailOutcome referral = parse_sample("qp_soft_break_utf8.eml");
    BOOST_TEST(auto_reply_reason(referral.email).empty());
    BOOST_TEST(bounce_reason(referral.email).empty());
}

// Auto-Submitted: no (any case, with comments or parameters) is a person's message.
BOOST_AUTO_TEST_CASE(auto_submitted_no) {
    BOOST_TEST(auto_reply_reason(with_header("Auto-Submitted", "No (sent by a person)")).empty());
    BOOST_TEST(auto_reply_reason(with_header("auto-submitted", "NO; x=y")).empty());
    BOOST_TEST(!auto_reply_reason(with_header("Auto-Submitted", "auto-generated")).empty());
}

// Each auto-reply marker is recognised on its own, whatever its case.
BOOST_AUTO_TEST_CASE(auto_reply_markers) {
    BOOST_TEST(auto_reply_reason(with_header("X-Auto-Response-Suppress", "All")) ==
               "header X-Auto-Response-Suppress: All");
    BOOST_TEST(auto_reply_reason(with_header("x-autoreply", "yes")) == "header X-Autoreply: yes");
    BOOST_TEST(!auto_reply_reason(with_header("X-Autorespond", "Vacation")).empty());
    for (const char* p : {"bulk", "Junk", "list"})
        BOOST_TEST(!auto_reply_reason(with_header("Precedence", p)).empty(), p);
    BOOST_TEST(auto_reply_reason(with_header("Precedence", "first-class")).empty());
    BOOST_TEST(auto_reply_reason(with_header("Subject", "Out of office")).empty());
}

// A reason never carries control characters from the header value.
BOOST_AUTO_TEST_CASE(reason_is_printable) {
    const std::string reason =
        auto_reply_reason(with_header("Auto-Submitted", "auto-replied\r\nBcc: victim@x"));
    BOOST_TEST(!reason.empty());
    BOOST_TEST(!contains(reason, "\r"));
    BOOST_TEST(!contains(reason, "\n"));
}

// MAILER-DAEMON and postmaster senders, and the null Return-Path, are bounces.
BOOST_AUTO_TEST_CASE(bounce_markers) {
    ParsedEmail email;
    email.from_address = "Mailer-Daemon@mx.example.org";
    BOOST_TEST(!bounce_reason(email).empty());
    email.from_address = "postmaster@example.org";
    BOOST_TEST(!bounce_reason(email).empty());
    email.from_address = "postmaster.office@example.org";
    BOOST_TEST(bounce_reason(email).empty());
    email.has_return_path = true;
    email.return_path = "";
    BOOST_TEST(bounce_reason(email) == "null Return-Path <>");
    email.return_path = "sender@example.org";
    BOOST_TEST(bounce_reason(email).empty());
}

BOOST_AUTO_TEST_SUITE_END()
