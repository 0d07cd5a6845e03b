// classify(): each row of the rule table against doctors that also meet later rows, then
// flags, GMC requests and the order of the output.
#include "revalidation/classify.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "tests/revalidation/builders.hpp"

namespace rv = casegate::revalidation;
using namespace casegate::revalidation::testing;
using rv::ManualActionKind;
using rv::MembershipType;

namespace {

std::string reasons(const rv::Classification& c) {
    std::string out;
    for (rv::Reason r : c.reasons) out += (out.empty() ? "" : ",") + std::string(rv::to_string(r));
    return out;
}

std::string list(const rv::Classification& c) {
    return std::string(rv::to_string(c.list));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rules)

// Row 1: a manual hide wins over MILITARY (2) and DB_MISMATCH (12).
BOOST_AUTO_TEST_CASE(row01_manual_hide_first) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {current(eoe, MembershipType::military)})};
    in.gmc = {gmc_row("7000001", em)};
    in.actions = {action("7000001", ManualActionKind::hide, eoe)};
    const auto c = classify_key(in, "7000001");
    BOOST_TEST(c.rule == 1);
    BOOST_TEST(list(c) == "hidden");
    BOOST_TEST(reasons(c) == "MANUALLY_HIDDEN");
}

// Row 2: a current MILITARY membership wins over F1 (3) and NOT_CONNECTED (11).
BOOST_AUTO_TEST_CASE(row02_military_before_f1) {
    rv::Inputs in;
    in.tis = {person("P1", "7000002", {current(eoe, MembershipType::military)}, "F1")};
    const auto c = classify_key(in, "7000002");
    BOOST_TEST(c.rule == 2);
    BOOST_TEST(list(c) == "hidden");
    BOOST_TEST(reasons(c) == "MILITARY");
}

// Row 3: grade F1 wins over a suspended licence (7) and DB_MISMATCH (12).
BOOST_AUTO_TEST_CASE(row03_f1_before_licence) {
    rv::Inputs in;
    in.tis = {person("P1", "7000003", {current(eoe)}, "F1")};
    in.gmc = {gmc_row("7000003", em, rv::Licence::suspended)};
    const auto c = classify_key(in, "7000003");
    BOOST_TEST(c.rule == 3);
    BOOST_TEST(list(c) == "hidden");
    BOOST_TEST(reasons(c) == "F1");
}

// Row 4: a GMC row nobody in TIS holds wins over a removed licence (7), even when another
// TIS person exists.
BOOST_AUTO_TEST_CASE(row04_not_in_tis_before_licence) {
    rv::Inputs in;
    in.tis = {person("P9", "7999999", {current(eoe)})};
    in.gmc = {gmc_row("7000004", eoe, rv::Licence::removed)};
    const auto c = classify_key(in, "7000004");
    BOOST_TEST(c.rule == 4);
    BOOST_TEST(list(c) == "discrepancy");
    BOOST_TEST(reasons(c) == "NOT_IN_TIS");
    BOOST_TEST(!c.tis_person_id.has_value());
}

// Row 5: two TIS persons with one GMC number win over a suspended licence (7) and INACTIVE (8);
// the lower person id is reported and both persons' DBs count.
BOOST_AUTO_TEST_CASE(row05_duplicate_before_licence_and_inactive) {
    rv::Inputs in;
    in.tis = {person("P7", "7000005", {current(eoe)}, "ST3", rv::PersonStatus::inactive),
              person("P10", "7000005", {current(em)})};
    in.gmc = {gmc_row("7000005", eoe, rv::Licence::suspended)};
    const auto c = classify_key(in, "7000005");
    BOOST_TEST(c.rule == 5);
    BOOST_TEST(list(c) == "discrepancy");
    BOOST_TEST(reasons(c) == "DUPLICATE_GMC_NUMBER");
    BOOST_TEST(c.tis_person_id.value_or("") == "P10");
    BOOST_TEST(c.tis_designated_bodies == (std::vector<std::string>{em, eoe}));
}

