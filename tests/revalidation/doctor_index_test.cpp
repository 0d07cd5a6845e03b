// build_doctor_index(): who is one doctor, which records repeat or replace, and key order.
#include "revalidation/doctor_index.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "tests/revalidation/builders.hpp"

namespace rv = casegate::revalidation;
using namespace casegate::revalidation::testing;

namespace {

std::vector<std::string> keys(const rv::DoctorIndex& index) {
    std::vector<std::string> out;
    for (const auto& d : index.doctors) out.emplace_back(d.key);
    return out;
}

const rv::DoctorIndex::Doctor* doctor(const rv::DoctorIndex& index, std::string_view key) {
    for (const auto& d : index.doctors) {
        if (d.key == key) return &d;
    }
    return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rules)

// A TIS person and a GMC row with the same number, written with blanks around it, are one
// doctor keyed by the bare number.
BOOST_AUTO_TEST_CASE(tis_and_gmc_join_on_number) {
    rv::Inputs in;
    in.tis = {person("P1", " 7000001 ")};
    in.gmc = {gmc_row("7000001", eoe)};
    const auto index = rv::build_doctor_index(in);
    BOOST_REQUIRE(index.doctors.size() == 1u);
    BOOST_TEST(index.doctors[0].key == "7000001");
    BOOST_TEST(index.doctors[0].by_gmc);
    BOOST_TEST(index.doctors[0].gmc_row == 0);
    BOOST_TEST(index.doctors[0].persons.size() == 1u);
}

// A TIS person id given twice: the later record replaces the earlier, so a GMC number that
// only the earlier record had no longer makes a doctor.
BOOST_AUTO_TEST_CASE(repeated_person_id_later_wins) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001"), person("P1", "7000002")};
    const auto index = rv::build_doctor_index(in);
    BOOST_TEST(keys(index) == (std::vector<std::string>{"7000002"}),
               boost::test_tools::per_element());
    BOOST_TEST(index.persons.size() == 1u);
    BOOST_TEST(index.persons[0] == 1u);
}

// The same id repeated under the same GMC number stays one person, not a duplicate number.
BOOST_AUTO_TEST_CASE(repeated_person_same_number_is_not_duplicate) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001"), person("P1", "7000001")};
    const auto index = rv::build_doctor_index(in);
    BOOST_REQUIRE(index.doctors.size() == 1u);
    BOOST_TEST(index.doctors[0].persons.size() == 1u);
}

// Two GMC rows for one number: the later date_added wins whatever the order, an absent
// date_added counts as oldest, and equal dates go to the later row.
BOOST_AUTO_TEST_CASE(repeated_gmc_row_latest_added_wins) {
    rv::Inputs in;
    in.gmc = {gmc_row("7000001", em, rv::Licence::licensed, day("2026-01-05")),
              gmc_row("7000001", eoe, rv::Licence::licensed, day("2025-01-05")),
              gmc_row("7000001", wessex)};
    BOOST_TEST(rv::build_doctor_index(in).doctors.at(0).gmc_row == 0);
    in.gmc.push_back(gmc_row("7000001", wessex, rv::Licence::licensed, day("2026-01-05")));
    BOOST_TEST(rv::build_doctor_index(in).doctors.at(0).gmc_row == 3);
}

// Persons without a usable GMC number are separate doctors keyed by their ids; a GMC row
// with a junk number is dropped.
BOOST_AUTO_TEST_CASE(junk_numbers_key_by_person) {
    rv::Inputs in;
    in.tis = {person("P1", "unknown"), person("P2", "unknown"), person("P3", "0000000")};
    in.gmc = {gmc_row("n/a", eoe)};
    const auto index = rv::build_doctor_index(in);
    BOOST_TEST(keys(index) == (std::vector<std::string>{"P1", "P2", "P3"}),
               boost::test_tools::per_element());
    for (const auto& d : index.doctors) BOOST_TEST(!d.by_gmc);
}

// A TIS id that looks like a GMC number does not merge with that GMC doctor; both are kept,
// the GMC-keyed one first.
BOOST_AUTO_TEST_CASE(equal_keys_stay_apart) {
    rv::Inputs in;
    in.tis = {person("7000001", "")};
    in.gmc = {gmc_row("7000001", eoe)};
    const auto index = rv::build_doctor_index(in);
    BOOST_REQUIRE(index.doctors.size() == 2u);
    BOOST_TEST(index.doctors[0].by_gmc);
    BOOST_TEST(!index.doctors[1].by_gmc);
    BOOST_TEST(index.doctors[1].persons.size() == 1u);
}

// Actions reach a doctor by GMC number, or by TIS person id when it has no GMC number;
// actions, history and requests about unknown doctors are dropped.
BOOST_AUTO_TEST_CASE(records_attach_to_known_doctors) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001"), person("P2", "none")};
    auto by_id = action("", rv::ManualActionKind::flag, eoe);
    by_id.tis_person_id = "P2";
    in.actions = {action("7000001", rv::ManualActionKind::hide, eoe), by_id,
                  action("7999999", rv::ManualActionKind::hide, eoe)};
    in.history = {history("7000001", eoe), history("7999999", eoe)};
    in.gmc_requests = {request("7999999", rv::GmcRequestKind::add, eoe, "2026-01-01", 0)};
    const auto index = rv::build_doctor_index(in);
    BOOST_TEST(doctor(index, "7000001")->actions.size() == 1u);
    BOOST_TEST(doctor(index, "P2")->actions.size() == 1u);
    BOOST_TEST(index.actions.size() == 2u);
    BOOST_TEST(index.history.size() == 1u);
    BOOST_TEST(index.requests.empty());
}

// A doctor's actions come sorted by date, input order kept on equal dates.
BOOST_AUTO_TEST_CASE(actions_sorted_by_date) {
    rv::Inputs in;
    in.tis = {person("P1", "7000001")};
    in.actions = {action("7000001", rv::ManualActionKind::hide, eoe, "2026-02-01"),
                  action("7000001", rv::ManualActionKind::flag, eoe, "2026-01-01"),
                  action("7000001", rv::ManualActionKind::unflag, eoe, "2026-02-01")};
    const auto index = rv::build_doctor_index(in);
    BOOST_TEST(index.actions == (std::vector<std::uint32_t>{1, 0, 2}),
               boost::test_tools::per_element());
}

// Keys sort as strings (byte order), longer keys after their prefixes, whatever the input order.
BOOST_AUTO_TEST_CASE(keys_sorted_bytewise) {
    rv::Inputs in;
    in.tis = {person("P100000002", ""), person("P10000000", ""), person("P100000001", ""),
              person("p1", ""), person("A", "")};
    in.gmc = {gmc_row("9000000", eoe), gmc_row("1000000", eoe)};
    BOOST_TEST(keys(rv::build_doctor_index(in)) ==
                   (std::vector<std::string>{"1000000", "9000000", "A", "P10000000", "P100000001",
                                             "P100000002", "p1"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
