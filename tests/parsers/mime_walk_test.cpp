// Body selection, attachments and forwards from the entity tree (mime_walk.cpp).
#include <boost/test/unit_test.hpp>

#include <mimetic/mimetic.h>

#include <iterator>
#include <string>

#include "parsers/email.hpp"
#include "parsers/mime_walk.hpp"

using namespace casegate::parsers;

namespace {

std::string multipart(const std::string& type, const std::string& parts_with_headers) {
    return "From: a@example.org\nMessage-ID: <m@example.org>\nContent-Type: " + type +
           "; boundary=B\n\n" + parts_with_headers + "--B--\n";
}

std::string base64(const std::string& bytes) {
    std::string out;
    mimetic::Base64::Encoder encoder;
    mimetic::encode(bytes.begin(), bytes.end(), encoder, std::back_inserter(out));
    return out;
}

// `levels` message/rfc822 parts inside each other, each base64-encoded.
std::string encoded_forwards(int levels) {
    std::string msg = "From: bottom@example.org\r\nSubject: bottom\r\n\r\nbottom text\r\n";
    for (int i = 0; i < levels; ++i)
        msg = "From: level" + std::to_string(i) +
              "@example.org\r\nContent-Type: message/rfc822\r\n"
              "Content-Transfer-Encoding: base64\r\n\r\n" +
              base64(msg);
    return msg;
}

ParsedEmail parse_ok(const std::string& raw) {
    EmailOutcome out = parse_email(raw, MimeLimits{});
    BOOST_TEST_REQUIRE(out.ok, out.error);
    return out.email;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mime_walk)

// A text/plain attachment is not the body; the first inline text/plain is.
BOOST_AUTO_TEST_CASE(attachment_text_is_not_body) {
    const ParsedEmail email = parse_ok(multipart(
        "multipart/mixed",
        "--B\nContent-Type: text/plain\nContent-Disposition: attachment; filename=notes.txt\n\n"
        "attached notes\n--B\nContent-Type: text/plain\n\nthe body\n"));
    BOOST_TEST(email.text_body == "the body");
    BOOST_TEST_REQUIRE(email.attachments.size() == 1u);
    BOOST_TEST(email.attachments[0].filename == "notes.txt");
    BOOST_TEST(email.attachments[0].content_type == "text/plain");
}

// A part without Content-Type is text/plain and can be the body.
BOOST_AUTO_TEST_CASE(part_without_content_type) {
    const ParsedEmail email = parse_ok(multipart(
        "multipart/mixed", "--B\n\nno headers here\n--B\nContent-Type: image/png\n\nPNG\n"));
    BOOST_TEST(email.text_body == "no headers here");
    BOOST_TEST_REQUIRE(email.attachments.size() == 1u);
    BOOST_TEST(email.attachments[0].content_type == "image/png");
}

// multipart/related HTML becomes the body; its inline image stays an attachment, named by
// Content-Type's name when there is no filename.
BOOST_AUTO_TEST_CASE(related_html_with_image) {
    const ParsedEmail email = parse_ok(multipart(
        "multipart/related",
        "--B\nContent-Type: text/html; charset=utf-8\n\n<p>Hello<br>there</p>\n"
        "--B\nContent-Type: image/png; name=logo.png\nContent-Transfer-Encoding: base64\n\n"
        "iVBORw0KGgo=\n"));
    BOOST_TEST(email.body_from_html);
    BOOST_TEST(email.text_body == "Hello\nthere");
    BOOST_TEST_REQUIRE(email.attachments.size() == 1u);
    BOOST_TEST(email.attachments[0].filename == "logo.png");
    BOOST_TEST(email.attachments[0].data == "\x89PNG\r\n\x1A\n");
}

// Empty leaf parts are not attachments.
BOOST_AUTO_TEST_CASE(empty_parts_skipped) {
    const ParsedEmail email = parse_ok(multipart(
        "multipart/mixed",
        "--B\nContent-Type: text/plain\n\nbody\n--B\nContent-Type: application/pdf\n\n\n"));
    BOOST_TEST(email.attachments.empty());
}

// A forward inside a forward gives two ForwardedMessages in document order, and the outer
// body does not take text from either.
BOOST_AUTO_TEST_CASE(nested_forwards) {
    const ParsedEmail email = parse_ok(multipart(
        "multipart/mixed",
        "--B\nContent-Type: message/rfc822\n\nFrom: one@example.org\nSubject: first\n"
        "Content-Type: multipart/mixed; boundary=C\n\n--C\nContent-Type: text/plain\n\none\n"
        "--C\nContent-Type: message/rfc822\n\nFrom: two@example.org\nSubject: second\n\ntwo\n"
        "--C--\n"));
    BOOST_TEST(email.text_body.empty());
    BOOST_TEST_REQUIRE(email.forwarded.size() == 2u);
    BOOST_TEST(email.forwarded[0].from_address == "one@example.org");
    BOOST_TEST(email.forwarded[0].text_body == "one");
    BOOST_TEST(email.forwarded[1].subject == "second");
    BOOST_TEST(email.forwarded[1].text_body == "two");
}

// A message/delivery-status part marks a DSN even without multipart/report; one inside a
// forward does not.
BOOST_AUTO_TEST_CASE(delivery_status_part) {
    BOOST_TEST(parse_ok(multipart("multipart/mixed",
                                  "--B\nContent-Type: message/delivery-status\n\nAction: failed\n"))
                   .is_delivery_report);
    BOOST_TEST(!parse_ok(multipart("multipart/mixed",
                                   "--B\nContent-Type: message/rfc822\n\nFrom: x@y\nContent-Type: "
                                   "message/delivery-status\n\nAction: failed\n"))
                    .is_delivery_report);
}

// Base64-encoded forwards inside each other are each decoded, and their nesting still
// counts against max_depth.
BOOST_AUTO_TEST_CASE(encoded_forwards_nest_within_limits) {
    const ParsedEmail email = parse_ok(encoded_forwards(3));
    BOOST_TEST_REQUIRE(email.forwarded.size() == 3u);
    BOOST_TEST(email.forwarded[0].from_address == "level1@example.org");
    BOOST_TEST(email.forwarded[2].from_address == "bottom@example.org");
    BOOST_TEST(email.forwarded[2].text_body == "bottom text\n");
    const EmailOutcome deep = parse_email(encoded_forwards(30), MimeLimits{});
    BOOST_TEST(!deep.ok);
    BOOST_TEST(deep.error ==
               "MIME depth exceeds limit max_depth=20 inside a base64-encoded message/rfc822 part");
}

// The walk re-checks limits on the tree mimetic built, whatever the pre-scan said.
BOOST_AUTO_TEST_CASE(tree_limits_rechecked) {
    const std::string raw = multipart("multipart/mixed", "--B\n\none\n--B\n\ntwo\n");
    const mimetic::MimeEntity root(raw.begin(), raw.end());
    MimeLimits limits;
    limits.max_parts = 2;
    ParsedEmail email;
    BOOST_TEST(walk_mime_tree(root, {}, limits, email).reason ==
               "part count 3 exceeds limit max_parts=2");
    limits = MimeLimits{};
    limits.max_depth = 0;
    BOOST_TEST(walk_mime_tree(root, {}, limits, email).reason ==
               "MIME depth 1 exceeds limit max_depth=0");
}

BOOST_AUTO_TEST_SUITE_END()
