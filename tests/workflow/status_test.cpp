// Tests of workflow/status.cpp: each status has one stored name, and names read back.
#include <boost/test/unit_test.hpp>

#include "workflow/status.hpp"

namespace wf = casegate::workflow;

BOOST_AUTO_TEST_SUITE(status)

// Every case status round-trips through its name, and the names are the database's.
BOOST_AUTO_TEST_CASE(case_status_names_round_trip) {
    for (auto s : {wf::CaseStatus::submitted, wf::CaseStatus::accepted, wf::CaseStatus::returned,
                   wf::CaseStatus::under_review, wf::CaseStatus::closed,
                   wf::CaseStatus::archived}) {
        BOOST_TEST((wf::case_status_from(wf::to_string(s)) == s));
    }
    BOOST_TEST(wf::to_string(wf::CaseStatus::under_review) == "under_review");
}

// A name that is not a status is refused, not taken for the nearest one.
BOOST_AUTO_TEST_CASE(unknown_names_are_refused) {
    BOOST_TEST(!wf::case_status_from("Submitted").has_value());
    BOOST_TEST(!wf::case_status_from("under review").has_value());
    BOOST_TEST(!wf::submission_status_from("").has_value());
    BOOST_TEST((wf::submission_status_from("incomplete") == wf::SubmissionStatus::incomplete));
}

BOOST_AUTO_TEST_SUITE_END()
