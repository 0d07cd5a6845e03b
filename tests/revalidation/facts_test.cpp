// Facts as of a date: membership ends, hide expiry and context, the order of manual actions,
// and records dated after today.
#include "revalidation/facts.hpp"

#include <boost/test/unit_test.hpp>

#include "revalidation/classify.hpp"
#include "tests/revalidation/builders.hpp"

namespace rv = casegate::revalidation;
using namespace casegate::revalidation::testing;
using rv::ManualActionKind;

namespace {

// A connected doctor with one current membership in `db`, classified on today().
rv::Inputs connected_doctor(const std::string& db = eoe) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {current(db)})};
    in.gmc = {gmc_row("7000001", db)};
    return in;
}

rv::ManualAction hide_with_context(std::optional<std::string> gmc_db,
                                   std::vector<std::string> tis_dbs) {
    auto a = action("7000001", ManualActionKind::hide, eoe);
    a.context = rv::HideContext{std::move(gmc_db), std::move(tis_dbs)};
    return a;
}

int rule_of(const rv::Inputs& in) {
    return classify_key(in, "7000001").rule;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(boundaries)

// Both ends of a membership are inclusive: starting today or ending today is current.
BOOST_AUTO_TEST_CASE(membership_ends_inclusive) {
    BOOST_TEST(rv::is_current(membership(eoe, "2026-03-01", "2027-01-01"), today()));
    BOOST_TEST(rv::is_current(membership(eoe, "2025-03-01", "2026-03-01"), today()));
    BOOST_TEST(!rv::is_current(membership(eoe, "2026-03-02", "2027-01-01"), today()));
    BOOST_TEST(!rv::is_current(membership(eoe, "2025-03-01", "2026-02-28"), today()));
    BOOST_TEST(rv::is_past(membership(eoe, "2025-03-01", "2026-02-28"), today()));
    BOOST_TEST(!rv::is_past(membership(eoe, "2025-03-01", "2026-03-01"), today()));
}

// Through classify: ending today keeps a connected doctor connected; ended yesterday is
// MEMBERSHIP_ENDED; starting tomorrow is MEMBERSHIP_NOT_STARTED.
BOOST_AUTO_TEST_CASE(membership_edges_classify) {
    rv::Inputs in = connected_doctor();
    in.tis[0].programme_memberships = {membership(eoe, "2025-03-01", "2026-03-01")};
    BOOST_TEST(rule_of(in) == 13);
    in.tis[0].programme_memberships = {membership(eoe, "2025-03-01", "2026-02-28")};
    BOOST_TEST(rule_of(in) == 14);
    in.tis[0].programme_memberships = {membership(eoe, "2026-03-02", "2027-03-01")};
    BOOST_TEST(rule_of(in) == 15);
}

// A membership missing a date is never current; it counts as not started (seed 003: "start
// date = future or no date"), so a connected doctor with only that is row 15, not 16.
BOOST_AUTO_TEST_CASE(undated_membership_not_started) {
    rv::Inputs in = connected_doctor();
    in.tis[0].programme_memberships = {membership(eoe, "2025-03-01", nullptr)};
    BOOST_TEST(rule_of(in) == 15);
    in.tis[0].programme_memberships = {membership(eoe, nullptr, "2027-03-01")};
    BOOST_TEST(rule_of(in) == 15);
    in.tis[0].programme_memberships.clear();
    BOOST_TEST(rule_of(in) == 16);
}

// A hide applies on its `until` day and stops the day after.
BOOST_AUTO_TEST_CASE(hide_until_inclusive) {
    rv::Inputs in = connected_doctor();
    in.actions = {action("7000001", ManualActionKind::hide, eoe, "2026-01-10", "2026-03-01")};
    BOOST_TEST(rule_of(in) == 1);
    in.actions = {action("7000001", ManualActionKind::hide, eoe, "2026-01-10", "2026-02-28")};
    BOOST_TEST(rule_of(in) == 13);
}

// A hide whose context still holds applies; it stops when the GMC DB changes, when the doctor
// is no longer connected, or when the TIS DBs change. The order of TIS DBs does not matter.
BOOST_AUTO_TEST_CASE(hide_context_changes) {
    rv::Inputs in = connected_doctor();
    in.actions = {hide_with_context(eoe, {eoe})};
    BOOST_TEST(rule_of(in) == 1);
    in.gmc[0].designated_body = em;
    BOOST_TEST(rule_of(in) == 12);
    in.gmc.clear();
    BOOST_TEST(rule_of(in) == 11);

    in = connected_doctor();
    in.actions = {hide_with_context(eoe, {eoe, em})};
    BOOST_TEST(rule_of(in) == 13);
    in.tis[0].programme_memberships.push_back(current(em));
    BOOST_TEST(rule_of(in) == 1);
    in.actions = {hide_with_context(eoe, {em, eoe, eoe})};
    BOOST_TEST(rule_of(in) == 1);
}

// A hide made when the doctor was not connected (null GMC DB) stops once GMC connects them.
BOOST_AUTO_TEST_CASE(hide_context_null_gmc) {
    rv::Inputs in = connected_doctor();
    in.gmc.clear();
    in.actions = {hide_with_context(std::nullopt, {eoe})};
    BOOST_TEST(rule_of(in) == 1);
    in.gmc = {gmc_row("7000001", eoe)};
    BOOST_TEST(rule_of(in) == 13);
}

// A later hide by the same office replaces its earlier one (here with an expired until).
BOOST_AUTO_TEST_CASE(later_hide_same_office_replaces) {
    rv::Inputs in = connected_doctor();
    in.actions = {action("7000001", ManualActionKind::hide, eoe, "2026-01-10"),
                  action("7000001", ManualActionKind::hide, eoe, "2026-01-20", "2026-02-01")};
    BOOST_TEST(rule_of(in) == 13);
    in.actions[1].designated_body = em;  // another office's expired hide leaves the first
    BOOST_TEST(rule_of(in) == 1);
}

// An unhide from any office ends every earlier hide; a hide made after it applies again.
BOOST_AUTO_TEST_CASE(unhide_is_doctor_wide) {
    rv::Inputs in = connected_doctor();
    in.actions = {action("7000001", ManualActionKind::hide, eoe, "2026-01-10"),
                  action("7000001", ManualActionKind::hide, wessex, "2026-01-11"),
                  action("7000001", ManualActionKind::unhide, em, "2026-01-12")};
    BOOST_TEST(rule_of(in) == 13);
    in.actions.push_back(action("7000001", ManualActionKind::hide, wessex, "2026-01-13"));
    BOOST_TEST(rule_of(in) == 1);
}

// Order is by `at`, not by input position: an unhide listed first but dated later wins.
BOOST_AUTO_TEST_CASE(actions_ordered_by_date) {
    rv::Inputs in = connected_doctor();
    in.actions = {action("7000001", ManualActionKind::unhide, eoe, "2026-02-01"),
                  action("7000001", ManualActionKind::hide, eoe, "2026-01-10")};
    BOOST_TEST(rule_of(in) == 13);
}

// Hide and flag are separate: a flag after a hide does not unhide, an unflag does not unhide,
// and an unhide does not unflag.
BOOST_AUTO_TEST_CASE(hide_and_flag_independent) {
    rv::Inputs in = connected_doctor();
    in.actions = {action("7000001", ManualActionKind::hide, eoe, "2026-01-10"),
                  action("7000001", ManualActionKind::flag, eoe, "2026-01-11"),
                  action("7000001", ManualActionKind::unflag, eoe, "2026-01-12")};
    auto c = classify_key(in, "7000001");
    BOOST_TEST(c.rule == 1);
    BOOST_TEST(!c.flagged);
    in.actions = {action("7000001", ManualActionKind::flag, em, "2026-01-10"),
                  action("7000001", ManualActionKind::unhide, eoe, "2026-01-11")};
    c = classify_key(in, "7000001");
    BOOST_TEST(c.rule == 13);
    BOOST_TEST(c.flagged);
}

// Actions dated after today are not yet made; dated today they count.
BOOST_AUTO_TEST_CASE(future_actions_ignored) {
    rv::Inputs in = connected_doctor();
    in.actions = {action("7000001", ManualActionKind::hide, eoe, "2026-03-02")};
    BOOST_TEST(rule_of(in) == 13);
    in.actions = {action("7000001", ManualActionKind::hide, eoe, "2026-03-01")};
    BOOST_TEST(rule_of(in) == 1);
}

// A past connection starting after today is not history yet; one starting today is.
BOOST_AUTO_TEST_CASE(future_history_ignored) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {past(eoe)})};
    in.history = {history("7000001", eoe, "2026-03-02", nullptr)};
    BOOST_TEST(rule_of(in) == 18);
    in.history = {history("7000001", eoe, "2026-03-01", nullptr)};
    BOOST_TEST(rule_of(in) == 17);
}

// gather_facts leaves nothing behind from the previous doctor when the object is reused.
BOOST_AUTO_TEST_CASE(facts_reuse_resets) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {current(eoe), current(em)}), person("P2", "7000002")};
    in.actions = {action("7000001", ManualActionKind::flag, eoe)};
    const auto index = rv::build_doctor_index(in);
    rv::DoctorFacts f;
    rv::gather_facts(in, index, index.doctors.at(0), today(), f);
    BOOST_TEST(f.tis_designated_bodies.size() == 2u);
    BOOST_TEST(f.flagged);
    rv::gather_facts(in, index, index.doctors.at(1), today(), f);
    BOOST_TEST(f.tis_designated_bodies.empty());
    BOOST_TEST(!f.flagged);
    BOOST_TEST(!f.any_membership);
}

BOOST_AUTO_TEST_SUITE_END()
