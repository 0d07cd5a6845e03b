// Tests of workflow/rules.cpp: the status machine, who may do what, and who is told.
#include <boost/test/unit_test.hpp>

#include "workflow/rules.hpp"

namespace wf = casegate::workflow;
using wf::CaseStatus;
using wf::Change;

namespace {

const wf::Actor admin{"alex.admin@example.nhs.uk", wf::Role::admin, "East of England"};
const wf::Actor manager{"casey.manager@example.nhs.uk", wf::Role::case_manager, "East of England"};
const wf::Actor other_manager{"kim.manager@example.nhs.uk", wf::Role::case_manager,
                              "East of England"};
const wf::Actor other_office_admin{"sam.admin@example.nhs.uk", wf::Role::admin, "Wessex"};

wf::CaseFacts a_case(CaseStatus s, std::optional<std::string> cm = "Casey.Manager@example.nhs.uk") {
    return {s, "East of England", std::move(cm), "sup@trust.example.nhs.uk"};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rules)

// The statuses of FORM.md: submitted → accepted | returned; accepted → under_review → closed;
// closed → archived; closed or archived → under_review by reopening.
BOOST_AUTO_TEST_CASE(status_machine) {
    BOOST_TEST((wf::status_after(Change::accept, CaseStatus::submitted) == CaseStatus::accepted));
    BOOST_TEST((wf::status_after(Change::return_, CaseStatus::submitted) == CaseStatus::returned));
    BOOST_TEST((wf::status_after(Change::review, CaseStatus::accepted) == CaseStatus::under_review));
    BOOST_TEST((wf::status_after(Change::close, CaseStatus::under_review) == CaseStatus::closed));
    BOOST_TEST((wf::status_after(Change::archive, CaseStatus::closed) == CaseStatus::archived));
    BOOST_TEST((wf::status_after(Change::reopen, CaseStatus::archived) == CaseStatus::under_review));
    BOOST_TEST(!wf::status_after(Change::accept, CaseStatus::returned).has_value());
    BOOST_TEST(!wf::status_after(Change::close, CaseStatus::submitted).has_value());
    BOOST_TEST(!wf::status_after(Change::note, CaseStatus::accepted).has_value());
}

// An invalid transition is refused naming the changes allowed from where the case stands.
BOOST_AUTO_TEST_CASE(invalid_transition_names_the_allowed_ones) {
    const wf::Decision d = wf::decide(admin, a_case(CaseStatus::closed), Change::accept, "");
    BOOST_TEST(!d.allowed);
    BOOST_TEST(d.rule == "accept only a case that is submitted");
    BOOST_TEST(d.reason == "the case is closed; allowed now: archive, reopen");
}

// A case manager works on their own cases but does not make the admins' triage decisions.
BOOST_AUTO_TEST_CASE(case_manager_limits) {
    BOOST_TEST(wf::decide(manager, a_case(CaseStatus::accepted), Change::review, "").allowed);
    BOOST_TEST(wf::decide(manager, a_case(CaseStatus::under_review), Change::close, "resolved").allowed);
    const wf::Decision d = wf::decide(manager, a_case(CaseStatus::closed), Change::reopen, "");
    BOOST_TEST(!d.allowed);
    BOOST_TEST(d.rule == "reopen is for the office's admins");
    BOOST_TEST(!wf::decide(manager, a_case(CaseStatus::submitted), Change::accept, "").allowed);
}

// Another office's case, or a case assigned to someone else, is as if it did not exist.
BOOST_AUTO_TEST_CASE(unseen_cases_do_not_exist) {
    BOOST_TEST(!wf::can_see(other_office_admin, a_case(CaseStatus::submitted)));
    BOOST_TEST(!wf::can_see(other_manager, a_case(CaseStatus::accepted)));
    BOOST_TEST(wf::can_see(manager, a_case(CaseStatus::accepted)));
    BOOST_TEST(wf::can_see(admin, a_case(CaseStatus::accepted, std::nullopt)));
    const wf::Decision d = wf::decide(other_office_admin, a_case(CaseStatus::submitted),
                                      Change::accept, "");
    BOOST_TEST(!d.allowed);
    BOOST_TEST(d.reason == "no such case");
}

// Changes that need an argument are refused without one, naming what is missing.
BOOST_AUTO_TEST_CASE(arguments_required) {
    const wf::Decision d = wf::decide(admin, a_case(CaseStatus::submitted), Change::return_, "  ");
    BOOST_TEST(!d.allowed);
    BOOST_TEST(d.reason == "give the reason it is returned");
    BOOST_TEST(!wf::decide(admin, a_case(CaseStatus::accepted), Change::engagement, "maybe").allowed);
    BOOST_TEST(wf::decide(admin, a_case(CaseStatus::accepted), Change::engagement, "not engaged").allowed);
    BOOST_TEST(!wf::decide(admin, a_case(CaseStatus::archived), Change::note, "x").allowed);
}

// Accepted → the referrer, the case manager and the admin team; never whoever made it.
BOOST_AUTO_TEST_CASE(who_is_told) {
    wf::Recipients r = wf::recipients(admin, a_case(CaseStatus::accepted), Change::accept);
    BOOST_TEST(r.referrer);
    BOOST_TEST(r.case_manager);
    BOOST_TEST(r.office_admins);
    // A note by the case manager: not back to them, not to the referrer.
    r = wf::recipients(manager, a_case(CaseStatus::under_review), Change::note);
    BOOST_TEST(!r.referrer);
    BOOST_TEST(!r.case_manager);
    BOOST_TEST(r.office_admins);
    // No case manager yet: nobody to tell but the team (and the referrer for a return).
    r = wf::recipients(admin, a_case(CaseStatus::returned, std::nullopt), Change::return_);
    BOOST_TEST(r.referrer);
    BOOST_TEST(!r.case_manager);
}

// Command words read back to their change; "return" is the word for return_.
BOOST_AUTO_TEST_CASE(change_words) {
    BOOST_TEST((wf::change_from("return") == Change::return_));
    BOOST_TEST(wf::to_string(Change::return_) == "return");
    BOOST_TEST(!wf::change_from("delete").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
