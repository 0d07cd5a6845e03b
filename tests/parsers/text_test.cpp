// The text helpers: charset conversion, RFC 2047 / 2231, HTML to text, quote stripping.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "parsers/text.hpp"

using namespace casegate::parsers;

namespace {
const std::string kFFFD = "\xEF\xBF\xBD";
}

BOOST_AUTO_TEST_SUITE(text)

BOOST_AUTO_TEST_SUITE(charset)

// windows-1252 smart quotes and ISO-8859-15's euro sign come from iconv's tables.
BOOST_AUTO_TEST_CASE(converts_single_byte_charsets) {
    BOOST_TEST(to_utf8("\x93hi\x94", "windows-1252") == "\xE2\x80\x9Chi\xE2\x80\x9D");
    BOOST_TEST(to_utf8("\xA4", "ISO-8859-15") == "\xE2\x82\xAC");
    BOOST_TEST(to_utf8("\xE9t\xE9", "\"iso-8859-1\"") == "\xC3\xA9t\xC3\xA9");
}

// UTF-16 with a byte-order mark converts; its BOM is consumed.
BOOST_AUTO_TEST_CASE(converts_utf16) {
    BOOST_TEST(to_utf8(std::string("\xFF\xFEh\0i\0", 6), "UTF-16") == "hi");
}

// Invalid UTF-8 in a UTF-8 part becomes U+FFFD with the documented defect.
BOOST_AUTO_TEST_CASE(repairs_declared_utf8) {
    std::vector<std::string> defects;
    BOOST_TEST(to_utf8("ok\xC3(", "utf-8", &defects) == "ok" + kFFFD + "(");
    BOOST_TEST(defects == std::vector<std::string>{"invalid UTF-8 in charset utf-8 replaced"});
}

// An unknown or implausible charset name is read as windows-1252 and named in a defect.
BOOST_AUTO_TEST_CASE(unknown_charset_falls_back) {
    std::vector<std::string> defects;
    BOOST_TEST(to_utf8("caf\xE9", "x-nonesuch", &defects) == "caf\xC3\xA9");
    BOOST_TEST(to_utf8("\x80", "../../etc/x", &defects) == "\xE2\x82\xAC");
    BOOST_TEST(defects.size() == 2u);
    BOOST_TEST(defects[0] == "unknown charset x-nonesuch");
}

// Bytes a charset does not define become U+FFFD; the rest converts.
BOOST_AUTO_TEST_CASE(undefined_bytes_replaced) {
    std::vector<std::string> defects;
    BOOST_TEST(to_utf8("a\x81"
                       "b",
                       "windows-1252", &defects) == "a" + kFFFD + "b");
    BOOST_TEST(defects.size() == 1u);
}

// 8-bit bytes labelled us-ascii are kept when they are UTF-8, else read as windows-1252.
BOOST_AUTO_TEST_CASE(ascii_label_with_8bit) {
    std::vector<std::string> defects;
    BOOST_TEST(to_utf8("\xC3\xA9", "us-ascii", &defects) == "\xC3\xA9");
    BOOST_TEST(defects.empty());
    BOOST_TEST(to_utf8("\xE9", "", &defects) == "\xC3\xA9");
    BOOST_TEST(defects.size() == 1u);
}

