// Tests of forms/merge.cpp: an answer completing an incomplete submission.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>

#include "forms/form.hpp"

namespace f = casegate::forms;

namespace {

const f::ValidateContext kCtx{"2026-06-15", "sender@example.org"};

bool has_note(const f::Merged& m, const std::string& start) {
    return std::any_of(m.notes.begin(), m.notes.end(),
                       [&](const std::string& n) { return n.rfind(start, 0) == 0; });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(merge)

// The first email gave five fields (one invalid); the answer gives the rest, fixes the GMC
// number and changes the route: complete, every addition and change noted, the later value
// winning.
BOOST_AUTO_TEST_CASE(answer_completes_the_earlier_submission) {
    const f::Referral earlier = f::validate({{"trainee_name", "Jane Roe"},
                                             {"gmc_number", "12"},
                                             {"referrer_name", "Dr A"},
                                             {"concern_route", "prof"},
                                             {"details", "Missed shifts."}},
                                            kCtx);
    BOOST_REQUIRE(!earlier.complete());
    const f::Referral answer = f::validate({{"gmc_number", "1234567"},
                                            {"referrer_role", "educational"},
                                            {"concern_route", "personal"},
                                            {"concern_type", "health"},
                                            {"terms_accepted", "yes"}},
                                           kCtx);
    const f::Merged m = f::merge_answer(earlier, answer);
    BOOST_TEST(m.changed);
    BOOST_TEST(m.referral.complete());
    BOOST_TEST(m.referral.text("trainee_name") == "Jane Roe");
    BOOST_TEST(m.referral.text("gmc_number") == "1234567");
    BOOST_TEST(m.referral.text("concern_route") == "Personal");
    BOOST_TEST(m.referral.text("referrer_email") == "sender@example.org");
    BOOST_TEST(has_note(m, "GMC number: added"));
    BOOST_TEST(has_note(m, "Route: changed by the answer (was: Professional)"));
}

// An answer that gives nothing new changes nothing (so no new reply is sent); an invalid value
// in the answer does not replace a valid one, and referrer_email filled from the answer's
// sender never replaces the one the form gave.
BOOST_AUTO_TEST_CASE(nothing_new_and_invalid_values) {
    const f::Referral earlier =
        f::validate({{"trainee_name", "Jane Roe"}, {"gmc_number", "1234567"},
                     {"referrer_email", "first@example.org"}},
                    kCtx);
    const f::Referral same = f::validate({{"trainee_name", "Jane Roe"}}, kCtx);
    const f::Merged unchanged = f::merge_answer(earlier, same);
    BOOST_TEST(!unchanged.changed);
    BOOST_TEST(unchanged.referral.text("referrer_email") == "first@example.org");
    BOOST_TEST(unchanged.referral.missing == earlier.missing);

    const f::Referral bad = f::validate({{"gmc_number", "99"}, {"concern_type", "nonsense"}}, kCtx);
    const f::Merged m = f::merge_answer(earlier, bad);
    BOOST_TEST(m.referral.text("gmc_number") == "1234567");
    BOOST_TEST(has_note(m, "GMC number: the answer's value was not used"));
    BOOST_REQUIRE(m.referral.errors.size() == 1u);
    BOOST_TEST(m.referral.errors[0].field == "concern_type");
    BOOST_TEST(std::count(m.referral.missing.begin(), m.referral.missing.end(), "concern_type") == 0);
    BOOST_TEST(m.changed);
}

BOOST_AUTO_TEST_SUITE_END()
