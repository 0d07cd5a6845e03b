// Tests of reval/digest.cpp: which office is told about which change. Classifications
// are built by hand here, in the shape REVALIDATION.md gives, not produced by classify().
#include "reval/digest.hpp"

#include <boost/test/unit_test.hpp>

namespace d = casegate::reval;
namespace rv = casegate::revalidation;
using casegate::storage::ClassificationSummary;

namespace {

const std::string kEoe = "1-1RSSQ05";
const std::string kEm = "1-1RSSPZ7";
const std::vector<d::DigestOffice> kOffices = {{"East of England", kEoe}, {"East Midlands", kEm}};

rv::Classification doctor(const std::string& gmc, rv::List list,
                          const std::vector<std::string>& editable_bodies) {
    rv::Classification c;
    c.key = gmc;
    c.gmc_number = gmc;
    c.list = list;
    for (const auto& b : editable_bodies)
        c.visible_to.push_back({b, true, rv::OfficeAction::review});
    return c;
}

ClassificationSummary stored(const std::string& gmc, const std::string& list,
                             const std::vector<std::string>& bodies) {
    ClassificationSummary s;
    s.key = gmc;
    s.gmc_number = gmc;
    s.list = list;
    s.editable_bodies = bodies;
    return s;
}

using Strings = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(reval_digest)

// A doctor that becomes a discrepancy is new for the offices that see it, and counted open.
BOOST_AUTO_TEST_CASE(new_discrepancy_goes_to_the_offices_that_see_it) {
    const auto out = d::build_digests({}, {doctor("7000001", rv::List::discrepancy, {kEoe})},
                                      kOffices, "2026-11-21");
    BOOST_REQUIRE_EQUAL(out.size(), 2u);
    BOOST_TEST(out[0].office_name == "East of England");
    BOOST_TEST(out[0].date == "2026-11-21");
    BOOST_TEST(out[0].new_discrepancies == Strings{"7000001"});
    BOOST_TEST(out[0].open_discrepancies == 1u);
    BOOST_TEST(d::has_news(out[0]));
    BOOST_TEST(out[1].new_discrepancies.empty());
    BOOST_TEST(!d::has_news(out[1]));
}

// A discrepancy that was already stored is open but not new; read-only offices are not told.
BOOST_AUTO_TEST_CASE(known_discrepancy_is_not_new) {
    rv::Classification c = doctor("7000001", rv::List::discrepancy, {kEoe});
    c.visible_to.push_back({kEm, false, rv::OfficeAction::none});
    const auto out =
        d::build_digests({stored("7000001", "discrepancy", {kEoe})}, {c}, kOffices, "2026-11-21");
    BOOST_TEST(out[0].new_discrepancies.empty());
    BOOST_TEST(out[0].open_discrepancies == 1u);
    BOOST_TEST(!d::has_news(out[0]));
    BOOST_TEST(out[1].open_discrepancies == 0u);
}

// A discrepancy that is now connected, or gone from the data, is resolved for the offices that
// saw it before.
BOOST_AUTO_TEST_CASE(resolved_goes_to_the_offices_that_saw_it) {
    const auto out = d::build_digests(
        {stored("7000001", "discrepancy", {kEm}), stored("7000002", "discrepancy", {kEoe, kEm})},
        {doctor("7000001", rv::List::connected, {kEoe})}, kOffices, "2026-11-21");
    BOOST_TEST(out[0].resolved == Strings{"7000002"});
    BOOST_TEST((out[1].resolved == Strings{"7000001", "7000002"}));
    BOOST_TEST(out[0].new_discrepancies.empty());
}

// "*" (every office) reaches every configured office; a DB no office has reaches nobody.
BOOST_AUTO_TEST_CASE(every_office_and_unknown_bodies) {
    const auto out = d::build_digests({},
                                      {doctor("7000001", rv::List::discrepancy, {"*"}),
                                       doctor("7000002", rv::List::discrepancy, {"1-1RUZUSF"})},
                                      kOffices, "2026-11-21");
    BOOST_TEST(out[0].new_discrepancies == Strings{"7000001"});
    BOOST_TEST(out[1].new_discrepancies == Strings{"7000001"});
}

// A failed request is reported to the office of its DB once per (request, state): again when it
// turns into a refusal, not while it stays failed.
BOOST_AUTO_TEST_CASE(failed_request_reported_once_per_state) {
    rv::Classification c = doctor("7000001", rv::List::discrepancy, {kEm});
    c.gmc_request = rv::GmcRequestStatus{rv::GmcRequestState::failed,
                                         rv::GmcRequestKind::add,
                                         kEoe,
                                         rv::Date(),
                                         std::nullopt,
                                         "req-1",
                                         "GMC Connect not reached"};
    auto out = d::build_digests({stored("7000001", "discrepancy", {kEm})}, {c}, kOffices, "d");
    BOOST_REQUIRE_EQUAL(out[0].failed_requests.size(), 1u);
    BOOST_TEST(out[0].failed_requests[0].gmc_number == "7000001");
    BOOST_TEST(out[0].failed_requests[0].action == "add");
    BOOST_TEST(out[0].failed_requests[0].state == "failed");
    BOOST_TEST(out[0].failed_requests[0].return_code == "");
    BOOST_TEST(out[1].failed_requests.empty());

    ClassificationSummary before = stored("7000001", "discrepancy", {kEm});
    before.request_client_id = "req-1";
    before.request_state = "failed";
    out = d::build_digests({before}, {c}, kOffices, "d");
    BOOST_TEST(out[0].failed_requests.empty());

    c.gmc_request->state = rv::GmcRequestState::refused;
    c.gmc_request->return_code = 90;
    out = d::build_digests({before}, {c}, kOffices, "d");
    BOOST_REQUIRE_EQUAL(out[0].failed_requests.size(), 1u);
    BOOST_TEST(out[0].failed_requests[0].return_code == "90");
}

// A doctor without a GMC number is counted, never listed by another identifier.
BOOST_AUTO_TEST_CASE(no_gmc_number_is_counted_not_listed) {
    rv::Classification c = doctor("P42", rv::List::discrepancy, {kEoe});
    c.gmc_number.reset();
    const auto out = d::build_digests({}, {c}, kOffices, "d");
    BOOST_TEST(out[0].new_discrepancies.empty());
    BOOST_TEST(out[0].without_gmc_number == 1u);
    BOOST_TEST(d::has_news(out[0]));
}

BOOST_AUTO_TEST_SUITE_END()