// The validator rejects overlongs, surrogates, code points past U+10FFFF and truncation.
BOOST_AUTO_TEST_CASE(validates_utf8) {
    BOOST_TEST(is_valid_utf8("plain \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
    for (const char* bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                            "\xE2\x82", "\xFF", "\x80"})
        BOOST_TEST(!is_valid_utf8(bad), "accepted " << bad);
}

// Repair replaces each maximal ill-formed subpart with one U+FFFD and keeps the rest.
BOOST_AUTO_TEST_CASE(repairs_utf8) {
    BOOST_TEST(repair_utf8("a\xE2\x82z") == "a" + kFFFD + "z");
    BOOST_TEST(repair_utf8("\xC0\xAF") == kFFFD + kFFFD);
    BOOST_TEST(repair_utf8("\xED\xA0\x80x") == kFFFD + kFFFD + kFFFD + "x");
    BOOST_TEST(is_valid_utf8(repair_utf8("\xF0\x9F\x98")));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rfc2047)

// The examples of RFC 2047 section 8: white space between adjacent words disappears.
// An encoded word is found wherever it is, well formed or not; '=' and '?' alone are not one.
BOOST_AUTO_TEST_CASE(finds_encoded_words) {
    BOOST_TEST(contains_encoded_word("=?utf-8?q?a=0D=0A?=@x.example"));
    BOOST_TEST(contains_encoded_word("jo=?x?=@example.org"));
    BOOST_TEST(contains_encoded_word("a@=?utf-8?b?eA==?="));
    BOOST_TEST(!contains_encoded_word("a=b?c@example.org"));
    BOOST_TEST(!contains_encoded_word("a?=b=?c@example.org"));
    BOOST_TEST(!contains_encoded_word("=?="));
}

BOOST_AUTO_TEST_CASE(rfc_examples) {
    BOOST_TEST(decode_rfc2047("(=?ISO-8859-1?Q?a?=)") == "(a)");
    BOOST_TEST(decode_rfc2047("(=?ISO-8859-1?Q?a?= b)") == "(a b)");
    BOOST_TEST(decode_rfc2047("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)") == "(ab)");
    BOOST_TEST(decode_rfc2047("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)") == "(ab)");
    BOOST_TEST(decode_rfc2047("(=?ISO-8859-1?Q?a_b?=)") == "(a b)");
    BOOST_TEST(decode_rfc2047("=?ISO-8859-1?Q?Andr=E9?= Pirard") == "Andr\xC3\xA9 Pirard");
}

// B words decode, and a character split between two words of one charset survives.
BOOST_AUTO_TEST_CASE(base64_words_join) {
    BOOST_TEST(decode_rfc2047("=?UTF-8?B?w6k=?=") == "\xC3\xA9");
    BOOST_TEST(decode_rfc2047("=?utf-8?b?ww==?= =?utf-8?b?qQ==?=") == "\xC3\xA9");
    BOOST_TEST(decode_rfc2047("=?utf-8*en?Q?hi?=") == "hi");  // RFC 2231 language tag
}

// Malformed words stay literal text; raw 8-bit text is kept as UTF-8 or read as cp1252.
BOOST_AUTO_TEST_CASE(malformed_and_raw) {
    for (const char* literal :
         {"=?utf-8?X?abc?=", "=?utf-8?Q?unterminated", "=?utf-8?Q?a b?=", "a =? b ?= c"})
        BOOST_TEST(decode_rfc2047(literal) == literal);
    BOOST_TEST(decode_rfc2047("Caf\xC3\xA9") == "Caf\xC3\xA9");
    std::vector<std::string> defects;
    BOOST_TEST(decode_rfc2047("Caf\xE9", &defects) == "Caf\xC3\xA9");
    BOOST_TEST(defects.size() == 1u);
}

// Many unterminated word starts cost linear time, not quadratic (decorated with a timeout).
BOOST_AUTO_TEST_CASE(many_false_starts_are_fast, *boost::unit_test::timeout(5)) {
    std::string value;
    for (int i = 0; i < 40000; ++i) value += "=?a?q?x ";
    value += "=?" + std::string(200000, 'x');
    BOOST_TEST(decode_rfc2047(value) == value);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rfc2231)

// The RFC 2231 example value, and a Latin-1 one, decode to UTF-8.
BOOST_AUTO_TEST_CASE(extended_values) {
    BOOST_TEST(decode_rfc2231("us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A") ==
               "This is ***fun***");
    BOOST_TEST(decode_rfc2231("iso-8859-1''caf%E9.pdf") == "caf\xC3\xA9.pdf");
    BOOST_TEST(decode_rfc2231("utf-8''na%C3%AFve.pdf") == "na\xC3\xAFve.pdf");
}

// Without charset quotes the value is only percent-decoded; a bad escape stays literal.
BOOST_AUTO_TEST_CASE(plain_and_malformed) {
    BOOST_TEST(decode_rfc2231("a%20b%zz") == "a b%zz");
    BOOST_TEST(decode_rfc2231("utf-8''%") == "%");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(html)

// Blocks and <br> break lines; cells are tab-separated; head, script and style vanish.
BOOST_AUTO_TEST_CASE(structure_to_lines) {
    const std::string html =
        "<html><head><title>T</title><style>p{}</style></head><body><script>x()</script>"
        "<h1>Referral</h1><p>one<br>two</p><table><tr><td>GMC number:</td><td>7123456</td>"
        "</tr></table><ul><li>a</li><li>b</li></ul></body></html>";
    BOOST_TEST(html_to_text(html) == "Referral\none\ntwo\nGMC number:\t7123456\na\nb");
}

// Entities decode, &nbsp; becomes a space, source white space collapses except in <pre>.
BOOST_AUTO_TEST_CASE(entities_and_spaces) {
    BOOST_TEST(html_to_text("<p>A &amp; B&nbsp;&lt;c&gt;   d\n e &#8211; &eacute;</p>") ==
               "A & B <c> d e \xE2\x80\x93 \xC3\xA9");
    BOOST_TEST(html_to_text("<pre>a  b\n  c</pre>") == "a  b\n  c");
}

// Fragments and empty input work; very deep nesting does not exhaust the stack.
BOOST_AUTO_TEST_CASE(fragments_and_depth) {
    BOOST_TEST(html_to_text("") == "");
    BOOST_TEST(html_to_text("just text") == "just text");
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += "<span>";
    deep += "bottom";
    const std::string text = html_to_text(deep);
    BOOST_TEST(is_valid_utf8(text));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(quotes)

// Lines starting with '>' go; everything from a "-- " or "--" line goes.
BOOST_AUTO_TEST_CASE(quoted_lines_and_signature) {
    BOOST_TEST(strip_quotes_and_signature("mine\n> theirs\n>> older\nmore\n-- \nsig") ==
               "mine\nmore");
    BOOST_TEST(strip_quotes_and_signature("text\r\n--\r\nsig\r\n") == "text");
    BOOST_TEST(strip_quotes_and_signature("a\n--x\n -- \n > kept") == "a\n--x\n -- \n > kept");
}

// An attribution line, alone or wrapped onto two lines, ends the new text.
BOOST_AUTO_TEST_CASE(attribution_lines) {
    BOOST_TEST(strip_quotes_and_signature(
                   "Yes.\n\nOn Tue, 3 Nov 2026 at 10:00, Jane Smith <j@x> wrote:\nold text") ==
               "Yes.");
    BOOST_TEST(strip_quotes_and_signature(
                   "Yes.\nOn Tue, 3 Nov 2026 at 10:00, Jane Smith\n<j@x> wrote:\nold") == "Yes.");
    BOOST_TEST(strip_quotes_and_signature("On call rota changed.\nDetails follow.") ==
               "On call rota changed.\nDetails follow.");
}

// Outlook's original-message blocks go in a reply and stay in a forward.
BOOST_AUTO_TEST_CASE(outlook_blocks) {
    const std::string marker = "Reply\n-----Original Message-----\nFrom: x\nold";
    BOOST_TEST(strip_quotes_and_signature(marker) == "Reply");
    BOOST_TEST(strip_quotes_and_signature(marker, false) == marker);
    const std::string header =
        "Reply\n\n________________________________\nFrom: Jane\nSent: 10 November 2026\nold";
    BOOST_TEST(strip_quotes_and_signature(header) == "Reply");
    BOOST_TEST(strip_quotes_and_signature("From: me\nSubject: x\nbody") ==
               "From: me\nSubject: x\nbody");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()
