// Who sees a classified doctor, whether they may edit it, and the action each office is offered.
#include "revalidation/visibility.hpp"

#include <boost/test/unit_test.hpp>
#include <sstream>
#include <string>

#include "revalidation/classify.hpp"
#include "tests/revalidation/builders.hpp"

namespace rv = casegate::revalidation;
using namespace casegate::revalidation::testing;
using rv::ManualActionKind;

namespace {

// "DB:e:action" per office ("r" for read-only), joined with spaces, for readable comparisons.
std::string seen_by(const rv::Classification& c) {
    std::ostringstream out;
    for (const rv::Visibility& v : c.visible_to) {
        if (out.tellp() > 0) out << ' ';
        out << v.designated_body << ':' << (v.editable ? 'e' : 'r') << ':'
            << rv::to_string(v.action);
    }
    return out.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(visibility)

// REVALIDATION.md's output example: the GMC DB office is offered remove, the TIS DB office add.
BOOST_AUTO_TEST_CASE(db_mismatch_add_and_remove) {
    rv::Inputs in;
    in.tis = {person("P100", "7012345", {current(eoe)})};
    in.gmc = {gmc_row("7012345", em)};
    BOOST_TEST(seen_by(classify_key(in, "7012345")) == em + ":e:remove " + eoe + ":e:add");
}

// Connected to the TIS DB: one editable office, no action; a past connection elsewhere is
// listed read-only, and a past connection to the same office is not listed twice.
BOOST_AUTO_TEST_CASE(history_read_only) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {current(eoe)})};
    in.gmc = {gmc_row("7000001", eoe)};
    in.history = {history("7000001", wessex), history("7000001", eoe)};
    BOOST_TEST(seen_by(classify_key(in, "7000001")) == eoe + ":e: " + wessex + ":r:");
}

// A TIS DB office that also had a past connection sees the doctor editable.
BOOST_AUTO_TEST_CASE(editable_wins_over_history) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {current(eoe)})};
    in.history = {history("7000001", eoe)};
    BOOST_TEST(seen_by(classify_key(in, "7000001")) == eoe + ":e:add");
}

// Hidden or review with no connection and no TIS DB: every office, editable, and nobody else
// listed even with a past connection.
BOOST_AUTO_TEST_CASE(every_office_for_unowned_review_and_hidden) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {past(eoe)}), person("P2", "unknown"),
              person("P3", "7000003", {past(eoe)}, "F1")};
    in.history = {history("7000003", em)};
    const auto all = rv::classify(in, today());
    BOOST_REQUIRE(all.size() == 3u);
    BOOST_TEST(all[0].rule == 18);
    BOOST_TEST(seen_by(all[0]) == "*:e:");
    BOOST_TEST(all[1].rule == 3);
    BOOST_TEST(seen_by(all[1]) == "*:e:");
    BOOST_TEST(all[2].rule == 6);
    BOOST_TEST(seen_by(all[2]) == "*:e:review");
}

// Hidden with a TIS DB is seen by that office only, not by every office.
BOOST_AUTO_TEST_CASE(hidden_with_tis_db_stays_local) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {current(eoe)}, "F1")};
    BOOST_TEST(seen_by(classify_key(in, "7000001")) == eoe + ":e:");
}

// Historic doctors are only seen, read-only, by the offices they were connected to.
BOOST_AUTO_TEST_CASE(historic_read_only) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {past(eoe)})};
    in.history = {history("7000001", eoe), history("7000001", em)};
    BOOST_TEST(seen_by(classify_key(in, "7000001")) == em + ":r: " + eoe + ":r:");
}

// A manually hidden connected doctor offers unhide to each editable office, nothing to the
// read-only one.
BOOST_AUTO_TEST_CASE(manual_hide_offers_unhide) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {current(eoe)})};
    in.gmc = {gmc_row("7000001", em)};
    in.history = {history("7000001", wessex)};
    in.actions = {action("7000001", ManualActionKind::hide, em)};
    BOOST_TEST(seen_by(classify_key(in, "7000001")) ==
               em + ":e:unhide " + eoe + ":e:unhide " + wessex + ":r:");
}

// Remove goes only to the GMC DB office: a TIS DB office seeing a removed licence is offered
// nothing, since it cannot remove another office's connection.
BOOST_AUTO_TEST_CASE(remove_only_for_gmc_office) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {current(eoe)})};
    in.gmc = {gmc_row("7000001", em, rv::Licence::suspended)};
    BOOST_TEST(seen_by(classify_key(in, "7000001")) == em + ":e:remove " + eoe + ":e:");
}

// Rows with two alternatives keep both for the GMC DB office.
BOOST_AUTO_TEST_CASE(alternatives_for_gmc_office) {
    rv::Inputs in;
    in.tis = {person("P1", "7000002", {future(eoe)})};
    in.gmc = {gmc_row("7000001", em), gmc_row("7000002", eoe)};
    const auto all = rv::classify(in, today());
    BOOST_REQUIRE(all.size() == 2u);
    BOOST_TEST(seen_by(all[0]) == em + ":e:remove/hide");
    BOOST_TEST(seen_by(all[1]) == eoe + ":e:remove/review");
}

// Overlapping programmes: both TIS DB offices are asked to review.
BOOST_AUTO_TEST_CASE(overlap_review_by_both) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {current(eoe), current(em)})};
    BOOST_TEST(seen_by(classify_key(in, "7000001")) == em + ":e:review " + eoe + ":e:review");
}

// Discrepancies with no office to own them also go to every office: a duplicate number with
// no current membership, and a current membership without a DB (offered add).
BOOST_AUTO_TEST_CASE(every_office_for_unowned_discrepancy) {
    rv::Inputs in;
    auto no_db = current("");
    in.tis = {person("P1", "7000001"), person("P2", "7000001"), person("P3", "7000003", {no_db})};
    const auto all = rv::classify(in, today());
    BOOST_REQUIRE(all.size() == 2u);
    BOOST_TEST(all[0].rule == 5);
    BOOST_TEST(seen_by(all[0]) == "*:e:review");
    BOOST_TEST(all[1].rule == 11);
    BOOST_TEST(seen_by(all[1]) == "*:e:add");
}

// fill_visible_to sorts offices by DB code whatever order the facts list them in.
BOOST_AUTO_TEST_CASE(sorted_by_designated_body) {
    rv::DoctorFacts f;
    f.connected = true;
    f.gmc_designated_body = "1-Z";
    f.tis_designated_bodies = {"1-B", "1-M"};
    f.history_designated_bodies = {"1-A", "1-Y"};
    std::vector<rv::Visibility> out{{"stale", true, rv::OfficeAction::add}};
    rv::fill_visible_to(f, rv::rule_row(9), out);
    std::string order;
    for (const auto& v : out) order += v.designated_body + " ";
    BOOST_TEST(order == "1-A 1-B 1-M 1-Y 1-Z ");
}

BOOST_AUTO_TEST_SUITE_END()
