#include <boost/test/unit_test.hpp>

#include <string>

#include "forms/form.hpp"

namespace f = casegate::forms;

namespace {

const f::ValidateContext kCtx{"2025-06-15", "sender@example.org"};

f::RawFields complete_raw() {
    return {{"trainee_name", " Jane Roe "},
            {"gmc_number", "123 4567"},
            {"referrer_name", "Dr A Supervisor"},
            {"referrer_email", "a.supervisor@Example.NHS.uk"},
            {"referrer_role", "educational"},
            {"concern_route", "prof"},
            {"concern_type", "health"},
            {"details", "\nShe has missed three shifts.\n"},
            {"terms_accepted", "yes"}};
}

using V = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(validate)

// A submission with every required field is complete and its values are normalised.
BOOST_AUTO_TEST_CASE(complete_submission) {
    const f::Referral r = f::validate(complete_raw(), kCtx);
    BOOST_TEST(r.complete());
    BOOST_TEST(r.text("trainee_name") == "Jane Roe");
    BOOST_TEST(r.text("gmc_number") == "1234567");
    BOOST_TEST(r.text("referrer_email") == "a.supervisor@example.nhs.uk");
    BOOST_TEST(r.text("referrer_role") == "Educational Supervisor");
    BOOST_TEST(r.text("concern_route") == "Professional");
    BOOST_TEST(r.text("details") == "She has missed three shifts.");
    BOOST_TEST(std::get<bool>(r.fields.at("terms_accepted")));
    BOOST_TEST(r.fields.size() == 9u);
}

// Required fields not given are listed by key in form order; optional ones are not.
BOOST_AUTO_TEST_CASE(missing_in_form_order) {
    const f::Referral r = f::validate({{"details", "x"}, {"site", "A"}}, {"2025-06-15", ""});
    BOOST_TEST(!r.complete());
    BOOST_TEST(r.missing == (V{"trainee_name", "gmc_number", "referrer_name", "referrer_email",
                               "referrer_role", "concern_route", "concern_type", "terms_accepted"}),
               boost::test_tools::per_element());
    BOOST_TEST(r.errors.empty());
    BOOST_TEST(r.text("site") == "A");
}

// Invalid values are errors in form order, are not in fields and are not reported missing.
BOOST_AUTO_TEST_CASE(errors_in_form_order) {
    f::RawFields raw = complete_raw();
    raw.emplace_back("incident_date", "31/02/2024");
    raw.emplace_back("gmc_number", "123456");
    const f::Referral r = f::validate(raw, kCtx);
    BOOST_REQUIRE_EQUAL(r.errors.size(), 2u);
    BOOST_TEST(r.errors[0].field == "gmc_number");
    BOOST_TEST(r.errors[0].message == "must be exactly 7 digits");
    BOOST_TEST(r.errors[1].field == "incident_date");
    BOOST_TEST(r.missing.empty());
    BOOST_TEST(r.fields.count("gmc_number") == 0u);
    BOOST_TEST(!r.complete());
}

// The last non-empty value of a repeated key wins; a later blank one does not erase it.
BOOST_AUTO_TEST_CASE(last_non_empty_wins) {
    f::RawFields raw = complete_raw();
    raw.emplace_back("grade", "F1");
    raw.emplace_back("grade", "F2");
    raw.emplace_back("grade", "   ");
    const f::Referral r = f::validate(raw, kCtx);
    BOOST_TEST(r.text("grade") == "F2");
    BOOST_REQUIRE(f::last_given(raw, "grade"));
    BOOST_TEST(*f::last_given(raw, "grade") == "F2");
    BOOST_TEST(f::last_given(raw, "site") == nullptr);
}

// Without a referrer email the context's default (the sender) is used; a given one wins.
BOOST_AUTO_TEST_CASE(referrer_email_default) {
    f::RawFields raw = complete_raw();
    std::erase_if(raw, [](const auto& p) { return p.first == "referrer_email"; });
    BOOST_TEST(f::validate(raw, kCtx).text("referrer_email") == "sender@example.org");
    BOOST_TEST(f::validate(complete_raw(), kCtx).text("referrer_email") ==
               "a.supervisor@example.nhs.uk");
    const f::Referral none = f::validate(raw, {"2025-06-15", ""});
    BOOST_TEST(none.missing == V{"referrer_email"});
}

// The terms must be accepted: "no" is an error, absent is missing.
BOOST_AUTO_TEST_CASE(terms_must_be_accepted) {
    f::RawFields raw = complete_raw();
    raw.emplace_back("terms_accepted", "no");
    const f::Referral refused = f::validate(raw, kCtx);
    BOOST_REQUIRE_EQUAL(refused.errors.size(), 1u);
    BOOST_TEST(refused.errors[0].field == "terms_accepted");
    BOOST_TEST(refused.errors[0].message == "must be accepted");
    std::erase_if(raw, [](const auto& p) { return p.first == "terms_accepted"; });
    BOOST_TEST(f::validate(raw, kCtx).missing == V{"terms_accepted"});
}

// Keys that are not on the form are ignored: only specified fields can be entered.
BOOST_AUTO_TEST_CASE(unknown_keys_ignored) {
    f::RawFields raw = complete_raw();
    raw.emplace_back("favourite_colour", "blue");
    const f::Referral r = f::validate(raw, kCtx);
    BOOST_TEST(r.complete());
    BOOST_TEST(r.fields.count("favourite_colour") == 0u);
}

// Referral::text is empty for absent and for non-string values.
BOOST_AUTO_TEST_CASE(text_accessor) {
    f::RawFields raw = complete_raw();
    raw.emplace_back("support_requested", "Coaching");
    const f::Referral r = f::validate(raw, kCtx);
    BOOST_TEST(r.text("terms_accepted").empty());
    BOOST_TEST(r.text("support_requested").empty());
    BOOST_TEST(r.text("site").empty());
    BOOST_TEST(std::get<std::vector<std::string>>(r.fields.at("support_requested")) ==
               V{"Coaching"});
}

BOOST_AUTO_TEST_SUITE_END()
