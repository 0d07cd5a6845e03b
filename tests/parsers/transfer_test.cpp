// Content-Transfer-Encoding decoding and line-end normalisation.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "parsers/transfer.hpp"

using namespace casegate::parsers;

BOOST_AUTO_TEST_SUITE(transfer)

// Base64 ignores line breaks and characters outside its alphabet.
BOOST_AUTO_TEST_CASE(base64) {
    BOOST_TEST(decode_base64("UmVm\r\nZXJy\r\nYWw=\r\n") == "Referral");
    BOOST_TEST(decode_base64("Um!Vm ZX*Jy YWw=") == "Referral");
    BOOST_TEST(decode_base64("") == "");
}

// QP: escapes in either case, soft breaks join lines (also inside a UTF-8 character),
// hard breaks become "\n", trailing blanks before a break go, malformed escapes stay.
BOOST_AUTO_TEST_CASE(quoted_printable) {
    BOOST_TEST(decode_quoted_printable("caf=C3=\r\n=a9 ok") == "caf\xC3\xA9 ok");
    BOOST_TEST(decode_quoted_printable("one  \r\ntwo\nthree") == "one\ntwo\nthree");
    BOOST_TEST(decode_quoted_printable("a=3Db =ZZ c=4") == "a=b =ZZ c=4");
    BOOST_TEST(decode_quoted_printable("long =\nline") == "long line");
}

// Encodings are chosen case-insensitively; identity encodings pass through untouched.
BOOST_AUTO_TEST_CASE(by_encoding_name) {
    std::vector<std::string> defects;
    BOOST_TEST(decode_transfer("UmVm", " BASE64 ", &defects) == "Ref");
    BOOST_TEST(decode_transfer("a=3Db", "Quoted-Printable", &defects) == "a=b");
    for (const char* identity : {"", "7bit", "8BIT", "binary"})
        BOOST_TEST(decode_transfer("a=3Db\r\n", identity, &defects) == "a=3Db\r\n");
    BOOST_TEST(defects.empty());
}

// An unknown encoding leaves the bytes as they are and says so.
BOOST_AUTO_TEST_CASE(unknown_encoding) {
    std::vector<std::string> defects;
    BOOST_TEST(decode_transfer("begin 644 x", "x-uuencode", &defects) == "begin 644 x");
    BOOST_TEST(defects ==
               std::vector<std::string>{"unknown Content-Transfer-Encoding x-uuencode left as is"});
}

// CRLF and lone CR both become LF; LF stays.
BOOST_AUTO_TEST_CASE(line_ends) {
    BOOST_TEST(normalise_line_ends("a\r\nb\rc\nd\r") == "a\nb\nc\nd\n");
    BOOST_TEST(normalise_line_ends("\r\r\n") == "\n\n");
}

// Every line break becomes CRLF; an LF CR pair is two breaks, as RFC 5322 reads it.
BOOST_AUTO_TEST_CASE(crlf_line_breaks) {
    BOOST_TEST(crlf_line_ends("a\nb\r\nc\rd") == "a\r\nb\r\nc\r\nd");
    BOOST_TEST(crlf_line_ends("\n\r") == "\r\n\r\n");
    BOOST_TEST(crlf_line_ends("\r\n\r\n") == "\r\n\r\n");
}

BOOST_AUTO_TEST_SUITE_END()
