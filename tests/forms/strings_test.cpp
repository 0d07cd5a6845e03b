#include <boost/test/unit_test.hpp>

#include "forms/strings.hpp"

namespace f = casegate::forms;

BOOST_AUTO_TEST_SUITE(strings)

// trim removes ASCII white space and non-breaking spaces at both ends only.
BOOST_AUTO_TEST_CASE(trim_ends) {
    BOOST_TEST(f::trim(" \t\xC2\xA0 a  b \r\n\xC2\xA0") == "a  b");
    BOOST_TEST(f::trim("   ").empty());
    BOOST_TEST(f::trim("\xC3\xA9") == "\xC3\xA9");
}

// split_lines handles LF and CRLF and gives no phantom line after a final newline.
BOOST_AUTO_TEST_CASE(split_lines_endings) {
    using V = std::vector<std::string_view>;
    BOOST_TEST(f::split_lines("a\r\nb\n\nc\n") == (V{"a", "b", "", "c"}));
    BOOST_TEST(f::split_lines("").empty());
    BOOST_TEST(f::split_lines("\n") == V{""});
}

// Lower-casing touches ASCII letters only, so UTF-8 sequences survive.
BOOST_AUTO_TEST_CASE(ascii_lower_only) {
    BOOST_TEST(f::ascii_lower("GMC \xC3\x89") == "gmc \xC3\x89");
}

// Lengths are in code points.
BOOST_AUTO_TEST_CASE(utf8_length_counts_characters) {
    BOOST_TEST(f::utf8_length("abc") == 3u);
    BOOST_TEST(f::utf8_length("\xC3\xA9\xE2\x80\x99\xF0\x9F\x98\x80") == 3u);
}

// C0, DEL and C1 controls go; line breaks stay or become spaces as asked.
BOOST_AUTO_TEST_CASE(remove_controls_modes) {
    const std::string in =
        "a\x01\tb\r\nc\x7F\xC2\x9F"
        "d\xC2\xA9";
    BOOST_TEST(f::remove_controls(in, true) == "a\tb\ncd\xC2\xA9");
    BOOST_TEST(f::remove_controls(in, false) == "a b  cd\xC2\xA9");
}

// shorten never cuts a multi-byte character in half and marks the cut.
BOOST_AUTO_TEST_CASE(shorten_on_character_boundary) {
    BOOST_TEST(f::shorten("abc", 3) == "abc");
    BOOST_TEST(f::shorten("ab\xC3\xA9z", 3) == "ab\xE2\x80\xA6");
    BOOST_TEST(f::shorten("abcdef", 2) == "ab\xE2\x80\xA6");
}

BOOST_AUTO_TEST_SUITE_END()
