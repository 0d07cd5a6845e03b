// The pipeline against the real PostgreSQL, when no parse worker can run: processing stops
// with the reason, the items stay waiting and no attempt is counted against them; once a
// worker can run they become cases.
#include <atomic>
#include <boost/test/unit_test.hpp>

#include "common/config.hpp"
#include "intake/pipeline.hpp"
#include "storage/inbound.hpp"
#include "storage/migrations.hpp"
#include "tests/support/harness.hpp"

using namespace casegate;

BOOST_AUTO_TEST_SUITE(pipeline)

BOOST_AUTO_TEST_CASE(no_worker_leaves_items_waiting_without_an_attempt) {
    e2e::TestDb db;
    storage::migrate(db.db());
    e2e::TestConfig file(db);
    const common::Config cfg = common::load_config(file.path());
    storage::NewInboundItem item;
    item.source = "referrals";
    item.source_kind = "imap";
    item.source_key = "1/1";
    item.raw = e2e::source_file("examples/demo/01_complete_text.eml");
    item.size = static_cast<std::int64_t>(item.raw.size());
    storage::store_inbound(db.db(), item);
    std::atomic<bool> stop{false};

    intake::Pipeline broken(cfg, db.db(), "/nonexistent/casegate");
    BOOST_CHECK_THROW(broken.process_due(stop), intake::ParserUnavailable);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'received' AND attempts = 0") == 1);

    intake::Pipeline working(cfg, db.db(), std::string(CASEGATE_BINARY_DIR) + "/daemon/casegate");
    const intake::ProcessStats stats = working.process_due(stop);
    BOOST_TEST(stats.cases == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
