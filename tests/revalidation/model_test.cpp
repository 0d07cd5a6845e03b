// Dates and GMC numbers: what is accepted, what is rejected, and day arithmetic.
#include "revalidation/model.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

namespace rv = casegate::revalidation;

BOOST_AUTO_TEST_SUITE(boundaries)

// Valid dates round-trip through to_string, including 29 February of a leap year.
BOOST_AUTO_TEST_CASE(date_round_trip) {
    for (const char* text :
         {"2026-03-01", "2024-02-29", "2000-02-29", "1999-12-31", "0001-01-01"}) {
        const auto d = rv::Date::parse(text);
        BOOST_TEST_CONTEXT(text) {
            BOOST_REQUIRE(d.has_value());
            BOOST_TEST(d->to_string() == text);
        }
    }
}

// Anything but an existing day written exactly YYYY-MM-DD is refused.
BOOST_AUTO_TEST_CASE(date_rejects_bad_text) {
    for (const char* text : {"", "2026-3-01", "2026-03-1", "2026/03/01", "2026-13-01", "2026-00-10",
                             "2026-02-29", "1900-02-29", "2026-04-31", "2026-03-00", " 2026-03-01",
                             "2026-03-01T00:00", "+026-03-01", "2026-0a-01", "20260301"}) {
        BOOST_TEST_CONTEXT('"' << text << '"') {
            BOOST_TEST(!rv::Date::parse(text).has_value());
        }
    }
}

// Day arithmetic crosses month, leap-day and year ends, and orders dates.
BOOST_AUTO_TEST_CASE(date_arithmetic) {
    const rv::Date d = rv::Date::parse("2024-02-28").value();
    BOOST_TEST(d.plus_days(1).to_string() == "2024-02-29");
    BOOST_TEST(d.plus_days(2).to_string() == "2024-03-01");
    BOOST_TEST(rv::Date::parse("2025-12-31")->plus_days(1).to_string() == "2026-01-01");
    BOOST_TEST(rv::Date::parse("2026-01-01")->plus_days(-1).to_string() == "2025-12-31");
    BOOST_TEST((d < d.plus_days(1)));
    BOOST_TEST((rv::Date::parse("1970-01-01")->days() == 0));
}

// Junk GMC numbers are missing; 7 digits, blanks trimmed, are kept.
BOOST_AUTO_TEST_CASE(gmc_number_junk) {
    for (const char* junk : {"", " ", "unknown", "UNKNOWN", "n/a", "none", "0000000", "701234",
                             "70123456", "70123 5", "7O12345", "-701234", "+701234", "７012345"}) {
        BOOST_TEST_CONTEXT('"' << junk << '"') {
            BOOST_TEST(!rv::usable_gmc_number(junk).has_value());
        }
    }
    BOOST_TEST(rv::usable_gmc_number("7012345").value_or("") == "7012345");
    BOOST_TEST(rv::usable_gmc_number(" 7012345\t").value_or("") == "7012345");
    BOOST_TEST(rv::usable_gmc_number("0012345").value_or("") == "0012345");
}

// Enum words parse in any case and print as the JSON spells them; unknown words are refused.
BOOST_AUTO_TEST_CASE(enum_words) {
    BOOST_TEST((rv::parse_membership_type("military") == rv::MembershipType::military));
    BOOST_TEST(rv::to_string(rv::MembershipType::ftsta) == "FTSTA");
    BOOST_TEST((rv::parse_person_status("Inactive") == rv::PersonStatus::inactive));
    BOOST_TEST((rv::parse_licence("SUSPENDED") == rv::Licence::suspended));
    BOOST_TEST((rv::parse_manual_action("UNHIDE") == rv::ManualActionKind::unhide));
    BOOST_TEST(!rv::parse_membership_type("M").has_value());
    BOOST_TEST(!rv::parse_licence("").has_value());
    BOOST_TEST(rv::to_string(rv::OfficeAction::remove_or_review) == "remove/review");
    BOOST_TEST(rv::to_string(rv::Reason::no_current_membership) == "NO_CURRENT_MEMBERSHIP");
}

BOOST_AUTO_TEST_SUITE_END()
