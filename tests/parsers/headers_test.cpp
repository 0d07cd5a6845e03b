// Header blocks, addresses, msg-ids and MIME parameters (headers.cpp and params.cpp).
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "parsers/headers.hpp"

using namespace casegate::parsers;

BOOST_AUTO_TEST_SUITE(headers)

// Folded fields unfold (only the line break goes), and the body starts after the blank line.
BOOST_AUTO_TEST_CASE(header_block_unfolds) {
    const std::string raw = "Subject: one\r\n two\r\nX-Empty:\r\nTo : a@b\r\n\r\nbody";
    const HeaderBlock block = split_header_block(raw, 1000);
    BOOST_TEST_REQUIRE(block.fields.size() == 3u);
    BOOST_TEST(block.fields[0].first == "Subject");
    BOOST_TEST(block.fields[0].second == "one two");
    BOOST_TEST(block.fields[1].second == "");
    BOOST_TEST(block.fields[2].first == "To");
    BOOST_TEST(raw.substr(block.body_offset) == "body");
    BOOST_TEST(block.header_bytes == raw.find("\r\n\r\n") + 2);
}

// A line that is not a field ends the header there, as mimetic reads it.
BOOST_AUTO_TEST_CASE(header_block_without_blank_line) {
    const std::string raw = "Subject: s\nthis is body text\nmore";
    const HeaderBlock block = split_header_block(raw, 1000);
    BOOST_TEST(block.fields.size() == 1u);
    BOOST_TEST(raw.substr(block.body_offset) == "this is body text\nmore");
}

// Quirks kept to match mimetic: a line starting with ':' is skipped, LF CR is one break.
BOOST_AUTO_TEST_CASE(header_block_mimetic_quirks) {
    const std::string raw = ":junk\nSubject: s\n\rContent-Type: multipart/mixed\n\nbody";
    const HeaderBlock block = split_header_block(raw, 1000);
    BOOST_TEST_REQUIRE(block.fields.size() == 2u);
    BOOST_TEST(block.fields[1].first == "Content-Type");
    BOOST_TEST(raw.substr(block.body_offset) == "body");
}

// Reading stops once the block passes the limit, so the caller can refuse it.
BOOST_AUTO_TEST_CASE(header_block_limit) {
    std::string raw;
    for (int i = 0; i < 100; ++i) raw += "X-Field-" + std::to_string(i) + ": value\n";
    const HeaderBlock block = split_header_block(raw + "\nbody", 200);
    BOOST_TEST(block.header_bytes > 200u);
    BOOST_TEST(block.fields.size() < 100u);
}

// The address forms seen in From fields all yield the first mailbox.
BOOST_AUTO_TEST_CASE(mailbox_forms) {
    struct Case {
        const char* value;
        const char* address;
        const char* name;
    };
    for (const Case& c : std::vector<Case>{
             {"\"Smith, Jane\" <jane@X.NHS.uk>", "jane@x.nhs.uk", "Smith, Jane"},
             {"Smith, Jane <jane@x.nhs.uk>", "jane@x.nhs.uk", "Smith, Jane"},
             {"jane@x.nhs.uk (Jane Smith)", "jane@x.nhs.uk", "Jane Smith"},
             {"Jane (Trust) Smith <Jane.Smith@x.org>", "Jane.Smith@x.org", "Jane Smith"},
             {"<jane@x.org>", "jane@x.org", ""},
             {"  jane@x.org  ", "jane@x.org", ""},
             {"a@x.org, Bob <b@y.org>", "a@x.org", ""},
             {"Team: Bob <b@y.org>, c@z.org;", "b@y.org", "Bob"},
             {"\"J \\\"JJ\\\" Doe\" <j@x.org>", "j@x.org", "J \"JJ\" Doe"},
             {"=?utf-8?Q?Zo=C3=AB?= <z@x.org>", "z@x.org", "=?utf-8?Q?Zo=C3=AB?="},
             {"<@relay.org:j@X.org>", "j@x.org", ""},
             {"MAILER-DAEMON", "MAILER-DAEMON", ""},
         }) {
        const auto mailbox = first_mailbox(c.value);
        BOOST_TEST_REQUIRE(mailbox.has_value(), c.value);
        BOOST_TEST(mailbox->address == c.address, c.value);
        BOOST_TEST(mailbox->display_name == c.name, c.value);
    }
    BOOST_TEST(!first_mailbox("undisclosed-recipients:;").has_value());
    BOOST_TEST(!first_mailbox("").has_value());
    BOOST_TEST(first_mailbox("<>")->address.empty());
}