// With two persons on one number, a row before 5 still applies when any of them meets it:
// one F1 record hides the doctor (row 3) rather than listing a duplicate.
BOOST_AUTO_TEST_CASE(rows_before_duplicate_read_every_person) {
    rv::Inputs in;
    in.tis = {person("P1", "7000025", {current(eoe)}),
              person("P2", "7000025", {current(eoe)}, "F1")};
    BOOST_TEST(classify_key(in, "7000025").rule == 3);
}

// Row 6: no usable GMC number wins over OVERLAPPING_PROGRAMMES (9) and VISITOR (10); the
// doctor is keyed by TIS person id with a null GMC number.
BOOST_AUTO_TEST_CASE(row06_no_gmc_number_before_overlap) {
    rv::Inputs in;
    in.tis = {person("P6", "n/a", {current(eoe, MembershipType::visitor), current(em)})};
    const auto c = classify_key(in, "P6");
    BOOST_TEST(c.rule == 6);
    BOOST_TEST(list(c) == "review");
    BOOST_TEST(reasons(c) == "NO_GMC_NUMBER");
    BOOST_TEST(!c.gmc_number.has_value());
    BOOST_TEST(c.tis_person_id.value_or("") == "P6");
}

// Row 7: a removed licence wins over INACTIVE (8) and OVERLAPPING_PROGRAMMES (9).
BOOST_AUTO_TEST_CASE(row07_licence_before_inactive) {
    rv::Inputs in;
    in.tis = {
        person("P1", "7000007", {current(eoe), current(em)}, "ST3", rv::PersonStatus::inactive)};
    in.gmc = {gmc_row("7000007", eoe, rv::Licence::removed)};
    const auto c = classify_key(in, "7000007");
    BOOST_TEST(c.rule == 7);
    BOOST_TEST(list(c) == "discrepancy");
    BOOST_TEST(reasons(c) == "LICENCE_REMOVED");
}

// Row 8: INACTIVE and connected wins over OVERLAPPING_PROGRAMMES (9) and DB_MISMATCH (12).
BOOST_AUTO_TEST_CASE(row08_inactive_before_overlap) {
    rv::Inputs in;
    in.tis = {
        person("P1", "7000008", {current(eoe), current(em)}, "ST3", rv::PersonStatus::inactive)};
    in.gmc = {gmc_row("7000008", wessex)};
    const auto c = classify_key(in, "7000008");
    BOOST_TEST(c.rule == 8);
    BOOST_TEST(list(c) == "discrepancy");
    BOOST_TEST(reasons(c) == "INACTIVE_IN_TIS");
}

// Row 8 needs a connection: an INACTIVE doctor who is not connected falls through to row 11.
BOOST_AUTO_TEST_CASE(row08_needs_connection) {
    rv::Inputs in;
    in.tis = {person("P1", "7000018", {current(eoe)}, "ST3", rv::PersonStatus::inactive)};
    BOOST_TEST(classify_key(in, "7000018").rule == 11);
}

// Row 9: current memberships in two DBs win over VISITOR (10) and NOT_CONNECTED (11).
BOOST_AUTO_TEST_CASE(row09_overlap_before_visitor) {
    rv::Inputs in;
    in.tis = {person("P1", "7000009", {current(eoe, MembershipType::visitor), current(em)})};
    const auto c = classify_key(in, "7000009");
    BOOST_TEST(c.rule == 9);
    BOOST_TEST(list(c) == "discrepancy");
    BOOST_TEST(reasons(c) == "OVERLAPPING_PROGRAMMES");
}

// Row 10: a current VISITOR membership wins over NOT_CONNECTED (11).
BOOST_AUTO_TEST_CASE(row10_visitor_before_not_connected) {
    rv::Inputs in;
    in.tis = {person("P1", "7000010", {current(eoe, MembershipType::visitor)})};
    const auto c = classify_key(in, "7000010");
    BOOST_TEST(c.rule == 10);
    BOOST_TEST(list(c) == "review");
    BOOST_TEST(reasons(c) == "VISITOR");
}

