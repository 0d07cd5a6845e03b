// The pipeline against the real PostgreSQL: when no parse worker can run, processing stops
// with the reason, the items stay waiting and no attempt is counted against them; once a
// worker can run they become cases. Items are processed in groups: one that fails mid-group
// is rolled back alone and recorded with its reason, and the others' cases stand.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "intake/item_processor.hpp"
#include "intake/pipeline.hpp"
#include "storage/inbound.hpp"
#include "storage/migrations.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/tools.hpp"

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

namespace {

std::string text_referral(int n, const std::string& gmc) {
    const std::string i = std::to_string(n);
    return "From: Supervisor " + i + " <sup" + i + "@trust.example.nhs.uk>\r\n"
           "To: referrals@casegate.test\r\nSubject: Referral " + i +
           "\r\nMessage-ID: <group-" + i + "@trust.example.nhs.uk>\r\n"
           "Date: Thu, 19 Nov 2026 09:00:00 +0000\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           "Doctor's full name: Test Doctor\r\nGMC number: " + gmc +
           "\r\nYour name: Sam Supervisor\r\nYour role: Educational Supervisor\r\n"
           "Route: Professional\r\nType of concern: Conduct\r\n"
           "Details of the concern: Something happened.\r\n"
           "I accept the terms and conditions: yes\r\n";
}

}  // namespace

// Five referrals in one group; the third makes a statement fail (a trigger refuses its case).
// The other four become cases, with their notifications, committed in one transaction; the
// third is rolled back alone, left without case, submission or notification, and its failed
// attempt is recorded with the database's reason, to be retried (and, at max_attempts,
// quarantined).
BOOST_AUTO_TEST_CASE(poisoned_item_mid_group_fails_alone_and_is_recorded) {
    e2e::TestDb db;
    storage::migrate(db.db());
    e2e::TestConfig file(db);
    const common::Config cfg = common::load_config(file.path());
    db.db().exec(
        "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF NEW.gmc_number = '7000003' THEN RAISE EXCEPTION 'poisoned case refused'; END IF;"
        " RETURN NEW; END $$");
    db.db().exec("CREATE TRIGGER poison BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION poison()");
    std::int64_t poisoned = 0;
    {
        std::vector<storage::NewInboundItem> items;
        for (int n = 1; n <= 5; ++n) {
            storage::NewInboundItem item;
            item.source = "referrals";
            item.source_kind = "imap";
            item.source_key = "1/" + std::to_string(n);
            item.raw = text_referral(n, std::to_string(7000000 + n));
            item.size = static_cast<std::int64_t>(item.raw.size());
            items.push_back(item);
        }
        const auto stored = storage::store_inbound_group(db.db(), items);
        BOOST_REQUIRE_EQUAL(stored.size(), 5u);
        poisoned = stored[2].id;
    }
    std::atomic<bool> stop{false};
    intake::Pipeline pipeline(cfg, db.db(), std::string(CASEGATE_BINARY_DIR) + "/daemon/casegate");
    const intake::ProcessStats stats = pipeline.process_due(stop);
    BOOST_TEST(stats.cases == 4);
    BOOST_TEST(stats.retry_later == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 4);
    BOOST_TEST(db.count("SELECT count(*) FROM cases WHERE gmc_number = '7000003'") == 0);
    // One transaction for the group: every case has the same now(), its start time.
    BOOST_TEST(db.count("SELECT count(DISTINCT created_at) FROM cases") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM outbox") == 8);  // acknowledgement + alert each
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'processed'") == 4);
    const std::string id = std::to_string(poisoned);
    BOOST_TEST(db.count("SELECT count(*) FROM submissions WHERE inbound_item_id = " + id) == 0);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE id = " + id +
                        " AND state = 'received' AND attempts = 1"
                        " AND reason LIKE 'processing error: %poisoned case refused%'") == 1);

    // It keeps failing on its own: at max_attempts it is quarantined with the reason.
    for (int attempt = 2; attempt <= cfg.limits.max_attempts; ++attempt) {
        db.db().exec("UPDATE inbound_items SET next_attempt_at = now() WHERE id = " + id);
        pipeline.process_due(stop);
    }
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE id = " + id +
                        " AND state = 'quarantined' AND reason LIKE '%poisoned case refused%'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 4);
}

// The blank form sent with an incomplete-form reply offers the region's employers as they are
// now: after the list file is rewritten, the next form offers the new list, not the one read
// when the process started.
BOOST_AUTO_TEST_CASE(blank_form_offers_the_employers_list_as_rewritten) {
    e2e::TestDb db;
    test_tools::TempDir dir;
    const std::string list = dir.file("employers.csv");
    std::ofstream(list) << "\"RAA\",\"ALPHA VALLEY NHS TRUST\"\n";
    e2e::ConfigOptions opt;
    opt.employers_file = list;
    e2e::TestConfig file(db, opt);
    const common::Config cfg = common::load_config(file.path());

    const std::string first = intake::ItemProcessor::blank_form_pdf(cfg);
    BOOST_TEST(first.find("ALPHA VALLEY NHS TRUST") != std::string::npos);

    std::ofstream(list) << "\"RBB\",\"BETA COAST NHS TRUST\"\n";
    std::filesystem::last_write_time(
        list, std::filesystem::last_write_time(list) + std::chrono::seconds(2));
    const std::string second = intake::ItemProcessor::blank_form_pdf(cfg);
    BOOST_TEST(second.find("BETA COAST NHS TRUST") != std::string::npos);
    BOOST_TEST(second.find("ALPHA VALLEY NHS TRUST") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
