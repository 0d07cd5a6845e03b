// Content-Transfer-Encoding decoding and line-end normalisation.
#include <boost/test/unit_test.hpp>

#include <iterator>
#include <mimetic/codec/base64.h>
#include <mimetic/codec/code.h>
#include <random>
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

// Every body decodes as mimetic's decoder decodes it: clean, padded, truncated, padded in odd
// places, with stray characters (the one-pass decoder handles the first kinds, mimetic the
// rest).
BOOST_AUTO_TEST_CASE(base64_as_mimetic_decodes) {
    const std::string chars = "AQgw/+09Zz==\r\n !\x80\t";
    std::mt19937 rng(8);
    int fast_kinds = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string in;
        const std::size_t len = rng() % 24;
        // Half the samples are clean alphabet with padding at the end, as mail programs write.
        const bool clean = i % 2 == 0;
        for (std::size_t k = 0; k < len; ++k)
            in += clean ? chars[rng() % 10] : chars[rng() % chars.size()];
        if (clean) in += std::string(rng() % 3, '=') + (rng() % 2 ? "\r\n" : "");
        std::string expected;
        mimetic::Base64::Decoder decoder;
        mimetic::decode(in.begin(), in.end(), decoder, std::back_inserter(expected));
        BOOST_TEST_REQUIRE(decode_base64(in) == expected, "input " << i);
        if (clean) ++fast_kinds;
    }
    BOOST_TEST(fast_kinds == 10000);
    // A long body, as an attachment is.
    std::string body;
    for (int line = 0; line < 400; ++line) body += "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K\r\n";
    std::string expected;
    mimetic::Base64::Decoder decoder;
    mimetic::decode(body.begin(), body.end(), decoder, std::back_inserter(expected));
    BOOST_TEST(decode_base64(body) == expected);
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
    BOOST_TEST(crlf_line_ends("") == "");
    BOOST_TEST(crlf_line_ends("no breaks") == "no breaks");
    BOOST_TEST(crlf_line_ends("end\r") == "end\r\n");
    BOOST_TEST(crlf_line_ends("\n\nx\r\r\ny") == "\r\n\r\nx\r\n\r\ny");
}

BOOST_AUTO_TEST_SUITE_END()