// Row 11: current and not connected wins although past memberships and an earlier connection
// would make the doctor historic (17).
BOOST_AUTO_TEST_CASE(row11_not_connected_before_historic) {
    rv::Inputs in;
    in.tis = {person("P1", "7000011", {past(em), current(eoe)})};
    in.history = {history("7000011", em)};
    const auto c = classify_key(in, "7000011");
    BOOST_TEST(c.rule == 11);
    BOOST_TEST(list(c) == "discrepancy");
    BOOST_TEST(reasons(c) == "NOT_CONNECTED");
}

// Row 12: connected elsewhere wins over MEMBERSHIP_ENDED (14), which a past membership meets.
BOOST_AUTO_TEST_CASE(row12_mismatch_before_ended) {
    rv::Inputs in;
    in.tis = {person("P100", "7000012", {past(em), current(eoe)})};
    in.gmc = {gmc_row("7000012", em)};
    const auto c = classify_key(in, "7000012");
    BOOST_TEST(c.rule == 12);
    BOOST_TEST(list(c) == "discrepancy");
    BOOST_TEST(reasons(c) == "DB_MISMATCH");
}

// Row 13: connected to the current membership's DB wins over ENDED (14) and NOT_STARTED (15).
BOOST_AUTO_TEST_CASE(row13_connected_before_ended) {
    rv::Inputs in;
    in.tis = {person("P1", "7000013", {past(eoe), current(eoe), future(eoe)})};
    in.gmc = {gmc_row("7000013", eoe)};
    const auto c = classify_key(in, "7000013");
    BOOST_TEST(c.rule == 13);
    BOOST_TEST(list(c) == "connected");
    BOOST_TEST(c.reasons.empty());
}

// Row 14: a past membership wins over a future one (15) when nothing is current.
BOOST_AUTO_TEST_CASE(row14_ended_before_not_started) {
    rv::Inputs in;
    in.tis = {person("P1", "7000014", {past(eoe), future(eoe)})};
    in.gmc = {gmc_row("7000014", eoe)};
    const auto c = classify_key(in, "7000014");
    BOOST_TEST(c.rule == 14);
    BOOST_TEST(list(c) == "discrepancy");
    BOOST_TEST(reasons(c) == "MEMBERSHIP_ENDED");
}

// Row 15: only future memberships, connected, wins over the history that row 17 reads.
BOOST_AUTO_TEST_CASE(row15_not_started_before_historic) {
    rv::Inputs in;
    in.tis = {person("P1", "7000015", {future(eoe)})};
    in.gmc = {gmc_row("7000015", eoe)};
    in.history = {history("7000015", em)};
    const auto c = classify_key(in, "7000015");
    BOOST_TEST(c.rule == 15);
    BOOST_TEST(list(c) == "discrepancy");
    BOOST_TEST(reasons(c) == "MEMBERSHIP_NOT_STARTED");
}

// Row 16: connected with no membership at all wins over the history of row 17.
BOOST_AUTO_TEST_CASE(row16_no_membership_before_historic) {
    rv::Inputs in;
    in.tis = {person("P1", "7000016")};
    in.gmc = {gmc_row("7000016", eoe)};
    in.history = {history("7000016", em)};
    const auto c = classify_key(in, "7000016");
    BOOST_TEST(c.rule == 16);
    BOOST_TEST(list(c) == "discrepancy");
    BOOST_TEST(reasons(c) == "NO_MEMBERSHIP");
}

// Row 17: not connected, nothing current, connected before: historic rather than hidden (18).
BOOST_AUTO_TEST_CASE(row17_historic_before_hidden) {
    rv::Inputs in;
    in.tis = {person("P1", "7000017", {past(eoe)})};
    in.history = {history("7000017", eoe)};
    const auto c = classify_key(in, "7000017");
    BOOST_TEST(c.rule == 17);
    BOOST_TEST(list(c) == "historic");
    BOOST_TEST(c.reasons.empty());
}

