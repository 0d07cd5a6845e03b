// apply_rules() on hand-made facts: the table's order, and that every doctor gets a row.
#include "revalidation/rules.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

namespace rv = casegate::revalidation;

namespace {

// Facts that meet the condition of every row at once (as far as conditions can coexist).
rv::DoctorFacts everything() {
    rv::DoctorFacts f;
    f.active_hide = true;
    f.current_military = true;
    f.f1 = true;
    f.connected = true;
    f.gmc_designated_body = "1-1RSSPZ7";
    f.tis_persons = 0;
    f.has_gmc_number = true;
    f.licence = rv::Licence::removed;
    f.inactive = true;
    f.tis_designated_bodies = {"1-1RSSPZ7", "1-1RSSQ05"};
    f.current_visitor = true;
    f.any_current = true;
    f.any_past = true;
    f.any_membership = true;
    f.history_designated_bodies = {"1-1RUZUSF"};
    return f;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rules)

// Switching off one condition at a time walks the table row by row, first match winning.
BOOST_AUTO_TEST_CASE(ladder_follows_table_order) {
    rv::DoctorFacts f = everything();
    std::vector<int> seen;
    seen.push_back(rv::apply_rules(f).rule);  // 1
    f.active_hide = false;
    seen.push_back(rv::apply_rules(f).rule);  // 2
    f.current_military = false;
    seen.push_back(rv::apply_rules(f).rule);  // 3
    f.f1 = false;
    seen.push_back(rv::apply_rules(f).rule);  // 4
    f.tis_persons = 2;
    seen.push_back(rv::apply_rules(f).rule);  // 5
    f.tis_persons = 1;
    f.has_gmc_number = false;
    seen.push_back(rv::apply_rules(f).rule);  // 6
    f.has_gmc_number = true;
    seen.push_back(rv::apply_rules(f).rule);  // 7
    f.licence = rv::Licence::licensed;
    seen.push_back(rv::apply_rules(f).rule);  // 8
    f.inactive = false;
    seen.push_back(rv::apply_rules(f).rule);  // 9
    f.tis_designated_bodies = {"1-1RSSQ05"};
    seen.push_back(rv::apply_rules(f).rule);  // 10
    f.current_visitor = false;
    f.connected = false;
    seen.push_back(rv::apply_rules(f).rule);  // 11
    f.connected = true;
    seen.push_back(rv::apply_rules(f).rule);  // 12
    f.gmc_designated_body = "1-1RSSQ05";
    seen.push_back(rv::apply_rules(f).rule);  // 13
    f.any_current = false;
    f.tis_designated_bodies.clear();
    seen.push_back(rv::apply_rules(f).rule);  // 14
    f.any_past = false;
    seen.push_back(rv::apply_rules(f).rule);  // 15
    f.any_membership = false;
    seen.push_back(rv::apply_rules(f).rule);  // 16
    f.connected = false;
    f.gmc_designated_body = {};
    seen.push_back(rv::apply_rules(f).rule);  // 17
    f.history_designated_bodies.clear();
    seen.push_back(rv::apply_rules(f).rule);  // 18
    std::vector<int> expected;
    for (int row = 1; row <= 18; ++row) expected.push_back(row);
    BOOST_TEST(seen == expected, boost::test_tools::per_element());
}

// Every combination of membership and connection facts lands on a row: a connected doctor
// never falls through to the unconnected rows 17-18, an unconnected one never reaches 12-16.
BOOST_AUTO_TEST_CASE(every_doctor_matches_a_row) {
    for (unsigned bits = 0; bits < 32; ++bits) {
        rv::DoctorFacts f;
        f.tis_persons = 1;
        f.has_gmc_number = true;
        f.connected = bits & 1;
        f.gmc_designated_body = f.connected ? "1-1RSSQ05" : "";
        f.any_current = bits & 2;
        if (f.any_current) f.tis_designated_bodies = {"1-1RSSQ05"};
        f.any_past = bits & 4;
        f.any_membership = f.any_current || f.any_past || (bits & 8);
        if (bits & 16) f.history_designated_bodies = {"1-1RSSPZ7"};
        const int rule = rv::apply_rules(f).rule;
        BOOST_TEST_CONTEXT("bits " << bits) {
            if (f.connected) {
                BOOST_TEST((rule >= 12 && rule <= 16));
            } else {
                BOOST_TEST((rule == 11 || rule == 17 || rule == 18));
            }
        }
    }
}

// A current membership without a DB yields no TIS DB, so a connected doctor with it is a
// mismatch (12), not connected (13): nothing in TIS supports the connection.
BOOST_AUTO_TEST_CASE(current_membership_without_db_is_mismatch) {
    rv::DoctorFacts f;
    f.tis_persons = 1;
    f.has_gmc_number = true;
    f.connected = true;
    f.gmc_designated_body = "1-1RSSQ05";
    f.any_current = true;
    f.any_membership = true;
    BOOST_TEST(rv::apply_rules(f).rule == 12);
}

// The rows carry REVALIDATION.md's list and reason, numbered as in the table.
BOOST_AUTO_TEST_CASE(rows_carry_list_and_reason) {
    BOOST_TEST(rv::rule_row(12).rule == 12);
    BOOST_TEST(rv::to_string(rv::rule_row(12).list) == "discrepancy");
    BOOST_TEST(rv::to_string(*rv::rule_row(12).reason) == "DB_MISMATCH");
    BOOST_TEST(rv::to_string(rv::rule_row(17).list) == "historic");
    BOOST_TEST(!rv::rule_row(13).reason.has_value());
    BOOST_CHECK_THROW(rv::rule_row(19), std::out_of_range);
}

BOOST_AUTO_TEST_SUITE_END()
