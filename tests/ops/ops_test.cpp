// The operator's commands against the real PostgreSQL, with items processed by the real
// pipeline: `items list|show|retry|release` (who may, what is shown, what is audited, and that
// a released duplicate really is processed as a message of its own), `outbox list|resend`, and
// `status` (sources' last polls, counts).
#include <atomic>
#include <boost/test/unit_test.hpp>

#include "intake/pipeline.hpp"
#include "ops/ops.hpp"
#include "storage/inbound.hpp"
#include "storage/operations.hpp"
#include "tests/cases/fixture.hpp"

using namespace casegate;
using namespace casegate::cases_test;
using nlohmann::json;

namespace {

std::string referral_email(const std::string& message_id) {
    return "From: Sam Supervisor <sam@trust.example.nhs.uk>\r\nTo: referrals@casegate.test\r\n"
           "Subject: Referral\r\nMessage-ID: <" + message_id + ">\r\n"
           "Date: Thu, 19 Nov 2026 09:00:00 +0000\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           "Doctor's full name: Test Doctor\r\nGMC number: 7111111\r\nYour name: Sam Supervisor\r\n"
           "Your role: Educational Supervisor\r\nRoute: Professional\r\nType of concern: Conduct\r\n"
           "Details of the concern: Something happened.\r\n"
           "I accept the terms and conditions: yes\r\n";
}

struct Ops : Fixture {
    using Main = int (*)(const std::vector<std::string>&, std::ostream&, std::ostream&);

    Run run(Main main, std::vector<std::string> args, const std::string& as = kAda) {
        if (!as.empty()) {
            args.push_back("--as");
            args.push_back(as);
        }
        args.push_back("--config");
        args.push_back(config_path);
        std::ostringstream out, err;
        const int rc = main(args, out, err);
        return {rc, out.str(), err.str()};
    }
    Run items(std::vector<std::string> args, const std::string& as = kAda) {
        return run(ops::items_main, std::move(args), as);
    }
    Run outbox(std::vector<std::string> args, const std::string& as = kAda) {
        return run(ops::outbox_main, std::move(args), as);
    }

    void store(const std::string& key, const std::string& raw,
               const std::optional<std::string>& quarantine = std::nullopt) {
        storage::NewInboundItem item;
        item.source = "referrals";
        item.source_kind = "imap";
        item.source_key = key;
        item.raw = raw;
        item.size = static_cast<std::int64_t>(raw.size());
        item.quarantine_reason = quarantine;
        storage::store_inbound(db(), item);
    }

    void process() {
        std::atomic<bool> stop{false};
        intake::Pipeline p(cfg, db(), std::string(CASEGATE_BINARY_DIR) + "/daemon/casegate");
        p.process_due(stop);
    }

