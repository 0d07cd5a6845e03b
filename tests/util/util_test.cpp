// Tests of util/: random identifiers and trimming.
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/base64.hpp"
#include "util/hmac.hpp"
#include "util/mustache.hpp"
#include "util/random.hpp"
#include "util/strings.hpp"

namespace u = casegate::util;

BOOST_AUTO_TEST_SUITE(util)

// Random hex has the asked length, only hex digits, and does not repeat.
BOOST_AUTO_TEST_CASE(random_hex_is_hex_and_fresh) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string h = u::random_hex(12);
        BOOST_TEST(h.size() == 24u);
        BOOST_TEST(h.find_first_not_of("0123456789abcdef") == std::string::npos);
        seen.insert(h);
    }
    BOOST_TEST(seen.size() == 1000u);
}

// A UUID is version 4 with the RFC 4122 variant.
BOOST_AUTO_TEST_CASE(random_uuid_is_version_4) {
    const std::string id = u::random_uuid();
    BOOST_TEST(id.size() == 36u);
    BOOST_TEST(id[8] == '-');
    BOOST_TEST(id[14] == '4');
    BOOST_TEST(std::string("89ab").find(id[19]) != std::string::npos);
    BOOST_TEST(u::random_uuid() != id);
}

// trim drops ASCII white space only; trim_text drops a non-breaking space as well.
BOOST_AUTO_TEST_CASE(trim_and_trim_text) {
    BOOST_TEST(u::trim(" \t a b \r\n") == "a b");
    BOOST_TEST(u::trim("\xC2\xA0x\xC2\xA0") == "\xC2\xA0x\xC2\xA0");
    BOOST_TEST(u::trim_text("\xC2\xA0 x \xC2\xA0") == "x");
    BOOST_TEST(u::trim_text("   ").empty());
}

// Addresses and header names compare ignoring ASCII case only.
BOOST_AUTO_TEST_CASE(ascii_case) {
    BOOST_TEST(u::iequals("A.B@Example.NHS.uk", "a.b@example.nhs.UK"));
    BOOST_TEST(!u::iequals("a.b@example.nhs.uk", "a.b@example.nhs.uk."));
    BOOST_TEST(u::ascii_lower("Zoë ABC") == "zoë abc");
}

// HMAC-SHA-256 as RFC 4231 gives it (test case 2), and a comparison that needs equal bytes.
BOOST_AUTO_TEST_CASE(hmac_sha256_known_answer) {
    BOOST_TEST(u::hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
               "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    BOOST_TEST(u::hmac_sha256_hex("Jefd", "what do ya want for nothing?") !=
               u::hmac_sha256_hex("Jefe", "what do ya want for nothing?"));
    BOOST_TEST(u::equal_constant_time("abc", "abc"));
    BOOST_TEST(!u::equal_constant_time("abc", "abd"));
    BOOST_TEST(!u::equal_constant_time("abc", "abcd"));
}

// {{name}} is escaped for HTML and inserted as it is for text; {{{name}}} never escapes; each
// call's choice is its own.
BOOST_AUTO_TEST_CASE(mustache_escaping) {
    const mstch::map c{{"name", std::string("<b>Zo\u00eb</b> & 'co'")}};
    BOOST_TEST(u::render("{{name}}", c, u::Escape::html) ==
               "&lt;b&gt;Zo\u00eb&lt;&#47;b&gt; &amp; &#39;co&#39;");
    BOOST_TEST(u::render("{{name}}", c, u::Escape::none) == "<b>Zo\u00eb</b> & 'co'");
    BOOST_TEST(u::render("{{{name}}}", c, u::Escape::html) == "<b>Zo\u00eb</b> & 'co'");
    BOOST_TEST(u::render("{{name}}", c, u::Escape::html) != u::render("{{name}}", c, u::Escape::none));
}

// The tag check finds what mstch renders silently: names not in the sample (a section's items
// included), sections left open or closed out of order, tags left open, partials.
BOOST_AUTO_TEST_CASE(mustache_check) {
    const mstch::map sample{{"a", std::string("x")},
                            {"rows", mstch::array{mstch::map{{"cell", std::string("y")}}}}};
    BOOST_TEST(u::check_template("{{a}} {{#rows}}{{cell}}{{.}}{{/rows}} {{! note }}", sample).empty());
    BOOST_TEST(u::check_template("{{rows.cell}}{{{a}}}{{&a}}", sample).empty());
    const auto one = [&](const std::string& t) {
        const auto p = u::check_template(t, sample);
        return p.size() == 1 ? p[0] : "(" + std::to_string(p.size()) + " problems)";
    };
    BOOST_TEST(one("\n{{b}}").rfind("line 2: unknown name 'b'", 0) == 0U);
    BOOST_TEST(one("{{#rows}}") == "line 1: section 'rows' is never closed ({{/rows}})");
    BOOST_TEST(one("{{/rows}}") == "line 1: {{/rows}} closes no section");
    BOOST_TEST(one("{{#rows}}{{#a}}\n{{/rows}}") ==
               "line 2: {{/rows}} closes 'a', opened on line 1; expected {{/a}}");
    BOOST_TEST(one("{{a") == "line 1: a tag opened with {{ is not closed with }} on the same line");
    BOOST_TEST(one("{{>a}}") == "line 1: partials ({{>name}}) are not supported");
}

// RFC 4648 §10's vectors both ways; binary bytes survive; anything but padded base64 is refused.
BOOST_AUTO_TEST_CASE(base64_round_trips_and_refuses_what_is_not_base64) {
    const std::pair<std::string, std::string> vectors[] = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, coded] : vectors) {
        BOOST_TEST(u::base64_encode(plain) == coded);
        BOOST_TEST(u::base64_decode(coded).value_or("?") == plain);
    }
    std::string bytes;
    for (int i = 0; i < 5 * 1024 * 1024; ++i) bytes += static_cast<char>((i * 7) & 0xff);
    BOOST_TEST((u::base64_decode(u::base64_encode(bytes)) == bytes));
    for (const char* bad : {"Zg=", "Zm9v\n", "Z===", "Zg==Zg==", "Zm9*", "=Zm9"})
        BOOST_TEST(!u::base64_decode(bad).has_value(), bad);
}

// Only RFC 3986's unreserved characters pass; everything else, UTF-8 bytes included, is %XX.
BOOST_AUTO_TEST_CASE(words_split_on_spaces) {
    using V = std::vector<std::string_view>;
    BOOST_TEST((u::words("http https") == V{"http", "https"}));
    BOOST_TEST((u::words("  a   b c ") == V{"a", "b", "c"}));
    BOOST_TEST(u::words("").empty());
    BOOST_TEST(u::words("   ").empty());
}

BOOST_AUTO_TEST_CASE(percent_encoding) {
    BOOST_TEST(u::percent_encode("Az09-_.~") == "Az09-_.~");
    BOOST_TEST(u::percent_encode("a b&c=d/e?") == "a%20b%26c%3Dd%2Fe%3F");
    BOOST_TEST(u::percent_encode("Siân") == "Si%C3%A2n");
    BOOST_TEST(u::percent_encode(std::string("\0\r\n", 3)) == "%00%0D%0A");
}

BOOST_AUTO_TEST_SUITE_END()
