// The structural pre-scan and the limits parse_email enforces before mimetic runs.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "parsers/email.hpp"
#include "parsers/mime_scan.hpp"
#include "tests/parsers/sample.hpp"

using namespace casegate::parsers;
using casegate::parsers::test::contains;

namespace {

// `depth` multiparts inside each other; the innermost text part sits at that depth.
std::string nested_multipart(int depth, bool close = true) {
    std::string s = "From: a@example.org\r\nMessage-ID: <deep@example.org>\r\n";
    for (int i = 0; i < depth; ++i)
        s += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\r\n\r\n--b" +
             std::to_string(i) + "\r\n";
    s += "Content-Type: text/plain\r\n\r\ninnermost\r\n";
    for (int i = depth - 1; close && i >= 0; --i) s += "--b" + std::to_string(i) + "--\r\n";
    return s;
}

std::string nested_rfc822(int depth) {
    std::string s = "From: a@example.org\r\n";
    for (int i = 0; i < depth; ++i)
        s += "Content-Type: message/rfc822\r\n\r\nFrom: b@example.org\r\n";
    return s + "Subject: innermost\r\n\r\nbody\r\n";
}

std::string many_parts(int parts) {
    std::string s = "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n";
    for (int i = 0; i < parts; ++i) s += "--p\r\nContent-Type: text/plain\r\n\r\npart\r\n";
    return s + "--p--\r\n";
}

double seconds_to_parse(const std::string& raw, EmailOutcome& out) {
    const auto start = std::chrono::steady_clock::now();
    out = parse_email(raw, MimeLimits{});
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mime_scan)

// The scan counts entities and nesting the way the structure declares them.
BOOST_AUTO_TEST_CASE(counts_depth_and_parts) {
    const MimeScan scan = scan_mime_structure(nested_multipart(3), MimeLimits{});
    BOOST_TEST(scan.error.empty());
    BOOST_TEST(scan.depth == 3);
    BOOST_TEST(scan.parts == 4);
    BOOST_TEST(scan.defects.empty());
    const MimeScan flat = scan_mime_structure(many_parts(7), MimeLimits{});
    BOOST_TEST(flat.depth == 1);
    BOOST_TEST(flat.parts == 8);
}

// An inner multipart closed only by its parent's boundary is reported, as is one left open.
BOOST_AUTO_TEST_CASE(missing_closing_boundaries) {
    const std::string raw =
        "Content-Type: multipart/mixed; boundary=outer\n\n--outer\n"
        "Content-Type: multipart/alternative; boundary=inner\n\n--inner\n\ntext\n"
        "--outer\nContent-Type: text/plain\n\nsecond\n--outer--\n";
    const MimeScan scan = scan_mime_structure(raw, MimeLimits{});
    BOOST_TEST(scan.parts == 4);
    BOOST_TEST(scan.defects == std::vector<std::string>{"missing closing boundary"});
    BOOST_TEST(scan_mime_structure(nested_multipart(2, false), {}).defects.size() == 1u);
    BOOST_TEST(scan_mime_structure(nested_multipart(2, true), {}).defects.empty());
}

// A multipart without a boundary parameter cannot be split reliably: it is refused before
// mimetic sees it (mimetic would split at every "--" and can throw).
BOOST_AUTO_TEST_CASE(multipart_without_boundary) {
    const std::string raw = "Content-Type: multipart/mixed\n\n\r\n--x\n\ntext\n";
    BOOST_TEST(scan_mime_structure(raw, {}).error == "multipart without boundary parameter");
    const EmailOutcome out = parse_email(raw, MimeLimits{});
    BOOST_TEST(!out.ok);
    BOOST_TEST(out.error == "multipart without boundary parameter");
}

// As in mimetic, text after a delimiter on its line starts the part's header, so a
// declaration hidden there still counts.
BOOST_AUTO_TEST_CASE(header_on_delimiter_line) {
    const std::string raw =
        "Content-Type: multipart/mixed; boundary=a\n\n--aContent-Type: multipart/mixed; "
        "boundary=b\n\n--b\n\ninner\n--b--\n--a--\n";
    const MimeScan scan = scan_mime_structure(raw, {});
    BOOST_TEST(scan.depth == 2);
    BOOST_TEST(scan.parts == 3);
}

// Nesting up to max_depth parses; one level more is refused with the limit named.
BOOST_AUTO_TEST_CASE(depth_limit_boundary) {
    const EmailOutcome at_limit = parse_email(nested_multipart(20), MimeLimits{});
    BOOST_TEST(at_limit.ok);
    BOOST_TEST(at_limit.email.text_body == "innermost");
    const EmailOutcome over = parse_email(nested_multipart(21), MimeLimits{});
    BOOST_TEST(!over.ok);
    BOOST_TEST(over.error == "MIME depth 21 exceeds limit max_depth=20");
}

// depth_bomb: a 10,000-deep nest is refused quickly instead of overflowing mimetic's stack.
BOOST_AUTO_TEST_CASE(depth_bomb) {
    EmailOutcome out;
    const double multipart_seconds = seconds_to_parse(nested_multipart(10000, false), out);
    BOOST_TEST(!out.ok);
    BOOST_TEST(contains(out.error, "max_depth=20"));
    BOOST_TEST(multipart_seconds < 1.0);
    const double rfc822_seconds = seconds_to_parse(nested_rfc822(10000), out);
    BOOST_TEST(!out.ok);
    BOOST_TEST(contains(out.error, "max_depth=20"));
    BOOST_TEST(rfc822_seconds < 1.0);
}

// too_many_parts: more entities than max_parts is refused, counting them all.
BOOST_AUTO_TEST_CASE(too_many_parts) {
    const EmailOutcome out = parse_email(many_parts(1500), MimeLimits{});
    BOOST_TEST(!out.ok);
    BOOST_TEST(out.error == "part count 1501 exceeds limit max_parts=1000");
    BOOST_TEST(parse_email(many_parts(999), MimeLimits{}).ok);
}

// The whole message is measured before anything else.
BOOST_AUTO_TEST_CASE(message_size_limit) {
    MimeLimits limits;
    limits.max_message_bytes = 100;
    const std::string raw = many_parts(3);
    const EmailOutcome out = parse_email(raw, limits);
    BOOST_TEST(!out.ok);
    BOOST_TEST(out.error == "message size " + std::to_string(raw.size()) +
                                " exceeds limit max_message_bytes=100");
}

// The limit a refusal broke is named beside its reason (so it can be logged without the
// reason); a structural problem names none.
BOOST_AUTO_TEST_CASE(limit_named_beside_the_reason) {
    MimeLimits tiny;
    tiny.max_message_bytes = 100;
    BOOST_TEST(parse_email(many_parts(3), tiny).limit == "max_message_bytes");
    BOOST_TEST(parse_email(nested_multipart(25), MimeLimits{}).limit == "max_depth");
    const std::string no_boundary =
        "Content-Type: multipart/mixed\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n";
    const EmailOutcome structural = parse_email(no_boundary, MimeLimits{});
    BOOST_TEST(structural.error == "multipart without boundary parameter");
    BOOST_TEST(structural.limit.empty());
}

// A huge header block, at the top or in a part, is refused before mimetic's quadratic
// header buffer sees it.
BOOST_AUTO_TEST_CASE(header_size_limit) {
    const std::string subject = "Subject: " + std::string(300 * 1024, 'x') + "\r\n";
    const EmailOutcome top = parse_email(subject + "\r\nbody\r\n", MimeLimits{});
    BOOST_TEST(!top.ok);
    BOOST_TEST(contains(top.error, "header size"));
    BOOST_TEST(contains(top.error, "exceeds limit max_header_bytes=262144"));
    const std::string in_part = "Content-Type: multipart/mixed; boundary=p\r\n\r\n--p\r\n" +
                                subject + "\r\nbody\r\n--p--\r\n";
    const EmailOutcome part = parse_email(in_part, MimeLimits{});
    BOOST_TEST(!part.ok);
    BOOST_TEST(contains(part.error, "max_header_bytes"));
}

// A giant first line with no blank line before it is read by mimetic as a field name, so
// it counts as header.
BOOST_AUTO_TEST_CASE(long_non_field_line_counts_as_header) {
    const std::string line = std::string(300 * 1024, 'x') + "\r\n";
    BOOST_TEST(contains(parse_email(line + "body\r\n", MimeLimits{}).error, "max_header_bytes"));
    const std::string in_part =
        "Content-Type: multipart/mixed; boundary=p\r\n\r\n--p\r\n" + line + "--p--\r\n";
    BOOST_TEST(contains(parse_email(in_part, MimeLimits{}).error, "max_header_bytes"));
}

// A giant line that mimetic might read as a header after a boundary is refused too.
BOOST_AUTO_TEST_CASE(long_line_with_boundary_text) {
    const std::string raw = "Content-Type: multipart/mixed; boundary=p\r\n\r\n--p\r\n\r\nx " +
                            std::string(300 * 1024, 'y') + "--p\r\n--p--\r\n";
    const EmailOutcome out = parse_email(raw, MimeLimits{});
    BOOST_TEST(!out.ok);
    BOOST_TEST(contains(out.error, "line length"));
    BOOST_TEST(contains(out.error, "max_header_bytes"));
}

// Many multipart declarations that the line scan does not see as structure still count
// against max_parts, bounding mimetic's recursion whatever it makes of them.
BOOST_AUTO_TEST_CASE(declaration_count_is_conservative) {
    std::string raw = "Content-Type: text/plain\r\n\r\n";
    for (int i = 0; i < 1001; ++i) raw += "Content-Type: Multipart/Mixed\r\n";
    std::vector<std::string> defects;
    const Refusal refusal = check_before_parsing(raw, MimeLimits{}, &defects);
    BOOST_TEST(refusal.reason ==
               "multipart/message declaration count 1001 exceeds limit max_parts=1000");
    BOOST_TEST(refusal.limit == "max_parts");
    BOOST_TEST(check_before_parsing(nested_multipart(5), MimeLimits{}, &defects).empty());
    // Both words, in any case, side by side, and one at the very end: 668 + 333 = 1001.
    std::string words = "Content-Type: text/plain\r\n\r\n";
    for (int i = 0; i < 334; ++i) words += "MULTIPARTmultipart";
    for (int i = 0; i < 333; ++i) words += (i % 2 ? " RFC822" : " rfC822");
    BOOST_TEST(check_before_parsing(words, MimeLimits{}, &defects).reason ==
               "multipart/message declaration count 1001 exceeds limit max_parts=1000");
    words.resize(words.size() - 7);  // one word fewer: 1000 is within the limit
    BOOST_TEST(check_before_parsing(words, MimeLimits{}, &defects).empty());
    BOOST_TEST(check_before_parsing(words + "multipar", MimeLimits{}, &defects).empty());
}

BOOST_AUTO_TEST_SUITE_END()
