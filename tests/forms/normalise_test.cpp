#include <boost/test/unit_test.hpp>

#include <string>

#include "forms/normalise.hpp"

namespace f = casegate::forms;

namespace {

std::string str(const f::Normalised& n) {
    BOOST_REQUIRE_MESSAGE(n.ok(), "unexpected error: " << n.error);
    return std::get<std::string>(n.value);
}

std::vector<std::string> list(const f::Normalised& n) {
    BOOST_REQUIRE_MESSAGE(n.ok(), "unexpected error: " << n.error);
    return std::get<std::vector<std::string>>(n.value);
}

const f::FieldDef& field(std::string_view key) {
    const f::FieldDef* d = f::find_field(key);
    BOOST_REQUIRE(d);
    return *d;
}

bool contains(const std::string& s, std::string_view part) {
    return s.find(part) != std::string::npos;
}

constexpr std::string_view kToday = "2025-06-15";

}  // namespace

BOOST_AUTO_TEST_SUITE(normalise)

// Text is trimmed, keeps its inner spacing, loses control characters and line breaks.
BOOST_AUTO_TEST_CASE(text_is_cleaned) {
    BOOST_TEST(str(f::normalise_text("  St  Elsewhere  ")) == "St  Elsewhere");
    BOOST_TEST(str(f::normalise_text("a\x01\x7F"
                                     "b\xC2\x85"
                                     "c")) == "abc");
    BOOST_TEST(str(f::normalise_text("two\nlines")) == "two lines");
    BOOST_TEST(f::normalise_text(" \x02 ").error == "must not be empty");
}

// 1,000 characters is the limit, counted in characters, not bytes; the error names it.
BOOST_AUTO_TEST_CASE(text_limit) {
    BOOST_TEST(f::normalise_text(std::string(1000, 'a')).ok());
    std::string accented;
    for (int i = 0; i < 1000; ++i) accented += "\xC3\xA9";
    BOOST_TEST(f::normalise_text(accented).ok());
    const f::Normalised over = f::normalise_text(std::string(1001, 'a'));
    BOOST_TEST(!over.ok());
    BOOST_TEST(contains(over.error, "1000"));
}

