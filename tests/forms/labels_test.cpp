#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "forms/form.hpp"

namespace f = casegate::forms;

namespace {

// The (key, value) pairs found in `body`, as "key=value" strings for easy comparison.
std::vector<std::string> found(std::string_view body) {
    std::vector<std::string> out;
    for (const auto& [k, v] : f::extract_body_fields(body)) out.push_back(k + "=" + v);
    return out;
}

using V = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(labels)

// Labels are compared lower-case, without punctuation, with single spaces.
BOOST_AUTO_TEST_CASE(normalise_label_drops_case_punctuation_and_spaces) {
    BOOST_TEST(f::normalise_label("GMC No.") == "gmc no");
    BOOST_TEST(f::normalise_label("  G.M.C.   number: ") == "gmc number");
    BOOST_TEST(f::normalise_label("Doctor\xE2\x80\x99s\tFull  NAME") == "doctors full name");
    BOOST_TEST(f::normalise_label("T&Cs") == "tcs");
    BOOST_TEST(f::normalise_label("") == "");
    BOOST_TEST(f::normalise_label("?!") == "");
}

// The three spellings of FORM.md's example all reach gmc_number.
BOOST_AUTO_TEST_CASE(gmc_label_variants) {
    BOOST_TEST(found("GMC No.: 1234567") == V{"gmc_number=1234567"});
    BOOST_TEST(found("gmc number - 1234567") == V{"gmc_number=1234567"});
    BOOST_TEST(found("G.M.C. number: 1234567") == V{"gmc_number=1234567"});
    BOOST_TEST(found("GMC Reference Number:1234567") == V{"gmc_number=1234567"});
}

// Straight, missing and curly apostrophes all match "Doctor's full name".
BOOST_AUTO_TEST_CASE(apostrophes) {
    BOOST_TEST(found("Doctor's full name: Jane Roe") == V{"trainee_name=Jane Roe"});
    BOOST_TEST(found("Doctors full name: Jane Roe") == V{"trainee_name=Jane Roe"});
    BOOST_TEST(found("DOCTOR\xE2\x80\x99S FULL NAME: Jane Roe") == V{"trainee_name=Jane Roe"});
}

// Colon, spaced hyphen, en dash, em dash and tab all separate a label from its value.
BOOST_AUTO_TEST_CASE(separators) {
    BOOST_TEST(found("Grade: ST4") == V{"grade=ST4"});
    BOOST_TEST(found("Grade - ST4") == V{"grade=ST4"});
    BOOST_TEST(found("Grade \xE2\x80\x93 ST4") == V{"grade=ST4"});
    BOOST_TEST(found("Grade\xE2\x80\x94ST4") == V{"grade=ST4"});
    BOOST_TEST(found("Grade\tST4") == V{"grade=ST4"});
    // A hyphen inside a word is not a separator, and no separator means no label line.
    BOOST_TEST(found("Grade-ST4").empty());
    BOOST_TEST(found("Grade ST4").empty());
}

// Leading spaces, '*' bullets and markdown bold around label and value are allowed.
BOOST_AUTO_TEST_CASE(bullets_and_bold) {
    BOOST_TEST(found("   * **GMC number:** 1234567") == V{"gmc_number=1234567"});
    BOOST_TEST(found("**Route**: **Professional**") == V{"concern_route=Professional"});
    BOOST_TEST(found("- Site: Leeds General") == V{"site=Leeds General"});
}

// A label must open the line; quoted lines are someone else's words and never match.
BOOST_AUTO_TEST_CASE(label_must_start_the_line) {
    BOOST_TEST(found("My GMC number: 1234567").empty());
    BOOST_TEST(found("> GMC number: 1234567").empty());
    BOOST_TEST(found(">> Route: Personal").empty());
}

// The longest label wins: "referrer email" is not "referrer" followed by a value.
BOOST_AUTO_TEST_CASE(longest_label_wins) {
    BOOST_TEST(found("Referrer email: a@b.org") == V{"referrer_email=a@b.org"});
    BOOST_TEST(found("Email: a@b.org") == V{"referrer_email=a@b.org"});
    BOOST_TEST(found("Referrer - email: a@b.org") == V{"referrer_email=a@b.org"});
    BOOST_TEST(found("Referrer: Dr Who") == V{"referrer_name=Dr Who"});
}

// Text fields take the rest of the line only; a separator inside the value stays in it.
BOOST_AUTO_TEST_CASE(text_takes_rest_of_line) {
    BOOST_TEST(found("Site: Ward 4: east wing\nGrade: F2") ==
               (V{"site=Ward 4: east wing", "grade=F2"}));
}

// With nothing after the separator the value is on the lines directly below.
BOOST_AUTO_TEST_CASE(value_on_following_lines) {
    BOOST_TEST(found("Doctor's full name:\nJane Roe\n\nGMC number:\n1234567\n") ==
               (V{"trainee_name=Jane Roe", "gmc_number=1234567"}));
    BOOST_TEST(found("Support requested:\n* Coaching\n* Exam support\n\nThanks") ==
               V{"support_requested=* Coaching\n* Exam support"});
    // A label with no value before the next label is recorded as given but blank.
    BOOST_TEST(found("Site:\nGrade: F2") == (V{"site=", "grade=F2"}));
}

// Details run over several lines to the next label, without blank lines at either end.
BOOST_AUTO_TEST_CASE(details_runs_to_next_label) {
    const std::string body =
        "Details of the concern:\n\nFirst line.\n\n  Second paragraph.\n\nRoute: Personal\n";
    BOOST_TEST(found(body) ==
               (V{"details=First line.\n\n  Second paragraph.", "concern_route=Personal"}));
}

// Details run to the end of the text, or stop at a signature separator.
BOOST_AUTO_TEST_CASE(details_stop_at_end_or_signature) {
    BOOST_TEST(found("Concern: one\ntwo\n\n") == V{"details=one\ntwo"});
    BOOST_TEST(found("Description: one\n-- \nDr Who\nEmail: who@tardis.org") ==
               (V{"details=one", "referrer_email=who@tardis.org"}));
}

// A quoted line ends details, so history under a reply does not join the sender's text.
BOOST_AUTO_TEST_CASE(details_stop_at_quoted_line) {
    BOOST_TEST(found("Details: mine\nstill mine\n> theirs\n> Grade: F1\nGrade: F2") ==
               (V{"details=mine\nstill mine", "grade=F2"}));
}

// Every occurrence is returned in order; choosing among repeats is validate's job.
BOOST_AUTO_TEST_CASE(repeats_are_kept_in_order) {
    BOOST_TEST(found("Grade: F1\nGrade: F2") == (V{"grade=F1", "grade=F2"}));
}

// Windows line ends and non-breaking spaces from HTML mail do not leak into values.
BOOST_AUTO_TEST_CASE(crlf_and_nbsp) {
    BOOST_TEST(found("Grade:\xC2\xA0ST4\xC2\xA0\r\nSite: A\r\n") == (V{"grade=ST4", "site=A"}));
}

// A long line of separators is handled in linear time (only the line's start is a label).
BOOST_AUTO_TEST_CASE(long_hostile_line_is_cheap) {
    const std::string line(2'000'000, ':');
    const auto start = std::chrono::steady_clock::now();
    BOOST_TEST(found(line + "\nGrade: F2") == V{"grade=F2"});
    const auto elapsed = std::chrono::steady_clock::now() - start;
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() < 2000);
}

BOOST_AUTO_TEST_SUITE_END()
