// What several processes sharing one database coordinate through it: mailbox locks and
// scheduled runs, against the real PostgreSQL.
#include <boost/test/unit_test.hpp>
#include <chrono>

#include "storage/coordination.hpp"
#include "storage/migrations.hpp"
#include "tests/support/harness.hpp"

using namespace casegate;

namespace {
struct Migrated {
    e2e::TestDb t;
    Migrated() { storage::migrate(t.db()); }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(coordination)

// A scheduled job runs once per interval whichever of several sessions asks; a failed run is
// due again sooner; force (casegate run --once) runs it whatever the schedule.
BOOST_FIXTURE_TEST_CASE(a_schedule_is_claimed_once_per_interval, Migrated) {
    storage::Db other(t.conninfo());
    BOOST_TEST(storage::claim_schedule(t.db(), "revalidation", 3600));  // seeded as due
    BOOST_TEST(!storage::claim_schedule(other, "revalidation", 3600));
    BOOST_TEST(!storage::claim_schedule(t.db(), "revalidation", 3600));
    BOOST_TEST(t.count("SELECT runs FROM schedules WHERE name = 'revalidation'") == 1);
    storage::schedule_failed(t.db(), "revalidation", "feed down", 300);
    BOOST_TEST(t.count("SELECT count(*) FROM schedules WHERE name = 'revalidation'"
                       " AND next_run_at <= now() + interval '300 s' AND last_error = 'feed down'") == 1);
    t.db().exec("UPDATE schedules SET next_run_at = now() WHERE name = 'revalidation'");
    BOOST_TEST(storage::claim_schedule(other, "revalidation", 3600));
    BOOST_TEST(!storage::claim_schedule(t.db(), "revalidation", 3600));
    storage::schedule_succeeded(other, "revalidation");
    BOOST_TEST(t.count("SELECT count(*) FROM schedules WHERE last_success_at IS NOT NULL"
                       " AND next_run_at > now() + interval '3500 s'") == 1);
    BOOST_TEST(storage::claim_schedule(t.db(), "revalidation", 3600, true));
    BOOST_TEST(t.count("SELECT runs FROM schedules WHERE name = 'revalidation'") == 3);
    // A job without a row is due, once.
    BOOST_TEST(storage::claim_schedule(t.db(), "other-job", 60));
    BOOST_TEST(!storage::claim_schedule(other, "other-job", 60));
}

// One session at a time holds a mailbox's lock; it is free again when released or when the
// session ends.
BOOST_FIXTURE_TEST_CASE(a_mailbox_is_locked_by_one_session, Migrated) {
    storage::Db a(t.conninfo());
    storage::Db b(t.conninfo());
    BOOST_TEST(storage::try_lock_mailbox(a, "referrals"));
    BOOST_TEST(!storage::try_lock_mailbox(b, "referrals"));
    BOOST_TEST(storage::try_lock_mailbox(b, "other"));
    storage::unlock_mailbox(a, "referrals");
    BOOST_TEST(storage::try_lock_mailbox(b, "referrals"));
    BOOST_TEST(!storage::try_lock_mailbox(a, "referrals"));
    b.disconnect();
    BOOST_TEST(e2e::eventually([&] { return storage::try_lock_mailbox(a, "referrals"); },
                          std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_SUITE_END()