// Long text keeps its lines, drops blank lines around it and has no length limit.
BOOST_AUTO_TEST_CASE(long_text) {
    BOOST_TEST(str(f::normalise_long_text("\n\n  one\r\n\n\ttwo  \n\n")) == "one\n\n\ttwo");
    BOOST_TEST(str(f::normalise_long_text(std::string(50'000, 'x'))).size() == 50'000u);
    BOOST_TEST(!f::normalise_long_text("\n \n").ok());
}

// A GMC number is exactly 7 digits once spaces are removed; 6 or 8 digits are refused.
BOOST_AUTO_TEST_CASE(gmc) {
    BOOST_TEST(str(f::normalise_gmc("1234567")) == "1234567");
    BOOST_TEST(str(f::normalise_gmc(" 123 45 67 ")) == "1234567");
    BOOST_TEST(f::normalise_gmc("123456").error == "must be exactly 7 digits");
    BOOST_TEST(f::normalise_gmc("12345678").error == "must be exactly 7 digits");
    BOOST_TEST(!f::normalise_gmc("123456a").ok());
    BOOST_TEST(!f::normalise_gmc("GMC1234567").ok());
    BOOST_TEST(!f::normalise_gmc("1234-567").ok());
}

// Email: one '@', no spaces, a dotted domain which is lower-cased; the local part keeps case.
BOOST_AUTO_TEST_CASE(email) {
    BOOST_TEST(str(f::normalise_email(" Jo.Bloggs@NHS.Net ")) == "Jo.Bloggs@nhs.net");
    BOOST_TEST(str(f::normalise_email("Jo Bloggs <jo@Example.ORG>")) == "jo@example.org");
    BOOST_TEST(str(f::normalise_email("mailto:jo@example.org")) == "jo@example.org");
    for (const char* bad : {"jo", "jo@", "@example.org", "jo@@example.org", "j o@example.org",
                            "jo@example", "jo@example.org.", "a@b@c.org", "jo@exa..mple.org"}) {
        BOOST_TEST_CONTEXT(bad) {
            BOOST_TEST(!f::normalise_email(bad).ok());
        }
    }
}

// An address holding an RFC 2047 encoded word (header text that decodes to anything, CR LF
// included) or a control character is not an address: the field is invalid, with an error
// that says why.
BOOST_AUTO_TEST_CASE(email_refuses_encoded_words_and_controls) {
    for (const std::string& bad : {
             std::string("<=?utf-8?q?victim3=40evil.example=0D=0ABcc=3A_x=40y.example?=@attacker.example>"),
             std::string("=?utf-8?q?victim3=40evil.example=0D=0ABcc=3A_x=40y.example?=@attacker.example"),
             std::string("jo=?utf-8?b?QQ==?=@example.org"), std::string("jo@=?utf-8?q?example.org?="),
             std::string("jo\x01@example.org"), std::string("jo@example.org\x1b")}) {
        BOOST_TEST_CONTEXT(bad) {
            const f::Normalised n = f::normalise_email(bad);
            BOOST_TEST(!n.ok());
            BOOST_TEST(n.error.find("encoded") != std::string::npos, n.error);
        }
    }
    BOOST_TEST(str(f::normalise_email("a=b?c@example.org")) == "a=b?c@example.org");
}

// Choices match whole labels ignoring case, else an unambiguous prefix.
BOOST_AUTO_TEST_CASE(choice_matches) {
    const auto& route = field("concern_route");
    BOOST_TEST(str(f::normalise_choice("PROFESSIONAL", route)) == "Professional");
    BOOST_TEST(str(f::normalise_choice("prof", route)) == "Professional");
    BOOST_TEST(str(f::normalise_choice("f", route)) == "Funding");
    const auto& role = field("referrer_role");
    BOOST_TEST(str(f::normalise_choice("doctor in training", role)) ==
               "Doctor in training (self-referral)");
    BOOST_TEST(str(f::normalise_choice("other", role)) == "Other");
    // Abbreviations are not options: "TPD" is refused rather than guessed.
    BOOST_TEST(!f::normalise_choice("TPD", role).ok());
}

// An ambiguous or unknown choice is an error listing the options, never a silent "Other".
BOOST_AUTO_TEST_CASE(choice_errors) {
    const auto& type = field("concern_type");
    const f::Normalised ambiguous = f::normalise_choice("c", type);
    BOOST_TEST(!ambiguous.ok());
    BOOST_TEST(contains(ambiguous.error, "more than one"));
    BOOST_TEST(contains(ambiguous.error, "Clinical performance"));
    const f::Normalised unknown = f::normalise_choice("Bullying", type);
    BOOST_TEST(!unknown.ok());
    BOOST_TEST(contains(unknown.error, "\"Bullying\""));
    BOOST_TEST(contains(unknown.error, "Attendance and engagement"));
    BOOST_TEST(!f::normalise_choice("...", type).ok());
}

// A local office is given by its name or by its designated body code.
BOOST_AUTO_TEST_CASE(local_office_by_name_or_code) {
    const auto& office = field("local_office");
    BOOST_TEST(str(f::normalise_choice("1-1rssq05", office)) == "East of England");
    BOOST_TEST(str(f::normalise_choice("wessex", office)) == "Wessex");
    // "North West" is a whole name and also a prefix of "North West London": exact wins.
    BOOST_TEST(str(f::normalise_choice("north west", office)) == "North West");
    BOOST_TEST(!f::normalise_choice("North", office).ok());
    BOOST_TEST(contains(f::normalise_choice("Mars", office).error, "designated body"));
}

// Multi-choice splits on ',', ';', '/' and lines, matches each item and drops repeats.
BOOST_AUTO_TEST_CASE(multi_choice_items) {
    const auto& support = field("support_requested");
    using V = std::vector<std::string>;
    BOOST_TEST(list(f::normalise_multi_choice("coaching, Exam support", support)) ==
               (V{"Coaching", "Exam support"}));
    BOOST_TEST(list(f::normalise_multi_choice("less than; out of programme / supern", support)) ==
               (V{"Less than full time", "Out of programme", "Supernumerary"}));
    BOOST_TEST(list(f::normalise_multi_choice("* Coaching\n- Other\n\xE2\x80\xA2 coaching",
                                              support)) == (V{"Coaching", "Other"}));
}

// Any item that matches nothing is named in the error; " and " does not split items.
BOOST_AUTO_TEST_CASE(multi_choice_errors) {
    const auto& support = field("support_requested");
    const f::Normalised bad = f::normalise_multi_choice("Coaching, LTFT, Mentoring", support);
    BOOST_TEST(!bad.ok());
    BOOST_TEST(contains(bad.error, "\"LTFT\""));
    BOOST_TEST(contains(bad.error, "\"Mentoring\""));
    BOOST_TEST(!contains(bad.error, "\"Coaching\""));
    BOOST_TEST(!f::normalise_multi_choice("Coaching and Exam support", support).ok());
    BOOST_TEST(!f::normalise_multi_choice(" , ;", support).ok());
}

// Yes/no accepts the ways people tick a box and refuses anything else.
BOOST_AUTO_TEST_CASE(yes_no) {
    for (const char* yes : {"Yes", "y", "TRUE", "x", "[x]", "\xE2\x9C\x93", "ticked", "Agreed",
                            "accept", "Accepted", "I accept", "i accept."}) {
        BOOST_TEST_CONTEXT(yes) {
            BOOST_TEST(std::get<bool>(f::normalise_yes_no(yes).value));
        }
    }
    for (const char* no : {"No", "n", "false"}) {
        BOOST_TEST_CONTEXT(no) {
            const f::Normalised n = f::normalise_yes_no(no);
            BOOST_TEST(n.ok());
            BOOST_TEST(!std::get<bool>(n.value));
        }
    }
    for (const char* bad : {"maybe", "yes please", "", "0"}) {
        BOOST_TEST_CONTEXT(bad) {
            BOOST_TEST(f::normalise_yes_no(bad).error == "must be yes or no");
        }
    }
}

// Every accepted date spelling becomes ISO.
BOOST_AUTO_TEST_CASE(date_formats) {
    BOOST_TEST(str(f::normalise_date("03/04/2024", kToday)) == "2024-04-03");
    BOOST_TEST(str(f::normalise_date("3/4/2024", kToday)) == "2024-04-03");
    BOOST_TEST(str(f::normalise_date("3 April 2024", kToday)) == "2024-04-03");
    BOOST_TEST(str(f::normalise_date("3rd Apr 2024", kToday)) == "2024-04-03");
    BOOST_TEST(str(f::normalise_date("21st of SEPT, 2024", kToday)) == "2024-09-21");
    BOOST_TEST(str(f::normalise_date("2024-04-03", kToday)) == "2024-04-03");
}

// Other shapes are refused with the formats named: US order, two-digit years, words.
BOOST_AUTO_TEST_CASE(date_bad_formats) {
    for (const char* bad : {"April 3 2024", "3/4/24", "2024/04/03", "3/4-2024", "last Tuesday",
                            "3 Apr", "32nd May 2024x", "", "3 Aprill 2024"}) {
        BOOST_TEST_CONTEXT(bad) {
            BOOST_TEST(contains(f::normalise_date(bad, kToday).error, "DD/MM/YYYY"));
        }
    }
}

// Invalid calendar dates are errors: 29 February only in leap years, no 31 April.
BOOST_AUTO_TEST_CASE(date_calendar) {
    BOOST_TEST(str(f::normalise_date("29/02/2024", kToday)) == "2024-02-29");
    BOOST_TEST(str(f::normalise_date("2000-02-29", kToday)) == "2000-02-29");
    BOOST_TEST(f::normalise_date("29/02/2023", kToday).error == "is not a real calendar date");
    BOOST_TEST(!f::normalise_date("1900-02-29", kToday).ok());
    BOOST_TEST(!f::normalise_date("31/04/2024", kToday).ok());
    BOOST_TEST(!f::normalise_date("00/01/2024", kToday).ok());
    BOOST_TEST(!f::normalise_date("01/13/2024", kToday).ok());
}

// Today is accepted, tomorrow is in the future; with no today there is no future check.
BOOST_AUTO_TEST_CASE(date_not_in_future) {
    BOOST_TEST(str(f::normalise_date("15/06/2025", kToday)) == "2025-06-15");
    BOOST_TEST(f::normalise_date("16/06/2025", kToday).error == "must not be in the future");
    BOOST_TEST(f::normalise_date("1 Jan 2026", kToday).error == "must not be in the future");
    BOOST_TEST(f::normalise_date("16/06/2025", "").ok());
}

// normalise_field picks the function of the field's type.
BOOST_AUTO_TEST_CASE(dispatch_by_type) {
    BOOST_TEST(str(f::normalise_field(field("gmc_number"), "765 4321", kToday)) == "7654321");
    BOOST_TEST(std::get<bool>(f::normalise_field(field("trainee_aware"), "y", kToday).value));
    BOOST_TEST(!f::normalise_field(field("incident_date"), "2099-01-01", kToday).ok());
}

BOOST_AUTO_TEST_SUITE_END()
