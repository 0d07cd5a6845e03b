// parse_email on the golden samples in tests/data/mime, each named after what it exercises.
#include <boost/test/unit_test.hpp>

#include "parsers/email.hpp"
#include "parsers/text.hpp"
#include "tests/parsers/sample.hpp"

using namespace casegate::parsers;
using casegate::parsers::test::contains;
using casegate::parsers::test::has_defect;
using casegate::parsers::test::parse_sample;
using casegate::parsers::test::read_data_file;

BOOST_AUTO_TEST_SUITE(mime)

// A UTF-8 character cut in two by a QP soft line break comes out whole; CRLF becomes "\n".
BOOST_AUTO_TEST_CASE(qp_soft_break_utf8) {
    const EmailOutcome out = parse_sample("qp_soft_break_utf8.eml");
    BOOST_TEST_REQUIRE(out.ok);
    const std::string& body = out.email.text_body;
    BOOST_TEST(contains(body, "Doctor's full name: Zo\xC3\xAB Ch\xC3\xA2telain\n"));
    BOOST_TEST(contains(body, "on-call shifts \xE2\x80\x93 see attached rota."));
    BOOST_TEST(!contains(body, "\r"));
    BOOST_TEST(!contains(body, "="));
    BOOST_TEST(out.email.defects.empty());
}

// A multipart cut off before its closing boundary still parses, with a defect saying so.
BOOST_AUTO_TEST_CASE(truncated_boundary) {
    const EmailOutcome out = parse_sample("truncated_boundary.eml");
    BOOST_TEST_REQUIRE(out.ok);
    BOOST_TEST(has_defect(out.email, "missing closing boundary"));
    BOOST_TEST(contains(out.email.text_body, "GMC number: 7654321"));
    BOOST_TEST(!contains(out.email.text_body, "multi-part message"));  // the preamble
    BOOST_TEST_REQUIRE(out.email.attachments.size() == 1u);
    BOOST_TEST(out.email.attachments[0].filename == "rota.pdf");
    BOOST_TEST(out.email.attachments[0].data.starts_with("%PDF-1.4"));
}

// Encoded-words in three charsets, one character split across two words, join into UTF-8.
BOOST_AUTO_TEST_CASE(rfc2047_subject_mixed_charsets) {
    const EmailOutcome out = parse_sample("rfc2047_subject_mixed_charsets.eml");
    BOOST_TEST_REQUIRE(out.ok);
    BOOST_TEST(out.email.subject ==
               "R\xC3\xA9"
               "f\xC3\xA9rence \xE2\x80\x93 Dr. \xC3\x84sa "
               "\xE2\x80\x9Curgent\xE2\x80\x9D (ST1)");
    BOOST_TEST(out.email.from_name ==
               "Ren\xC3\xA9"
               "e Fran\xC3\xA7ois");
    BOOST_TEST(out.email.from_address == "Renee.Francois@example.nhs.uk");
    BOOST_TEST(contains(out.email.header("Subject"), "=?iso-8859-1?Q?"));  // raw stays raw
}

// filename*0*, filename*1*, filename*2 join and decode, and win over Content-Type name.
BOOST_AUTO_TEST_CASE(rfc2231_filename_continuation) {
    const EmailOutcome out = parse_sample("rfc2231_filename_continuation.eml");
    BOOST_TEST_REQUIRE(out.ok);
    BOOST_TEST_REQUIRE(out.email.attachments.size() == 1u);
    BOOST_TEST(out.email.attachments[0].filename ==
               "r\xC3\xA9"
               "f\xC3\xA9rence form \xE2\x80\x93 Zo\xC3\xAB O'Brien.pdf");
    BOOST_TEST(out.email.attachments[0].data == read_data_file("mime/referral.pdf"));
}