// Row 18: the last row catches both a doctor with only past memberships and one with none.
BOOST_AUTO_TEST_CASE(row18_no_current_membership_last) {
    rv::Inputs in;
    in.tis = {person("P1", "7000028", {past(eoe)}), person("P2", "7000029")};
    for (const char* key : {"7000028", "7000029"}) {
        const auto c = classify_key(in, key);
        BOOST_TEST(c.rule == 18);
        BOOST_TEST(list(c) == "hidden");
        BOOST_TEST(reasons(c) == "NO_CURRENT_MEMBERSHIP");
    }
}

// An active flag leaves the list as it was and sets flagged.
BOOST_AUTO_TEST_CASE(flag_keeps_list) {
    rv::Inputs in;
    in.tis = {person("P1", "7000030", {current(eoe)})};
    in.gmc = {gmc_row("7000030", em)};
    const auto before = classify_key(in, "7000030");
    in.actions = {action("7000030", ManualActionKind::flag, eoe)};
    const auto after = classify_key(in, "7000030");
    BOOST_TEST(!before.flagged);
    BOOST_TEST(after.flagged);
    BOOST_TEST(list(after) == list(before));
    BOOST_TEST(after.rule == 12);
}

// A failed GMC request is reported whatever the list; a refusal is told apart from a failure.
BOOST_AUTO_TEST_CASE(failed_request_on_any_list) {
    rv::Inputs in;
    in.tis = {person("P1", "7000031", {current(eoe)}), person("P2", "7000032", {current(eoe)})};
    in.gmc = {gmc_row("7000032", eoe)};
    in.gmc_requests = {request("7000031", rv::GmcRequestKind::add, eoe, "2026-02-01", std::nullopt),
                       request("7000032", rv::GmcRequestKind::remove, eoe, "2026-02-01", 90)};
    const auto all = rv::classify(in, today());
    BOOST_REQUIRE(all.size() == 2u);
    BOOST_REQUIRE(all[0].gmc_request.has_value());
    BOOST_TEST(list(all[0]) == "discrepancy");
    BOOST_TEST(rv::to_string(all[0].gmc_request->state) == "failed");
    BOOST_REQUIRE(all[1].gmc_request.has_value());
    BOOST_TEST(list(all[1]) == "connected");
    BOOST_TEST(rv::to_string(all[1].gmc_request->state) == "refused");
    BOOST_TEST(all[1].gmc_request->return_code.value_or(0) == 90);
}

// Only the latest request counts: a later success clears an earlier failure, and a request
// dated after today is not yet made.
BOOST_AUTO_TEST_CASE(latest_request_counts) {
    rv::Inputs in;
    in.tis = {person("P1", "7000033", {current(eoe)})};
    in.gmc_requests = {request("7000033", rv::GmcRequestKind::add, eoe, "2026-02-01", 500),
                       request("7000033", rv::GmcRequestKind::add, eoe, "2026-02-02", 100),
                       request("7000033", rv::GmcRequestKind::add, eoe, "2026-03-02", 500)};
    BOOST_TEST(!classify_key(in, "7000033").gmc_request.has_value());
    in.gmc_requests.resize(1);
    BOOST_TEST(classify_key(in, "7000033").gmc_request.has_value());
}

// Output is sorted by key whatever the input order, with TIS ids and GMC numbers together.
BOOST_AUTO_TEST_CASE(sorted_by_key) {
    rv::Inputs in;
    in.tis = {person("P2", "7000042", {current(eoe)}), person("A1", "", {current(eoe)}),
              person("P1", "7000041", {current(eoe)}), person("Z9", "none")};
    in.gmc = {gmc_row("7000040", eoe), gmc_row("1000000", em)};
    std::vector<std::string> keys;
    for (const auto& c : rv::classify(in, today())) keys.push_back(c.key);
    BOOST_TEST(
        keys == (std::vector<std::string>{"1000000", "7000040", "7000041", "7000042", "A1", "Z9"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
