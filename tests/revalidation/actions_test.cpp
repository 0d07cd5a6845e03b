// The interaction rules (add, remove, hide, unhide, flag, unflag) and GMC return codes.
#include "revalidation/actions.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "revalidation/classify.hpp"
#include "tests/revalidation/builders.hpp"

namespace rv = casegate::revalidation;
using namespace casegate::revalidation::testing;

namespace {

// A doctor with a current EoE membership, connected to `gmc_db` when given.
rv::Classification doctor(std::optional<std::string> gmc_db) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {current(eoe)})};
    if (gmc_db) in.gmc = {gmc_row("7000001", *gmc_db)};
    return classify_key(in, "7000001");
}

std::vector<rv::ProgrammeMembership> memberships() {
    return {past(em), current(eoe)};
}

rv::AddRequest add_to(const std::string& db, int reason = 1, const char* on = "2026-03-01") {
    return rv::AddRequest{db, reason, day(on), false};
}

std::string refusal(const rv::Permission& p) {
    return p.refusal.value_or("ok");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(actions)

// Add is allowed for an unconnected doctor to a TIS DB with reason 1 or 2 on a membership date.
BOOST_AUTO_TEST_CASE(add_allowed) {
    const auto c = doctor(std::nullopt);
    BOOST_TEST(rv::can_add(c, memberships(), add_to(eoe, 1)).ok());
    BOOST_TEST(rv::can_add(c, memberships(), add_to(eoe, 2)).ok());
}

// Add is refused while the doctor is connected, even to the office its TIS data points at.
BOOST_AUTO_TEST_CASE(add_refused_when_connected) {
    BOOST_TEST(refusal(rv::can_add(doctor(em), memberships(), add_to(eoe))) ==
               "remove the existing connection first");
}

// Add needs reason code 1 or 2.
BOOST_AUTO_TEST_CASE(add_reason_codes) {
    const auto c = doctor(std::nullopt);
    for (int code : {0, 3, -1}) {
        BOOST_TEST(refusal(rv::can_add(c, memberships(), add_to(eoe, code))).find("reason code") ==
                   0u);
    }
}

// A DB outside the TIS DBs needs explicit confirmation.
BOOST_AUTO_TEST_CASE(add_other_db_needs_confirmation) {
    const auto c = doctor(std::nullopt);
    auto r = add_to(wessex);
    BOOST_TEST(refusal(rv::can_add(c, memberships(), r)).find("confirm it explicitly") !=
               std::string::npos);
    r.designated_body_confirmed = true;
    BOOST_TEST(rv::can_add(c, memberships(), r).ok());
}

// The date must fall inside one of the memberships, ends included; a past membership counts.
BOOST_AUTO_TEST_CASE(add_date_inside_membership) {
    const auto c = doctor(std::nullopt);
    BOOST_TEST(rv::can_add(c, memberships(), add_to(eoe, 1, "2025-08-06")).ok());
    BOOST_TEST(rv::can_add(c, memberships(), add_to(eoe, 1, "2020-08-05")).ok());
    BOOST_TEST(refusal(rv::can_add(c, memberships(), add_to(eoe, 1, "2025-08-05"))) ==
               "the date 2025-08-05 is outside every programme membership of the doctor");
    BOOST_TEST(!rv::can_add(c, {}, add_to(eoe)).ok());
}

// A doctor without a GMC number cannot be added at GMC.
BOOST_AUTO_TEST_CASE(add_needs_gmc_number) {
    rv::Inputs in;
    in.tis = {person("P1", "unknown", {current(eoe)})};
    const auto c = classify_key(in, "P1");
    BOOST_TEST(refusal(rv::can_add(c, memberships(), add_to(eoe))) ==
               "the doctor has no GMC number");
}

// Remove is allowed from the connected DB by an admin responsible for it, reasons 1-3, even
// with no membership at all.
BOOST_AUTO_TEST_CASE(remove_allowed) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001")};
    in.gmc = {gmc_row("7000001", em)};
    const auto c = classify_key(in, "7000001");
    BOOST_TEST(c.rule == 16);
    for (int code : {1, 2, 3}) {
        BOOST_TEST(rv::can_remove(c, rv::RemoveRequest{em, code, {eoe, em}}).ok());
    }
}

