#include <boost/test/unit_test.hpp>

#include "parsers/pdf_form.hpp"

namespace p = casegate::parsers;

BOOST_AUTO_TEST_SUITE(pdf_text)

// UTF-16BE after its byte-order mark becomes UTF-8, including a surrogate pair.
BOOST_AUTO_TEST_CASE(utf16be_with_bom) {
    const std::string sian("\xFE\xFF\x00S\x00i\x00\xE2\x00n", 10);
    BOOST_TEST(p::pdf_text_to_utf8(sian) == "Si\xC3\xA2n");
    const std::string gwyn("\xFE\xFF\x00G\x00w\x01\x75\x00n", 10);
    BOOST_TEST(p::pdf_text_to_utf8(gwyn) == "Gw\xC5\xB5n");
    const std::string emoji("\xFE\xFF\xD8\x3D\xDE\x00", 6);
    BOOST_TEST(p::pdf_text_to_utf8(emoji) == "\xF0\x9F\x98\x80");
}

// An unpaired surrogate and a dangling odd byte become U+FFFD instead of bad UTF-8.
BOOST_AUTO_TEST_CASE(utf16be_broken) {
    const std::string lone("\xFE\xFF\xD8\x3D\x00x", 6);
    BOOST_TEST(p::pdf_text_to_utf8(lone) == "\xEF\xBF\xBDx");
    const std::string odd("\xFE\xFF\x00x\x00", 5);
    BOOST_TEST(p::pdf_text_to_utf8(odd) == "x\xEF\xBF\xBD");
}

// A language tag between U+001B marks is not text.
BOOST_AUTO_TEST_CASE(utf16be_language_tag_dropped) {
    const std::string tagged("\xFE\xFF\x00\x1B\x00\x63\x00\x79\x00\x1B\x00h\x00i", 14);
    BOOST_TEST(p::pdf_text_to_utf8(tagged) == "hi");
}

// PDFDocEncoding: Latin-1 range as Latin-1, 0x84 an em dash, 0xA0 the euro sign.
BOOST_AUTO_TEST_CASE(pdfdoc_encoding) {
    BOOST_TEST(p::pdf_text_to_utf8("Si\xE2n N\xED") == "Si\xC3\xA2n N\xC3\xAD");
    BOOST_TEST(p::pdf_text_to_utf8("a \x84 b") == "a \xE2\x80\x94 b");
    BOOST_TEST(p::pdf_text_to_utf8("\xA0") == "\xE2\x82\xAC");
    BOOST_TEST(p::pdf_text_to_utf8("\x9F") == "\xEF\xBF\xBD");
}

// UTF-8 after its byte-order mark (PDF 2.0) is kept, with bad sequences replaced.
BOOST_AUTO_TEST_CASE(utf8_with_bom) {
    BOOST_TEST(p::pdf_text_to_utf8("\xEF\xBB\xBFGw\xC5\xB5n") == "Gw\xC5\xB5n");
    BOOST_TEST(p::pdf_text_to_utf8("\xEF\xBB\xBF\xFFx") == "\xEF\xBF\xBDx");
}

BOOST_AUTO_TEST_SUITE_END()
