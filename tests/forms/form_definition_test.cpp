#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "forms/form.hpp"

namespace f = casegate::forms;

namespace {

std::string trimmed(std::string s) {
    const auto b = s.find_first_not_of(" `");
    const auto e = s.find_last_not_of(" `");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, const std::string& sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const auto pos = s.find(sep, start);
        out.push_back(trimmed(s.substr(start, pos - start)));
        if (pos == std::string::npos) return out;
        start = pos + sep.size();
    }
}

// The rows of the requirements' field table, read from the copy in tests/data.
std::vector<std::vector<std::string>> form_table() {
    std::ifstream in(CASEGATE_TEST_DATA "/forms/form_v1_table.md");
    std::vector<std::vector<std::string>> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.starts_with("| `")) continue;
        std::vector<std::string> cells = split(line.substr(1, line.size() - 2), "|");
        rows.push_back(cells);
    }
    return rows;
}

std::string type_name(f::FieldType t) {
    switch (t) {
        case f::FieldType::text:
            return "text";
        case f::FieldType::long_text:
            return "long text";
        case f::FieldType::gmc:
            return "gmc";
        case f::FieldType::email:
            return "email";
        case f::FieldType::choice:
            return "choice";
        case f::FieldType::multi_choice:
            return "multi-choice";
        case f::FieldType::yes_no:
            return "yes/no";
        case f::FieldType::date:
            return "date";
    }
    return "?";
}

std::vector<std::string> strings(const std::vector<std::string_view>& v) {
    return {v.begin(), v.end()};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(form_definition)

// Every key, label, alias, type and required flag is the one in the requirements' table, in order.
BOOST_AUTO_TEST_CASE(fields_match_the_requirements_table) {
    const auto rows = form_table();
    const auto& form = f::referral_form();
    BOOST_REQUIRE_EQUAL(rows.size(), 18u);
    BOOST_REQUIRE_EQUAL(form.size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        BOOST_TEST_CONTEXT("row " << i << " " << rows[i][0]) {
            BOOST_TEST(std::string(form[i].key) == rows[i][0]);
            BOOST_TEST(std::string(form[i].label) == rows[i][1]);
            BOOST_TEST(strings(form[i].aliases) == split(rows[i][2], ","),
                       boost::test_tools::per_element());
            BOOST_TEST(type_name(form[i].type) == rows[i][3]);
            BOOST_TEST(form[i].required == (rows[i][4] == "yes"));
        }
    }
}

// Choice options are spelled exactly as the table's notes list them; local_office lists the
// offices.
BOOST_AUTO_TEST_CASE(options_match_the_requirements_table) {
    for (const auto& row : form_table()) {
        const f::FieldDef* field = f::find_field(row[0]);
        BOOST_REQUIRE(field);
        BOOST_TEST_CONTEXT(row[0]) {
            if (row[0] == "local_office") {
                std::vector<std::string> names;
                for (const auto& o : f::local_offices()) names.emplace_back(o.name);
                BOOST_TEST(strings(field->options) == names, boost::test_tools::per_element());
            } else if (row[3] == "choice" || row[3] == "multi-choice") {
                BOOST_TEST(strings(field->options) == split(row[5], ","),
                           boost::test_tools::per_element());
            } else {
                BOOST_TEST(field->options.empty());
            }
        }
    }
}

// The 14 local offices and their designated body codes are those of the requirements.
BOOST_AUTO_TEST_CASE(fourteen_local_offices_with_codes) {
    std::ifstream in(CASEGATE_TEST_DATA "/forms/local_offices.tsv");
    std::vector<std::pair<std::string, std::string>> expected;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line.starts_with('#')) continue;
        const auto tab = line.find('\t');
        expected.emplace_back(line.substr(0, tab), line.substr(tab + 1));
    }
    const auto& offices = f::local_offices();
    BOOST_REQUIRE_EQUAL(expected.size(), 14u);
    BOOST_REQUIRE_EQUAL(offices.size(), expected.size());
    for (std::size_t i = 0; i < offices.size(); ++i) {
        BOOST_TEST(std::string(offices[i].name) == expected[i].first);
        BOOST_TEST(std::string(offices[i].designated_body) == expected[i].second);
    }
}

// Offices are found by name ignoring case and punctuation, and by code ignoring case.
BOOST_AUTO_TEST_CASE(office_lookup) {
    const f::LocalOffice* kss = f::find_office_by_name("kent surrey and sussex");
    BOOST_REQUIRE(kss);
    BOOST_TEST(kss->designated_body == "1-1RUZV1D");
    BOOST_TEST(f::find_office_by_name("North West") != f::find_office_by_name("North West London"));
    BOOST_TEST(f::find_office_by_name("Atlantis") == nullptr);
    const f::LocalOffice* ni = f::find_office_by_designated_body(" 1-25u-830 ");
    BOOST_REQUIRE(ni);
    BOOST_TEST(ni->name == "Northern Ireland");
    BOOST_TEST(f::find_office_by_designated_body("1-25U-831") == nullptr);
}

// No two fields share a label or alias once normalised, so a label line is never ambiguous.
BOOST_AUTO_TEST_CASE(labels_and_aliases_are_unambiguous) {
    std::set<std::string> seen;
    std::size_t count = 0;
    for (const auto& field : f::referral_form()) {
        seen.insert(f::normalise_label(field.label));
        ++count;
        for (auto alias : field.aliases) {
            seen.insert(f::normalise_label(alias));
            ++count;
        }
    }
    BOOST_TEST(seen.size() == count);
}

// find_field and find_field_by_label agree with the table and refuse unknown names.
BOOST_AUTO_TEST_CASE(lookups_by_key_and_label) {
    for (const auto& field : f::referral_form()) {
        BOOST_TEST(f::find_field(field.key) == &field);
        BOOST_TEST(f::find_field_by_label(field.label) == &field);
        for (auto alias : field.aliases) BOOST_TEST(f::find_field_by_label(alias) == &field);
    }
    BOOST_TEST(f::find_field("nickname") == nullptr);
    BOOST_TEST(f::find_field("GMC_NUMBER") == nullptr);
    BOOST_TEST(f::find_field_by_label("shoe size") == nullptr);
}

// Every field has a one-line help text and the declaration is there to show beside the terms.
BOOST_AUTO_TEST_CASE(help_and_declaration) {
    for (const auto& field : f::referral_form()) {
        BOOST_TEST_CONTEXT(field.key) {
            BOOST_TEST(!field.help.empty());
            BOOST_TEST(field.help.find('\n') == std::string_view::npos);
            BOOST_TEST(field.help.size() <= 100u);
        }
    }
    BOOST_TEST(f::declaration_text().size() > 40u);
    BOOST_TEST(f::declaration_text().find('\n') == std::string_view::npos);
}

BOOST_AUTO_TEST_SUITE_END()
