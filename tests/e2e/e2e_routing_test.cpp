// End-to-end: a new case routed by the doctor's programme from the revalidation data.
#include "common/clock.hpp"
#include "revalidation/classify.hpp"
#include "storage/migrations.hpp"
#include "storage/revalidation.hpp"
#include "tests/e2e/e2e_support.hpp"

using namespace casegate::e2e;

namespace {

namespace rv = casegate::revalidation;

rv::Date local_date_today() { return *rv::Date::parse(casegate::common::local_today()); }

rv::TisPerson programme_person(const std::string& id, const std::string& gmc,
                               const std::string& body, const char* start, const char* end) {
    rv::TisPerson p;
    p.tis_person_id = id;
    p.gmc_number = gmc;
    p.forenames = "Test";
    p.surname = "Doctor";
    p.current_grade = "ST4";
    rv::ProgrammeMembership m;
    m.id = "PM-" + id;
    m.programme_name = "Paediatrics";
    m.start_date = rv::Date::parse(start);
    m.end_date = rv::Date::parse(end);
    m.designated_body = body;
    p.programme_memberships.push_back(m);
    return p;
}

// Revalidation data as the daemon's scheduled check leaves it, written through the storage
// repository: 7012301 in a current East Midlands programme and not connected (NOT_CONNECTED);
// 7012302 connected to East of England after its programme there ended (MEMBERSHIP_ENDED).
void seed_revalidation(TestDb& db) {
    casegate::storage::Db& d = db.db();
    casegate::storage::migrate(d);
    const rv::Date today = local_date_today();
    casegate::storage::Transaction tx(d);
    casegate::storage::apply_tis_snapshot(
        d,
        {programme_person("P301", "7012301", "1-1RSSPZ7", "2020-01-01", "2099-12-31"),
         programme_person("P302", "7012302", "1-1RSSQ05", "2010-01-01", "2015-01-01")},
        0);
    rv::GmcDoctor g;
    g.gmc_number = "7012302";
    g.designated_body = "1-1RSSQ05";
    casegate::storage::apply_gmc_snapshot(d, "1-1RSSQ05", {g}, today);
    casegate::storage::store_classifications(
        d, rv::classify(casegate::storage::load_inputs(d), today), today);
    tx.commit();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(e2e)

// A referral that names no local office goes to the office of the doctor's current programme
// (East Midlands, not the default East of England), and the doctor's list and reasons are
// recorded on the case for triage; the East Midlands admins get the alert.
BOOST_FIXTURE_TEST_CASE(referral_routed_by_doctors_programme, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    seed_revalidation(db);
    deliver("referrals", referral(41, "7012301"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);

    auto c = db.db().exec("SELECT id, local_office, designated_body FROM cases");
    BOOST_REQUIRE_EQUAL(c.rows(), 1);
    BOOST_TEST(c.text(0, 1) == "East Midlands");
    BOOST_TEST(c.text(0, 2) == "1-1RSSPZ7");
    auto a = db.db().exec(
        "SELECT details->>'list', details->'reasons'::text, details->>'routed_by',"
        " details->'current_tis_designated_bodies'::text, details->>'gmc_number'"
        " FROM case_actions WHERE kind = 'revalidation' AND case_id = " + c.text(0, 0));
    BOOST_REQUIRE_EQUAL(a.rows(), 1);
    BOOST_TEST(a.text(0, 0) == "discrepancy");
    BOOST_TEST(a.text(0, 1) == "[\"NOT_CONNECTED\"]");
    BOOST_TEST(a.text(0, 2) == "programme");
    BOOST_TEST(a.text(0, 3) == "[\"1-1RSSPZ7\"]");
    BOOST_TEST(a.text(0, 4) == "7012301");
    int to_em = 0, to_eoe = 0;
    for (const auto& m : sent_messages()) {
        if (has_header(m, "em-admin@casegate.test")) ++to_em;
        if (has_header(m, "eoe-admin@casegate.test")) ++to_eoe;
    }
    BOOST_TEST(to_em == 1);
    BOOST_TEST(to_eoe == 0);
}

// A doctor with no current programme goes to the default office, with the discrepancy
// (MEMBERSHIP_ENDED) recorded; a doctor casegate holds no revalidation data on is routed as
// before and gets no revalidation action.
BOOST_FIXTURE_TEST_CASE(referral_without_programme_or_data_goes_to_default, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    seed_revalidation(db);
    deliver("referrals", referral(42, "7012302"));
    deliver("referrals", referral(43, "7012399"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);

    auto ended = db.db().exec(
        "SELECT c.local_office, a.details->>'list', a.details->'reasons'::text,"
        " a.details->>'routed_by', a.details->>'gmc_designated_body'"
        " FROM cases c JOIN case_actions a ON a.case_id = c.id AND a.kind = 'revalidation'"
        " WHERE c.gmc_number = '7012302'");
    BOOST_REQUIRE_EQUAL(ended.rows(), 1);
    BOOST_TEST(ended.text(0, 0) == "East of England");
    BOOST_TEST(ended.text(0, 1) == "discrepancy");
    BOOST_TEST(ended.text(0, 2) == "[\"MEMBERSHIP_ENDED\"]");
    BOOST_TEST(ended.text(0, 3) == "default");
    BOOST_TEST(ended.text(0, 4) == "1-1RSSQ05");

    auto unknown = db.db().exec("SELECT id, local_office FROM cases WHERE gmc_number = '7012399'");
    BOOST_REQUIRE_EQUAL(unknown.rows(), 1);
    BOOST_TEST(unknown.text(0, 1) == "East of England");
    BOOST_TEST(db.count("SELECT count(*) FROM case_actions WHERE case_id = " +
                        unknown.text(0, 0) + " AND kind = 'revalidation'") == 0);
    BOOST_TEST(db.count("SELECT count(*) FROM case_actions WHERE case_id = " +
                        unknown.text(0, 0) + " AND kind = 'created'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