// msg-ids lose their brackets; comments and quoted phrases are skipped; bare ids are
// taken only when there is no bracketed one.
BOOST_AUTO_TEST_CASE(msg_ids) {
    BOOST_TEST(parse_msg_ids("<a@b> <c@d>\r\n <e@f>") ==
               (std::vector<std::string>{"a@b", "c@d", "e@f"}));
    BOOST_TEST(parse_msg_ids("<a@b> (Jane's message of 3 Nov)") == std::vector<std::string>{"a@b"});
    BOOST_TEST(parse_msg_ids("\"Your message <x@y> of Tuesday\" <a@b>") ==
               std::vector<std::string>{"a@b"});
    BOOST_TEST(parse_msg_ids("a@b c@d") == (std::vector<std::string>{"a@b", "c@d"}));
    BOOST_TEST(parse_msg_ids("no ids here").empty());
    BOOST_TEST(parse_msg_ids("<unterminated@x").front() == "unterminated@x");
}

// Structured values: the token is lower-cased, quoted values keep ';' and escaped quotes.
BOOST_AUTO_TEST_CASE(structured_values) {
    const StructuredValue sv = parse_structured(
        "Text/Plain (comment); CharSet=\"UTF-8\"; name=\"a;b \\\"c\\\".txt\"; format=flowed");
    BOOST_TEST(sv.token == "text/plain");
    BOOST_TEST(param_value(sv, "charset") == "UTF-8");
    BOOST_TEST(param_value(sv, "name") == "a;b \"c\".txt");
    BOOST_TEST(param_value(sv, "FORMAT") == "flowed");
    BOOST_TEST(param_value(sv, "missing") == "");
    BOOST_TEST(parse_structured("attachment").token == "attachment");
    BOOST_TEST(parse_structured("").params.empty());
    BOOST_TEST(parse_structured("x; =; \"; a=\"unterminated").token == "x");
}

// RFC 2231's own continuation example, and name* winning over a plain name.
BOOST_AUTO_TEST_CASE(rfc2231_parameters) {
    const StructuredValue sv = parse_structured(
        "application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; "
        "title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"");
    BOOST_TEST(param_value(sv, "title") == "This is even more ***fun*** isn't it!");
    const StructuredValue both =
        parse_structured("attachment; filename=\"plain.pdf\"; filename*=UTF-8''r%C3%A9f.pdf");
    BOOST_TEST(param_value(both, "filename") ==
               "r\xC3\xA9"
               "f.pdf");
    const StructuredValue gap = parse_structured("a; n*0=one; n*2=three");
    BOOST_TEST(param_value(gap, "n") == "one");  // continuations stop at the first gap
    const StructuredValue pct = parse_structured("a; n*0=\"50%\"; n*1*=%20off");
    BOOST_TEST(param_value(pct, "n") == "50% off");
}

// Outlook puts RFC 2047 words in quoted filenames; they are decoded too.
BOOST_AUTO_TEST_CASE(rfc2047_in_parameters) {
    const StructuredValue sv =
        parse_structured("attachment; filename=\"=?utf-8?B?UsOpZsOpcmVuY2UucGRm?=\"");
    BOOST_TEST(param_value(sv, "filename") ==
               "R\xC3\xA9"
               "f\xC3\xA9rence.pdf");
}

// Defects are listed once each, and the list has a ceiling.
BOOST_AUTO_TEST_CASE(defect_list_bounded) {
    std::vector<std::string> defects;
    add_defect(&defects, "same");
    add_defect(&defects, "same");
    BOOST_TEST(defects.size() == 1u);
    for (int i = 0; i < 1000; ++i) add_defect(&defects, std::to_string(i));
    BOOST_TEST(defects.size() < 100u);
    add_defect(nullptr, "ignored");
}

BOOST_AUTO_TEST_SUITE_END()