// With no text/plain part the HTML part is converted: blocks on lines, cells tab-separated,
// script/style/title dropped, entities decoded, the part's charset used and <meta> ignored.
BOOST_AUTO_TEST_CASE(html_only_body) {
    const EmailOutcome out = parse_sample("html_only_body.eml");
    BOOST_TEST_REQUIRE(out.ok);
    const std::string& body = out.email.text_body;
    BOOST_TEST(out.email.body_from_html);
    BOOST_TEST(body.starts_with("Dear team,\nPlease accept this referral & note the GMC number."));
    BOOST_TEST(contains(body,
                        "\nDoctor's full name:\tRen\xC3\xA9"
                        "e Long\n"));
    BOOST_TEST(contains(body, "\nGMC number:\t7 000 111\n"));
    BOOST_TEST(contains(body, "Details of the concern:\nLine one\nLine two\nfirst\nsecond\n"));
    BOOST_TEST(contains(body, "Caf\xC3\xA9 <closed> \xE2\x80\x9Cquoted\xE2\x80\x9D"));
    for (const char* gone : {"alert", "color", "Referral title", "<"})
        BOOST_TEST(!contains(body.substr(0, body.find("<closed>")), gone));
    BOOST_TEST(out.email.attachments.empty());
}

// An ISO-8859-1 body converts to UTF-8; 0x92 reads as windows-1252's right quote.
BOOST_AUTO_TEST_CASE(latin1_body) {
    const EmailOutcome out = parse_sample("latin1_body.eml");
    BOOST_TEST_REQUIRE(out.ok);
    BOOST_TEST(contains(out.email.text_body, "Ren\xC3\xA9 M\xC3\xBCller"));
    BOOST_TEST(contains(out.email.text_body, "trainee\xE2\x80\x99s rota at the Caf\xC3\xA9 was"));
    BOOST_TEST(is_valid_utf8(out.email.text_body));
    BOOST_TEST(out.email.defects.empty());
}

// An unknown charset is read as windows-1252 and named in a defect.
BOOST_AUTO_TEST_CASE(unknown_charset) {
    const EmailOutcome out = parse_sample("unknown_charset.eml");
    BOOST_TEST_REQUIRE(out.ok);
    BOOST_TEST(out.email.text_body == "Site: H\xC3\xB4pital Saint-Andr\xC3\xA9\n");
    BOOST_TEST(has_defect(out.email, "unknown charset x-mac-unheard-of"));
}

// A message without MIME headers is text/plain; its UTF-8 text is kept without defects.
BOOST_AUTO_TEST_CASE(missing_content_type) {
    const EmailOutcome out = parse_sample("missing_content_type.eml");
    BOOST_TEST_REQUIRE(out.ok);
    BOOST_TEST(!out.email.has_header("Content-Type"));
    BOOST_TEST(out.email.text_body.starts_with("Doctor's full name: Aoife Byrne\n"));
    BOOST_TEST(contains(out.email.text_body, "bereavement \xE2\x80\x93 thank you."));
    BOOST_TEST(out.email.from_address == "trainee@example.ac.uk");
    BOOST_TEST(out.email.from_name == "Aoife Byrne");  // from the comment
    BOOST_TEST(out.email.defects.empty());
    BOOST_TEST(out.email.attachments.empty());
}

// No Message-ID gives an empty id and a defect (mimetic would invent one); In-Reply-To
// and folded References still parse.
BOOST_AUTO_TEST_CASE(missing_message_id) {
    const EmailOutcome out = parse_sample("missing_message_id.eml");
    BOOST_TEST_REQUIRE(out.ok);
    BOOST_TEST(out.email.message_id.empty());
    BOOST_TEST(has_defect(out.email, "missing Message-ID"));
    BOOST_TEST(out.email.in_reply_to == "CG-2026-000123.ack@casegate.example.org");
    BOOST_TEST_REQUIRE(out.email.references.size() == 2u);
    BOOST_TEST(out.email.references[0] == "first@mail.example.nhs.uk");
    BOOST_TEST(out.email.references[1] == "CG-2026-000123.ack@casegate.example.org");
}

