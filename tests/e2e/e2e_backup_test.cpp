// End-to-end: the backup the README describes. A database with cases is dumped with pg_dump
// (custom format) while nothing stops, restored with pg_restore into a new database, and
// casegate carries on from the restored one: new mail becomes new cases with the next
// references, and a message received before the dump is still known (a copy of it is a
// duplicate, not a second case).
#include <filesystem>
#include <glob.h>

#include "tests/e2e/e2e_support.hpp"

using namespace casegate::e2e;

namespace {

// PostgreSQL's own tools, from the server's version directory (Debian keeps them there).
std::string pg_tool(const std::string& name) {
    glob_t g{};
    std::string found;
    if (glob(("/usr/lib/postgresql/*/bin/" + name).c_str(), 0, nullptr, &g) == 0 && g.gl_pathc > 0)
        found = g.gl_pathv[g.gl_pathc - 1];
    globfree(&g);
    BOOST_REQUIRE_MESSAGE(!found.empty(), name << " not found under /usr/lib/postgresql");
    return found;
}


}  // namespace

BOOST_AUTO_TEST_SUITE(e2e)

BOOST_FIXTURE_TEST_CASE(a_restored_dump_carries_on_ingesting, Fresh) {
    TestDb live;
    {
        TestConfig cfg(live);
        deliver("referrals", referral(71, "7071001"));
        deliver("referrals", referral(72, "7071002"));
        BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    }
    BOOST_REQUIRE(live.count("SELECT count(*) FROM cases") == 2);

    const std::string dump = std::filesystem::temp_directory_path() /
                             ("casegate-backup-" + std::to_string(getpid()) + ".dump");
    BOOST_REQUIRE_EQUAL(shell(pg_tool("pg_dump") + " -Fc -f " + shell_quoted(dump) + " -d " +
                              shell_quoted(live.conninfo())),
                        0);
    TestDb restored;
    BOOST_REQUIRE_EQUAL(shell(pg_tool("pg_restore") + " --no-owner --exit-on-error -d " +
                              shell_quoted(restored.conninfo()) + " " + shell_quoted(dump)),
                        0);
    std::filesystem::remove(dump);
    BOOST_TEST(restored.count("SELECT count(*) FROM cases") == 2);

    TestConfig cfg(restored);
    deliver("referrals", referral(73, "7071003"));
    deliver("referrals", referral(71, "7071001"));  // a copy of one received before the dump
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    auto r = restored.db().exec("SELECT reference FROM cases ORDER BY id");
    BOOST_REQUIRE_EQUAL(r.rows(), 3);
    BOOST_TEST(r.text(2, 0).ends_with("-000003"), r.text(2, 0));
    BOOST_TEST(restored.count("SELECT count(*) FROM inbound_items WHERE state = 'duplicate'") == 1);
    BOOST_TEST(live.count("SELECT count(*) FROM cases") == 2);  // the original is untouched
}

BOOST_AUTO_TEST_SUITE_END()
