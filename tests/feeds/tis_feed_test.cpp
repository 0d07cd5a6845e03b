// The TIS extract: good lines read, bad lines kept as errors with line and field, repeated
// person ids, byte-order mark and CRLF, and the limits.
#include "feeds/tis_feed.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

using namespace casegate;

namespace {
std::string feed_file(const std::string& name) {
    std::ifstream in(std::string(CASEGATE_TEST_DATA) + "/reval/tis_feed/" + name, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(in, "cannot read " << name);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(tis_feed)

// Bad lines are dropped with their line number and field; good ones are kept in order and a
// repeated id keeps the later line.
BOOST_AUTO_TEST_CASE(bad_lines_kept_as_errors) {
    const auto f = feeds::parse_tis_feed(feed_file("bad_lines_and_repeats.jsonl"));
    BOOST_TEST(f.usable());
    BOOST_TEST(f.lines == 9u);
    BOOST_TEST_REQUIRE(f.persons.size() == 3u);
    BOOST_TEST(f.persons[0].tis_person_id == "P2");
    BOOST_TEST(f.persons[1].tis_person_id == "P1");
    BOOST_TEST(f.persons[1].surname == "Lovelace");  // the later line
    BOOST_TEST(f.persons[1].programme_memberships.empty());
    BOOST_TEST(f.persons[2].tis_person_id == "P6");
    BOOST_TEST(f.duplicates == 1u);
    BOOST_TEST(f.error_count == 5u);
    BOOST_TEST_REQUIRE(f.errors.size() == 5u);
    struct Want {
        std::size_t line;
        const char* field;
        const char* message_part;
    };
    const Want want[] = {{4, "", "not valid JSON"},
                         {5, "programme_memberships[0].type", "PILOT"},
                         {6, "programme_memberships[0].start_date", "2025-02-30"},
                         {7, "", "expected a JSON object"},
                         {8, "tis_person_id", "missing"}};
    for (std::size_t i = 0; i < 5; ++i) {
        BOOST_TEST(f.errors[i].line == want[i].line);
        BOOST_TEST(f.errors[i].field == want[i].field);
        BOOST_TEST(f.errors[i].message.find(want[i].message_part) != std::string::npos,
                   f.errors[i].message);
    }
}

// A UTF-8 byte-order mark and CRLF line ends are accepted.
BOOST_AUTO_TEST_CASE(bom_and_crlf) {
    const auto f = feeds::parse_tis_feed(feed_file("bom_crlf.jsonl"));
    BOOST_TEST(f.error_count == 0u);
    BOOST_TEST_REQUIRE(f.persons.size() == 2u);
    BOOST_TEST(f.persons[0].tis_person_id == "P1");
}

// Limits: an over-long line is one error; too many records or bytes make the extract unusable;
// only max_errors_kept errors are kept but all are counted.
BOOST_AUTO_TEST_CASE(limits) {
    feeds::TisFeedLimits l;
    l.max_line_bytes = 40;
    auto f = feeds::parse_tis_feed(
        "{\"tis_person_id\":\"P1\"}\n{\"tis_person_id\":\"P2\",\"surname\":\"" +
            std::string(100, 'x') + "\"}\n",
        l);
    BOOST_TEST(f.persons.size() == 1u);
    BOOST_TEST_REQUIRE(f.errors.size() == 1u);
    BOOST_TEST(f.errors[0].line == 2u);
    BOOST_TEST(f.errors[0].message.find("max_line_bytes=40") != std::string::npos);

    feeds::TisFeedLimits two;
    two.max_records = 2;
    f = feeds::parse_tis_feed(
        "{\"tis_person_id\":\"A\"}\n{\"tis_person_id\":\"B\"}\n{\"tis_person_id\":\"C\"}\n", two);
    BOOST_TEST(!f.usable());
    BOOST_TEST(f.fatal.find("max_records=2") != std::string::npos);

    feeds::TisFeedLimits tiny;
    tiny.max_bytes = 10;
    BOOST_TEST(!feeds::parse_tis_feed(std::string(11, ' '), tiny).usable());

    feeds::TisFeedLimits keep;
    keep.max_errors_kept = 3;
    f = feeds::parse_tis_feed(std::string(10, 'x').append("\n").append("[1]\n[2]\n[3]\n[4]\n"),
                              keep);
    BOOST_TEST(f.error_count == 5u);
    BOOST_TEST(f.errors.size() == 3u);
}

// An empty extract is usable and empty (plausibility decides whether to apply it).
BOOST_AUTO_TEST_CASE(empty_extract) {
    const auto f = feeds::parse_tis_feed("");
    BOOST_TEST(f.usable());
    BOOST_TEST(f.persons.empty());
    BOOST_TEST(f.lines == 0u);
}

// An extract that never arrived is marked not fetched (worth retrying soon); one that arrived
// but passed a limit is refused without that mark.
BOOST_AUTO_TEST_CASE(not_fetched_is_told_apart_from_refused) {
    net::HttpOptions o;
    o.connect_timeout_ms = 2000;
    const auto down = feeds::fetch_tis_feed("http://127.0.0.1:1/tis.jsonl", o);
    BOOST_TEST(!down.usable());
    BOOST_TEST(down.not_fetched);
    feeds::TisFeedLimits tiny;
    tiny.max_bytes = 10;
    const auto refused = feeds::parse_tis_feed(feed_file("bad_lines_and_repeats.jsonl"), tiny);
    BOOST_TEST(!refused.usable());
    BOOST_TEST(!refused.not_fetched);
}

BOOST_AUTO_TEST_SUITE_END()