// A message/rfc822 part becomes a ForwardedMessage; its PDF is still an attachment; the
// HTML alternative of the covering note is not.
BOOST_AUTO_TEST_CASE(forwarded_rfc822) {
    const EmailOutcome out = parse_sample("forwarded_rfc822.eml");
    BOOST_TEST_REQUIRE(out.ok);
    BOOST_TEST(out.email.text_body == "Forwarding with the trainee's consent.\nMark\n");
    BOOST_TEST(out.email.from_name == "Jones, Mark (TPD)");
    BOOST_TEST_REQUIRE(out.email.forwarded.size() == 1u);
    const ForwardedMessage& fwd = out.email.forwarded[0];
    BOOST_TEST(fwd.from_address == "Priya.Raman@example.ac.uk");
    BOOST_TEST(fwd.subject == "Support request \xE2\x80\x93 exams");
    BOOST_TEST(contains(fwd.text_body, "Doctor's full name: Priya Raman\n"));
    BOOST_TEST(contains(fwd.text_body, "Support requested: Exam support"));
    BOOST_TEST_REQUIRE(out.email.attachments.size() == 1u);
    BOOST_TEST(out.email.attachments[0].filename == "form.pdf");
    BOOST_TEST(out.email.attachments[0].data == read_data_file("mime/referral.pdf"));
}

// multipart/report; report-type=delivery-status marks a DSN; Return-Path <> is the null path.
BOOST_AUTO_TEST_CASE(delivery_status_notification) {
    const EmailOutcome out = parse_sample("delivery_status_notification.eml");
    BOOST_TEST_REQUIRE(out.ok);
    BOOST_TEST(out.email.is_delivery_report);
    BOOST_TEST(out.email.has_return_path);
    BOOST_TEST(out.email.return_path.empty());
    BOOST_TEST(out.email.from_address == "MAILER-DAEMON@mx.example.nhs.uk");
    BOOST_TEST(contains(out.email.text_body, "550 5.1.1 User unknown"));
}

// Outlook's reply: the text/plain part is the body and the HTML alternative is not an
// attachment; the quoted Outlook block is removable.
BOOST_AUTO_TEST_CASE(outlook_quoted_reply) {
    const EmailOutcome out = parse_sample("outlook_quoted_reply.eml");
    BOOST_TEST_REQUIRE(out.ok);
    BOOST_TEST(!out.email.body_from_html);
    BOOST_TEST(out.email.attachments.empty());
    BOOST_TEST(out.email.in_reply_to == "CG-2026-000123.incomplete@casegate.example.org");
    const std::string reply = strip_quotes_and_signature(out.email.text_body);
    BOOST_TEST(reply ==
               "GMC number: 7123456\nYour role: Clinical Supervisor\n\nKind regards\nJane");
    // The folded Content-Type is unfolded in the header list.
    BOOST_TEST(!contains(out.email.header("Content-Type"), "\n"));
    BOOST_TEST(contains(out.email.header("content-type"), "boundary=\"_000_DB9PR01MB1234ABCD_\""));
}

// The "-- " line ends the text; a "--" inside a line does not.
BOOST_AUTO_TEST_CASE(signature_dash_dash) {
    const EmailOutcome out = parse_sample("signature_dash_dash.eml");
    BOOST_TEST_REQUIRE(out.ok);
    const std::string text = strip_quotes_and_signature(out.email.text_body);
    BOOST_TEST(text.ends_with("nursing team\n-- on two occasions this month."));
    BOOST_TEST(!contains(text, "Consultant"));
    BOOST_TEST(contains(out.email.text_body, "Consultant"));  // the body itself keeps it
}

// A base64 PDF decodes to the original bytes; the content type is lower-cased.
BOOST_AUTO_TEST_CASE(base64_pdf_attachment) {
    const EmailOutcome out = parse_sample("base64_pdf_attachment.eml");
    BOOST_TEST_REQUIRE(out.ok);
    BOOST_TEST(out.email.text_body == "Please find the referral form attached.\n");
    BOOST_TEST_REQUIRE(out.email.attachments.size() == 1u);
    const Attachment& pdf = out.email.attachments[0];
    BOOST_TEST(pdf.content_type == "application/pdf");
    BOOST_TEST(pdf.filename == "Referral Form.pdf");
    BOOST_TEST(pdf.data == read_data_file("mime/referral.pdf"));
}