// Remove is refused when not connected, from another DB, for an admin of another office, or
// with a reason code other than 1-3.
BOOST_AUTO_TEST_CASE(remove_refusals) {
    BOOST_TEST(refusal(rv::can_remove(doctor(std::nullopt), {eoe, 1, {eoe}})) ==
               "the doctor is not connected: there is no connection to remove");
    BOOST_TEST(refusal(rv::can_remove(doctor(em), {eoe, 1, {eoe}})) ==
               "the doctor is connected to " + em + ", not to " + eoe);
    BOOST_TEST(refusal(rv::can_remove(doctor(em), {em, 1, {eoe}})) ==
               "you can only remove a connection from a designated body you are responsible for");
    BOOST_TEST(refusal(rv::can_remove(doctor(em), {em, 4, {em}})).find("reason code") == 0u);
}

// Each refusal names its rule as a value, whatever its text says about the case.
BOOST_AUTO_TEST_CASE(refusals_name_their_rule) {
    BOOST_TEST(rv::can_add(doctor(em), memberships(), add_to(eoe)).rule ==
               "add only when not connected");
    BOOST_TEST(rv::can_remove(doctor(em), {eoe, 1, {eoe}}).rule ==
               "remove from the designated body connected");
    BOOST_TEST(rv::can_remove(doctor(em), {em, 4, {em}}).rule == "remove reason code 1, 2 or 3");
    BOOST_TEST(rv::can_add(doctor(std::nullopt), memberships(), add_to(eoe)).rule.empty());
}

// Hide and flag are open to any office that can edit the doctor, connected or not; a
// read-only office and an office that cannot see the doctor are refused.
BOOST_AUTO_TEST_CASE(hide_and_flag_by_editors) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {current(eoe)})};
    in.history = {history("7000001", em)};
    const auto c = classify_key(in, "7000001");
    BOOST_TEST(rv::can_hide(c, {eoe}).ok());
    BOOST_TEST(rv::can_flag(c, {wessex, eoe}).ok());
    BOOST_TEST(refusal(rv::can_hide(c, {em})) == "the doctor is read-only for your local office");
    BOOST_TEST(refusal(rv::can_flag(c, {wessex})) ==
               "the doctor is not visible to your local office");
    BOOST_TEST(rv::can_hide(doctor(em), {em}).ok());
}

// Every office may act on a doctor shown to "*".
BOOST_AUTO_TEST_CASE(every_office_may_hide) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {past(eoe)})};
    BOOST_TEST(rv::can_hide(classify_key(in, "7000001"), {wessex}).ok());
}

// Unhide needs a manual hide in force (an automatic hide such as F1 cannot be undone); unflag
// needs a flag.
BOOST_AUTO_TEST_CASE(unhide_and_unflag_need_something_to_undo) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001", {current(eoe)}, "F1")};
    auto c = classify_key(in, "7000001");
    BOOST_TEST(refusal(rv::can_unhide(c, {eoe})) == "the doctor is not manually hidden");
    BOOST_TEST(refusal(rv::can_unflag(c, {eoe})) == "the doctor is not flagged");
    in.actions = {action("7000001", rv::ManualActionKind::hide, eoe),
                  action("7000001", rv::ManualActionKind::flag, eoe)};
    c = classify_key(in, "7000001");
    BOOST_TEST(rv::can_unhide(c, {eoe}).ok());
    BOOST_TEST(rv::can_unflag(c, {eoe}).ok());
    BOOST_TEST(!rv::can_unhide(c, {wessex}).ok());
}

// GMC return codes: 0 and 100 succeed, 70-160 are refusals, the rest and no answer retry.
BOOST_AUTO_TEST_CASE(gmc_return_codes) {
    using O = rv::GmcOutcome;
    const std::vector<std::pair<std::optional<int>, O>> cases{
        {0, O::success},   {100, O::success},  {70, O::refused},    {99, O::refused},
        {101, O::refused}, {160, O::refused},  {69, O::retryable},  {161, O::retryable},
        {1, O::retryable}, {-1, O::retryable}, {500, O::retryable}, {std::nullopt, O::retryable}};
    for (const auto& [code, expected] : cases) {
        BOOST_TEST_CONTEXT("code " << code.value_or(-999)) {
            BOOST_TEST((rv::gmc_outcome(code) == expected));
        }
    }
}

// Reason code texts exist exactly for the codes GMC defines.
BOOST_AUTO_TEST_CASE(reason_texts) {
    BOOST_TEST(!rv::add_reason_text(1).empty());
    BOOST_TEST(!rv::add_reason_text(2).empty());
    BOOST_TEST(rv::add_reason_text(3).empty());
    BOOST_TEST(!rv::remove_reason_text(3).empty());
    BOOST_TEST(rv::remove_reason_text(4).empty());
    BOOST_TEST(rv::remove_reason_text(0).empty());
}

BOOST_AUTO_TEST_SUITE_END()