    std::int64_t id_in(const std::string& state) {
        return count("SELECT coalesce(min(id), 0) FROM inbound_items WHERE state = '" + state + "'");
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_cli)

BOOST_FIXTURE_TEST_CASE(items_are_listed_shown_retried_and_released_by_admins_only, Ops) {
    const std::string referral = referral_email("ops-1@trust.example.nhs.uk");
    store("1/1", referral);
    store("1/2", referral);  // the same message again: a duplicate
    store("1/3", "From: someone@example.org\r\nSubject: hello\r\n\r\nJust saying hello.\r\n");
    store("1/4", "From: x@example.org\r\n\r\n",
          "message size 99999999 exceeds limit max_message_bytes=26214400");
    process();
    BOOST_REQUIRE(count("SELECT count(*) FROM cases") == 1);
    const std::int64_t duplicate = id_in("duplicate");
    const std::int64_t set_aside = id_in("set_aside");
    const std::int64_t quarantined = id_in("quarantined");
    BOOST_REQUIRE(duplicate > 0 && set_aside > 0 && quarantined > 0);

    Run r = items({"list"});
    BOOST_TEST(r.rc == 0, r.err);
    BOOST_TEST(r.out.find("exceeds limit max_message_bytes=26214400") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("duplicate of inbound item") != std::string::npos, r.out);
    const json listed = json::parse(items({"list", "--json"}).out);
    BOOST_TEST(listed.size() == 3U);
    const json only = json::parse(items({"list", "--state", "duplicate", "--json"}).out);
    BOOST_REQUIRE(only.size() == 1U);
    BOOST_TEST(only[0]["id"] == duplicate);
    BOOST_TEST(only[0]["duplicate_of"].is_number());

    // Only the default office's admins: not another office's admin, not a case manager, not
    // without --as; bad words are usage errors before the database.
    r = items({"list"}, kEmma);
    BOOST_TEST(r.rc == 1);
    BOOST_TEST(r.err.find("is not an admin of the default office (East of England)") !=
               std::string::npos, r.err);
    BOOST_TEST(items({"show", std::to_string(duplicate)}, kCal).rc == 1);
    BOOST_TEST(items({"list"}, "").err.find("--as EMAIL is needed") != std::string::npos);
    BOOST_TEST(items({"show", "x1"}).rc == 2);
    BOOST_TEST(items({"frobnicate"}).rc == 2);
    BOOST_TEST(items({"list", "--state", "processed"}).rc == 2);

    r = items({"show", std::to_string(quarantined)});
    BOOST_TEST(r.rc == 0);
    BOOST_TEST(r.out.find("state          quarantined") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("casegate items retry " + std::to_string(quarantined)) != std::string::npos);
    BOOST_TEST(items({"show", std::to_string(set_aside), "--raw"}).out.find("Just saying hello.") !=
               std::string::npos);
    BOOST_TEST(items({"show", "999999"}).rc == 1);

    // Retry is for set-aside and quarantined items; release for duplicates.
    BOOST_TEST(items({"retry", std::to_string(duplicate)}).rc == 1);
    BOOST_TEST(items({"release", std::to_string(set_aside)}).rc == 1);
    BOOST_TEST(items({"retry", std::to_string(set_aside)}).rc == 0);
    r = items({"release", std::to_string(duplicate)});
    BOOST_TEST(r.rc == 0, r.err);
    BOOST_TEST(count("SELECT count(*) FROM inbound_items WHERE state = 'received'") == 2);
    BOOST_TEST(count("SELECT count(*) FROM inbound_items WHERE id = " + std::to_string(duplicate) +
                     " AND lower(released_by) = '" + kAda + "'") == 1);

    // Processed again: the released copy gets past the duplicate check and, repeating the open
    // case, is recorded on it; the set-aside item is set aside again, for the same reason.
    process();
    BOOST_TEST(count("SELECT count(*) FROM inbound_items WHERE state = 'duplicate'") == 0);
    BOOST_TEST(count("SELECT count(*) FROM case_actions WHERE kind = 'possible_duplicate'") == 1);
    BOOST_TEST(count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(count("SELECT count(*) FROM inbound_items WHERE state = 'set_aside'") == 1);

    for (const char* action : {"items.listed", "items.viewed", "items.raw_viewed", "items.released",
                               "review.rerun"}) {
        // The member as configured (Ada.Admin@…), whatever the case of --as.
        BOOST_TEST(count(std::string("SELECT count(*) FROM audit_log WHERE actor = '") + "Ada.Admin@casegate.test" +
                         "' AND action = '" + action + "'") >= 1,
                   action);
    }
}

BOOST_FIXTURE_TEST_CASE(failed_notifications_are_listed_and_sent_again, Ops) {
    store("2/1", referral_email("ops-2@trust.example.nhs.uk"));
    process();
    const std::int64_t failed = count("SELECT min(id) FROM outbox");
    db().exec("UPDATE outbox SET state = 'failed', attempts = 7, last_error = '550 5.1.1 no such "
              "user' WHERE id = $1",
              {failed});
    Run r = outbox({"list", "--state", "failed"});
    BOOST_TEST(r.rc == 0, r.err);
    BOOST_TEST(r.out.find("attempt 7: 550 5.1.1 no such user") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("CG-") != std::string::npos, r.out);  // the case it is about
    const json all = json::parse(outbox({"list", "--json"}).out);
    BOOST_TEST(all.size() == 2U);  // the acknowledgement and the office alert
    BOOST_TEST(all[0]["recipients"].is_array());

    BOOST_TEST(outbox({"resend", std::to_string(failed)}, kCal).rc == 1);
    r = outbox({"resend", std::to_string(failed)});
    BOOST_TEST(r.rc == 0, r.err);
    BOOST_TEST(count("SELECT count(*) FROM outbox WHERE id = " + std::to_string(failed) +
                     " AND state = 'pending' AND attempts = 0") == 1);
    BOOST_TEST(outbox({"resend", std::to_string(failed)}).rc == 1);  // not failed any more
    BOOST_TEST(outbox({"list", "--state", "lost"}).rc == 2);
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action = 'outbox.resent' "
                     "AND actor = 'Ada.Admin@casegate.test'") == 1);
}

BOOST_FIXTURE_TEST_CASE(status_shows_polls_backlogs_and_the_outbox, Ops) {
    store("3/1", referral_email("ops-3@trust.example.nhs.uk"));
    storage::record_poll(db(), "referrals", "", 1);
    storage::record_poll(db(), "referrals", "IMAP login refused", 0);
    std::ostringstream out, err;
    BOOST_TEST(ops::status_main({"--json", "--config", config_path}, out, err) == 0, err.str());
    const json s = json::parse(out.str());
    BOOST_TEST(s["items"]["backlog"] == 1);
    BOOST_TEST(s["outbox"]["pending"] == 0);
    process();
    std::ostringstream text, err2;
    BOOST_TEST(ops::status_main({"--config", config_path}, text, err2) == 0, err2.str());
    BOOST_TEST(text.str().find("items:    0 waiting") != std::string::npos, text.str());
    BOOST_TEST(text.str().find("cases:    1 open, 1 created today") != std::string::npos, text.str());
    BOOST_TEST(text.str().find("outbox:   2 pending") != std::string::npos, text.str());
    // The fixture configures no mailbox, so only the database's rows are read for sources.
    const storage::StatusFigures f = storage::status_figures(db());
    BOOST_REQUIRE(f.polls.size() == 1U);
    BOOST_TEST(f.polls[0].last_error == "IMAP login refused");
    BOOST_TEST(f.polls[0].stored_total == 1);
    BOOST_TEST(f.polls[0].seconds_since_success >= 0);
    BOOST_TEST(ops::status_main({"--as", kAda}, out, err) == 2);
}

// The database away: each command says so and exits 3, nothing half done.
BOOST_FIXTURE_TEST_CASE(the_database_away_is_exit_3_with_the_reason, Ops) {
    std::string text = test_tools::read_file(config_path);
    const std::size_t at = text.find("dbname=");
    BOOST_REQUIRE(at != std::string::npos);
    text.insert(at, "connect_timeout=2 port=1 ");
    test_tools::write_file(config_path, text);
    std::ostringstream out, err;
    BOOST_TEST(ops::status_main({"--config", config_path}, out, err) == 3);
    BOOST_TEST(err.str().find("casegate status: database:") == 0U, err.str());
    BOOST_TEST(items({"list"}).rc == 3);
    BOOST_TEST(outbox({"resend", "1"}).rc == 3);
}

BOOST_AUTO_TEST_SUITE_END()