// A base64-encoded message/rfc822 part is decoded and read as the forward it is.
BOOST_AUTO_TEST_CASE(rfc822_base64_encoded) {
    const EmailOutcome out = parse_sample("rfc822_base64_encoded.eml");
    BOOST_TEST_REQUIRE(out.ok);
    BOOST_TEST(has_defect(out.email, "base64-encoded message/rfc822 part decoded"));
    BOOST_TEST_REQUIRE(out.email.forwarded.size() == 1u);
    const ForwardedMessage& fwd = out.email.forwarded[0];
    BOOST_TEST(fwd.from_address == "owen.hughes@example.ac.uk");
    BOOST_TEST(fwd.subject == "Rota concerns");
    BOOST_TEST(contains(fwd.text_body, "13 nights in a row \xE2\x80\x93 please help.\n"));
    BOOST_TEST(out.email.attachments.empty());  // the encoded text is not kept twice
}

// LF, CRLF, lone CR and LF CR line breaks all work, also right before a boundary (where
// mimetic's newline trimming would otherwise underflow and throw).
BOOST_AUTO_TEST_CASE(mixed_line_breaks) {
    const EmailOutcome out = parse_sample("mixed_line_breaks.eml");
    BOOST_TEST_REQUIRE(out.ok, out.error);
    BOOST_TEST(
        out.email.text_body.starts_with("Doctor's full name: Grace Obi\nGMC number: 7111222\n"));
    BOOST_TEST(out.email.subject == "Referral");
    BOOST_TEST(out.email.header("To") == "referrals@casegate.example.org");
    BOOST_TEST_REQUIRE(out.email.attachments.size() == 1u);
    BOOST_TEST(out.email.attachments[0].filename == "notes.txt");
    BOOST_TEST(out.email.attachments[0].data.starts_with("line one\r\nline two"));
    const EmailOutcome minimal =
        parse_email("Content-Type: multipart/mixed; boundary=b\n\n\r\n--b", MimeLimits{});
    BOOST_TEST(minimal.ok, minimal.error);
}

// Raw 8-bit header text that is not UTF-8 is read as windows-1252, so every header string
// in ParsedEmail is valid UTF-8, the raw header list included.
BOOST_AUTO_TEST_CASE(raw_8bit_headers_become_utf8) {
    const EmailOutcome out = parse_email(
        "From: Ren\xE9 <rene@example.org>\nSubject: Caf\xE9 \x93menu\x94\n\nbody\n", {});
    BOOST_TEST_REQUIRE(out.ok);
    BOOST_TEST(out.email.subject == "Caf\xC3\xA9 \xE2\x80\x9Cmenu\xE2\x80\x9D");
    BOOST_TEST(out.email.from_name == "Ren\xC3\xA9");
    BOOST_TEST(is_valid_utf8(out.email.header("Subject")));
    BOOST_TEST(has_defect(out.email, "8-bit bytes in us-ascii text read as windows-1252"));
}

// Every prefix of every sample parses without throwing, and every string is valid UTF-8.
BOOST_AUTO_TEST_CASE(truncated_samples_never_throw) {
    for (const char* name : {"forwarded_rfc822.eml", "rfc2231_filename_continuation.eml",
                             "html_only_body.eml", "delivery_status_notification.eml"}) {
        const std::string raw = read_data_file(std::string("mime/") + name);
        for (std::size_t cut = 0; cut <= raw.size(); cut += 3) {
            EmailOutcome out;
            BOOST_REQUIRE_NO_THROW(out = parse_email(std::string_view(raw).substr(0, cut), {}));
            BOOST_TEST_REQUIRE(is_valid_utf8(out.email.text_body));
            BOOST_TEST_REQUIRE(is_valid_utf8(out.email.subject));
            for (const ForwardedMessage& f : out.email.forwarded)
                BOOST_TEST_REQUIRE(is_valid_utf8(f.text_body));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
