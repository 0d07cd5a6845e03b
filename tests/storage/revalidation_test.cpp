// The revalidation repository against the real PostgreSQL: snapshots in and inputs out,
// connection history, classifications and their history, manual actions, GMC requests and
// their lease, COPY, and the time to load 100,000 doctors.
#include "storage/revalidation.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>

#include "revalidation/classify.hpp"
#include "storage/migrations.hpp"
#include "tests/support/harness.hpp"

using namespace casegate;
namespace rv = casegate::revalidation;

namespace {

struct Migrated {
    e2e::TestDb t;
    Migrated() { storage::migrate(t.db()); }
    storage::Db& db() { return t.db(); }
};

rv::Date day(const char* s) {
    return *rv::Date::parse(s);
}

rv::TisPerson person(const std::string& id, const std::string& gmc, const std::string& db,
                     const char* start = "2025-08-06", const char* end = "2029-08-05") {
    rv::TisPerson p;
    p.tis_person_id = id;
    p.gmc_number = gmc;
    p.forenames = "F" + id;
    p.surname = "S" + id;
    p.current_grade = "ST3";
    rv::ProgrammeMembership m;
    m.id = "PM-" + id;
    m.programme_name = "Cardiology";
    m.start_date = day(start);
    m.end_date = day(end);
    m.designated_body = db;
    p.programme_memberships.push_back(m);
    return p;
}

rv::GmcDoctor doctor(const std::string& gmc, const std::string& db, const char* added = nullptr) {
    rv::GmcDoctor d;
    d.gmc_number = gmc;
    d.designated_body = db;
    d.forenames = "G" + gmc;
    if (added) d.date_added = day(added);
    return d;
}

template <typename F>
void in_tx(storage::Db& db, F f) {
    storage::Transaction tx(db);
    f();
    tx.commit();
}

const rv::Date today = *rv::Date::parse("2026-03-01");

}  // namespace

BOOST_AUTO_TEST_SUITE(revalidation)

// A TIS snapshot reads back field for field, odd characters, junk numbers and missing dates
// included, in extract order.
BOOST_FIXTURE_TEST_CASE(tis_snapshot_round_trip, Migrated) {
    std::vector<rv::TisPerson> in{person("P2", "7000002", "1-1RSSQ05"),
                                  person("P1", "unknown", "")};
    in[0].forenames = "Tab\there, new\nline \\ back\\slash, Zoë";
    in[0].status = rv::PersonStatus::inactive;
    in[1].programme_memberships[0].type = rv::MembershipType::military;
    in[1].programme_memberships[0].end_date.reset();
    in[1].programme_memberships.push_back(in[1].programme_memberships[0]);
    in[1].programme_memberships[1].id = "second";
    in.push_back(person("P3", "", "1-1RUZUSF"));
    in[2].programme_memberships.clear();
    std::int64_t id = 0;
    in_tx(db(), [&] { id = storage::apply_tis_snapshot(db(), in, 2); });
    const auto snap = storage::applied_snapshot(db(), storage::feed_tis, "");
    BOOST_TEST_REQUIRE(snap.has_value());
    BOOST_TEST(snap->id == id);
    BOOST_TEST(snap->row_count == 3);
    BOOST_TEST(snap->error_count == 2);
    const rv::Inputs out = storage::load_inputs(db());
    BOOST_TEST_REQUIRE(out.tis.size() == 3u);
    BOOST_TEST(out.tis[0].tis_person_id == "P2");
    BOOST_TEST(out.tis[0].forenames == in[0].forenames);
    BOOST_TEST((out.tis[0].status == rv::PersonStatus::inactive));
    BOOST_TEST(out.tis[1].gmc_number == "unknown");
    BOOST_TEST_REQUIRE(out.tis[1].programme_memberships.size() == 2u);
    BOOST_TEST((out.tis[1].programme_memberships[0].type == rv::MembershipType::military));
    BOOST_TEST(!out.tis[1].programme_memberships[0].end_date.has_value());
    BOOST_TEST(out.tis[1].programme_memberships[1].id == "second");
    BOOST_TEST(out.tis[0].programme_memberships[0].start_date->to_string() == "2025-08-06");
    BOOST_TEST(out.tis[2].programme_memberships.empty());
}

// A new TIS snapshot replaces the old one entirely; repeated person ids are refused.
BOOST_FIXTURE_TEST_CASE(tis_snapshot_replaces, Migrated) {
    in_tx(db(), [&] {
        storage::apply_tis_snapshot(db(),
                                    {person("A", "7000001", "X"), person("B", "7000002", "X")}, 0);
    });
    in_tx(db(), [&] { storage::apply_tis_snapshot(db(), {person("C", "7000003", "Y")}, 0); });
    const rv::Inputs out = storage::load_inputs(db());
    BOOST_TEST_REQUIRE(out.tis.size() == 1u);
    BOOST_TEST(out.tis[0].tis_person_id == "C");
    BOOST_TEST(out.tis[0].programme_memberships.at(0).designated_body == "Y");
    BOOST_TEST(storage::applied_snapshot(db(), storage::feed_tis, "")->row_count == 1);
    BOOST_CHECK_THROW(
        storage::apply_tis_snapshot(db(), {person("D", "", "X"), person("D", "", "Y")}, 0),
        std::invalid_argument);
}

// GMC snapshots are per DB; re-applying one DB leaves the others alone and keeps connection
// history: a doctor who left gets an end date, a newcomer an open connection.
BOOST_FIXTURE_TEST_CASE(gmc_snapshots_and_history, Migrated) {
    in_tx(db(), [&] {
        storage::apply_gmc_snapshot(
            db(), "DB-A", {doctor("7000001", "DB-A", "2025-01-10"), doctor("7000002", "DB-A")},
            day("2026-01-01"));
        storage::apply_gmc_snapshot(db(), "DB-B", {doctor("7000009", "DB-B")}, day("2026-01-01"));
    });
    in_tx(db(), [&] {
        storage::apply_gmc_snapshot(db(), "DB-A",
                                    {doctor("7000002", "DB-A"), doctor("7000003", "DB-A")},
                                    day("2026-02-01"));
    });
    const rv::Inputs out = storage::load_inputs(db());
    BOOST_TEST_REQUIRE(out.gmc.size() == 3u);
    BOOST_TEST(out.gmc[0].gmc_number == "7000002");
    BOOST_TEST(out.gmc[1].gmc_number == "7000003");
    BOOST_TEST(out.gmc[2].designated_body == "DB-B");
    BOOST_TEST(t.count("SELECT count(*) FROM reval_gmc_doctors") == 3);
    auto h = db().exec(
        "SELECT gmc_number, designated_body, from_date::text, coalesce(to_date::text, '')"
        " FROM reval_connection_history ORDER BY gmc_number");
    BOOST_TEST_REQUIRE(h.rows() == 4);
    BOOST_TEST(h.text(0, 0) == "7000001");
    BOOST_TEST(h.text(0, 2) == "2025-01-10");  // from date added
    BOOST_TEST(h.text(0, 3) == "2026-02-01");  // gone in the second snapshot
    BOOST_TEST(h.text(1, 2) == "2026-01-01");  // no date added: the day first seen
    BOOST_TEST(h.text(1, 3) == "");
    BOOST_TEST(h.text(2, 0) == "7000003");
    BOOST_TEST(h.text(2, 2) == "2026-02-01");
    BOOST_TEST(out.history.size() == 4u);
    // Rows of another DB or without 7 digits are refused before anything is written.
    BOOST_CHECK_THROW(storage::apply_gmc_snapshot(db(), "DB-A", {doctor("7000001", "DB-B")}, today),
                      std::invalid_argument);
    BOOST_CHECK_THROW(storage::apply_gmc_snapshot(db(), "DB-A", {doctor("70001", "DB-A")}, today),
                      std::invalid_argument);
}

// A refused snapshot is recorded with its reason and changes nothing else.
BOOST_FIXTURE_TEST_CASE(refused_snapshot_recorded, Migrated) {
    in_tx(db(),
          [&] { storage::apply_gmc_snapshot(db(), "DB-A", {doctor("7000001", "DB-A")}, today); });
    storage::record_refused_snapshot(db(), storage::feed_gmc, "DB-A", 0, 0,
                                     "empty snapshot where the one in force has 1 rows");
    const auto applied = storage::applied_snapshot(db(), storage::feed_gmc, "DB-A");
    const auto latest = storage::latest_snapshot(db(), storage::feed_gmc, "DB-A");
    BOOST_TEST_REQUIRE((applied && latest));
    BOOST_TEST(applied->row_count == 1);
    BOOST_TEST(latest->state == "refused");
    BOOST_TEST(latest->reason.find("empty snapshot") != std::string::npos);
    BOOST_TEST(storage::load_inputs(db()).gmc.size() == 1u);
    BOOST_TEST(!storage::applied_snapshot(db(), storage::feed_gmc, "DB-B").has_value());
}

// Classifications: only changes are written; list or reason changes leave history rows with
// the reasons that appeared and went; a doctor who left is removed with a closing row.
BOOST_FIXTURE_TEST_CASE(classifications_and_history, Migrated) {
    in_tx(db(), [&] {
        storage::apply_tis_snapshot(
            db(), {person("P1", "7000001", "DB-A"), person("P2", "7000002", "DB-A")}, 0);
        storage::apply_gmc_snapshot(db(), "DB-A",
                                    {doctor("7000001", "DB-A"), doctor("7000009", "DB-A")}, today);
    });
    auto first = rv::classify(storage::load_inputs(db()), today);
    BOOST_TEST_REQUIRE(first.size() == 3u);
    storage::ClassificationChanges c;
    in_tx(db(), [&] { c = storage::store_classifications(db(), first, today); });
    BOOST_TEST(c.inserted == 3u);
    BOOST_TEST(c.history == 3u);
    in_tx(db(), [&] { c = storage::store_classifications(db(), first, today); });
    BOOST_TEST(c.unchanged == 3u);
    BOOST_TEST(c.updated + c.inserted + c.removed + c.history == 0u);
    auto r = db().exec(
        "SELECT list, reasons::text, visible_to->0->>'action' FROM reval_classifications WHERE "
        "doctor_key = '7000002'");
    BOOST_TEST(r.text(0, 0) == "discrepancy");
    BOOST_TEST(r.text(0, 1) == "{NOT_CONNECTED}");
    BOOST_TEST(r.text(0, 2) == "add");

    // 7000002 gets connected (now "connected"); 7000009 leaves GMC and TIS altogether.
    in_tx(db(), [&] {
        storage::apply_gmc_snapshot(db(), "DB-A",
                                    {doctor("7000001", "DB-A"), doctor("7000002", "DB-A")}, today);
    });
    auto second = rv::classify(storage::load_inputs(db()), today);
    in_tx(db(), [&] { c = storage::store_classifications(db(), second, today); });
    BOOST_TEST(c.updated == 1u);
    BOOST_TEST(c.removed == 1u);
    BOOST_TEST(c.unchanged == 1u);
    BOOST_TEST(c.history == 2u);
    auto h = db().exec(
        "SELECT coalesce(previous_list, ''), coalesce(list, ''), reasons_new::text, "
        "reasons_resolved::text"
        " FROM reval_classification_history WHERE doctor_key = '7000002' ORDER BY id");
    BOOST_TEST_REQUIRE(h.rows() == 2);
    BOOST_TEST(h.text(1, 0) == "discrepancy");
    BOOST_TEST(h.text(1, 1) == "connected");
    BOOST_TEST(h.text(1, 2) == "{}");
    BOOST_TEST(h.text(1, 3) == "{NOT_CONNECTED}");
    auto gone = db().exec(
        "SELECT list IS NULL, reasons_resolved::text FROM reval_classification_history"
        " WHERE doctor_key = '7000009' ORDER BY id DESC LIMIT 1");
    BOOST_TEST(gone.boolean(0, 0));
    BOOST_TEST(gone.text(0, 1) == "{NOT_IN_TIS}");
    BOOST_TEST(t.count("SELECT count(*) FROM reval_classifications") == 2);
}

// The digest's view of what is stored: discrepancies and doctors showing a GMC request, with the
// designated bodies that may edit them, and nothing else.
BOOST_FIXTURE_TEST_CASE(notable_classifications_read_back, Migrated) {
    in_tx(db(), [&] {
        storage::apply_tis_snapshot(
            db(), {person("P1", "7000001", "DB-A"), person("P2", "7000002", "DB-A")}, 0);
        storage::apply_gmc_snapshot(db(), "DB-A", {doctor("7000001", "DB-A")}, today);
    });
    rv::Inputs in = storage::load_inputs(db());
    rv::GmcRequest failed;
    failed.gmc_number = "7000001";
    failed.designated_body = "DB-B";
    failed.at = today;
    failed.client_request_id = "req-7";
    in.gmc_requests.push_back(failed);
    in_tx(db(), [&] { storage::store_classifications(db(), rv::classify(in, today), today); });
    const auto notable = storage::load_notable_classifications(db());
    BOOST_TEST_REQUIRE(notable.size() == 2u);
    BOOST_TEST(notable[0].key == "7000001");  // connected, but showing the failed request
    BOOST_TEST(notable[0].list == "connected");
    BOOST_TEST(notable[0].request_client_id == "req-7");
    BOOST_TEST(notable[0].request_state == "failed");
    BOOST_TEST(notable[1].key == "7000002");
    BOOST_TEST(notable[1].list == "discrepancy");
    BOOST_TEST(notable[1].gmc_number.value_or("") == "7000002");
    BOOST_TEST(notable[1].editable_bodies == std::vector<std::string>{"DB-A"});
    BOOST_TEST(notable[1].request_client_id.empty());
}

// Manual actions keep their context and are read back in order; a hide made on the current
// facts hides the doctor.
BOOST_FIXTURE_TEST_CASE(manual_actions_round_trip, Migrated) {
    in_tx(db(), [&] {
        storage::apply_tis_snapshot(db(), {person("P1", "7000001", "DB-A")}, 0);
        storage::apply_gmc_snapshot(db(), "DB-A", {}, today);
    });
    rv::ManualAction hide;
    hide.gmc_number = "7000001";
    hide.action = rv::ManualActionKind::hide;
    hide.designated_body = "DB-A";
    hide.by = "admin@a.nhs.uk";
    hide.at = day("2026-02-20");
    hide.reason = "on leave";
    hide.until = day("2026-12-31");
    hide.context = rv::HideContext{std::nullopt, {"DB-A"}};
    rv::ManualAction flag = hide;
    flag.action = rv::ManualActionKind::flag;
    flag.until.reset();
    flag.context.reset();
    flag.at = day("2026-02-10");
    storage::record_manual_action(db(), hide, R"({"list":"discrepancy"})");
    storage::record_manual_action(db(), flag);
    const rv::Inputs in = storage::load_inputs(db());
    BOOST_TEST_REQUIRE(in.actions.size() == 2u);
    BOOST_TEST((in.actions[0].action == rv::ManualActionKind::flag));  // earlier day first
    const rv::ManualAction& h = in.actions[1];
    BOOST_TEST(h.until->to_string() == "2026-12-31");
    BOOST_TEST_REQUIRE(h.context.has_value());
    BOOST_TEST(!h.context->gmc_designated_body.has_value());
    BOOST_TEST(h.context->tis_designated_bodies == std::vector<std::string>{"DB-A"});
    const auto cls = rv::classify(in, today);
    BOOST_TEST_REQUIRE(cls.size() == 1u);
    BOOST_TEST(cls[0].rule == 1);
    BOOST_TEST(cls[0].flagged);
}

// GMC requests: recorded pending with their manual action, leased once, failed with a back-off
// and shown as failed, then leased again and succeeded; client request ids are unique.
BOOST_FIXTURE_TEST_CASE(gmc_request_lifecycle, Migrated) {
    storage::NewGmcRequest q;
    q.action = rv::GmcRequestKind::add;
    q.gmc_number = "7000001";
    q.designated_body = "DB-A";
    q.reason_code = 1;
    q.requested_by = "admin@a.nhs.uk";
    q.client_request_id = "cid-1";
    q.effective_on = today;
    const std::int64_t id = storage::record_gmc_request(db(), q);
    BOOST_TEST(t.count("SELECT count(*) FROM reval_manual_actions WHERE action = 'add' AND "
                       "gmc_request_id IS NOT NULL") == 1);
    BOOST_CHECK_THROW(storage::record_gmc_request(db(), q), storage::DbError);

    auto leased = storage::lease_gmc_requests(db(), 10, 60);
    BOOST_TEST_REQUIRE(leased.size() == 1u);
    BOOST_TEST(leased[0].id == id);
    BOOST_TEST(leased[0].attempts == 1);
    BOOST_TEST(leased[0].client_request_id == "cid-1");
    BOOST_TEST(storage::lease_gmc_requests(db(), 10, 60).empty());  // held

    BOOST_TEST(storage::finish_gmc_request(
        db(), id, {rv::GmcOutcome::retryable, std::nullopt, "", "GMC Connect not reached"}, 60,
        3600));
    BOOST_TEST(t.count("SELECT count(*) FROM reval_gmc_requests WHERE state = 'failed' AND "
                       "next_attempt_at > now() + interval '50 seconds'") == 1);
    BOOST_TEST(storage::lease_gmc_requests(db(), 10, 60).empty());  // backing off
    auto in = storage::load_inputs(db());
    BOOST_TEST_REQUIRE(in.gmc_requests.size() == 1u);
    BOOST_TEST(!in.gmc_requests[0].return_code.has_value());
    BOOST_TEST(in.gmc_requests[0].error == "GMC Connect not reached");

    db().exec("UPDATE reval_gmc_requests SET next_attempt_at = now()");
    leased = storage::lease_gmc_requests(db(), 10, 60);
    BOOST_TEST_REQUIRE(leased.size() == 1u);
    BOOST_TEST(leased[0].attempts == 2);
    BOOST_TEST(
        storage::finish_gmc_request(db(), id, {rv::GmcOutcome::success, 0, "9001", "Success"}));
    BOOST_TEST(
        !storage::finish_gmc_request(db(), id, {rv::GmcOutcome::success, 0, "9001", "Success"}));
    auto r = db().exec(
        "SELECT state, return_code, gmc_request_id, finished_at IS NOT NULL FROM "
        "reval_gmc_requests");
    BOOST_TEST(r.text(0, 0) == "succeeded");
    BOOST_TEST(r.int64(0, 1) == 0);
    BOOST_TEST(r.text(0, 2) == "9001");
    BOOST_TEST(r.boolean(0, 3));

    // A refusal is final and carries the code.
    q.client_request_id = "cid-2";
    q.action = rv::GmcRequestKind::remove;
    const std::int64_t id2 = storage::record_gmc_request(db(), q);
    BOOST_TEST(storage::lease_gmc_requests(db(), 10, 60).size() == 1u);
    BOOST_TEST(storage::finish_gmc_request(db(), id2,
                                           {rv::GmcOutcome::refused, 140, "", "not associated"}));
    BOOST_TEST(storage::lease_gmc_requests(db(), 10, 60).empty());
    in = storage::load_inputs(db());
    BOOST_TEST_REQUIRE(in.gmc_requests.size() == 2u);
    BOOST_TEST(*in.gmc_requests[1].return_code == 140);
}

// An expired lease (a sender that died) is taken again.
BOOST_FIXTURE_TEST_CASE(expired_lease_retaken, Migrated) {
    storage::NewGmcRequest q;
    q.gmc_number = "7000001";
    q.designated_body = "DB-A";
    q.reason_code = 1;
    q.requested_by = "a";
    q.client_request_id = "cid-x";
    q.effective_on = today;
    storage::record_gmc_request(db(), q);
    BOOST_TEST(storage::lease_gmc_requests(db(), 1, 60).size() == 1u);
    db().exec("UPDATE reval_gmc_requests SET leased_until = now() - interval '1 second'");
    const auto again = storage::lease_gmc_requests(db(), 1, 60);
    BOOST_TEST_REQUIRE(again.size() == 1u);
    BOOST_TEST(again[0].attempts == 2);
}

// COPY rejects a bad row with a DbError and the connection is usable afterwards.
BOOST_FIXTURE_TEST_CASE(copy_error_reported, Migrated) {
    db().exec("CREATE TABLE c (a int, b text)");
    BOOST_TEST(db().copy_in("COPY c (a, b) FROM STDIN", "1\tx\n2\ty\\tz\n") == 2);
    BOOST_CHECK_THROW(db().copy_in("COPY c (a, b) FROM STDIN", "1\tx\nnot-a-number\ty\n"),
                      storage::DbError);
    BOOST_TEST(t.count("SELECT count(*) FROM c") == 2);
    BOOST_TEST(db().exec("SELECT b FROM c WHERE a = 2").text(0, 0) == "y\tz");
    BOOST_CHECK_THROW(db().copy_in("COPY no_such_table FROM STDIN", ""), storage::DbError);
    BOOST_TEST(t.count("SELECT 1") == 1);
}

// 100,000 doctors (TIS persons with a membership each, and GMC rows over four DBs) load in a
// few seconds, read back, and their classifications store.
BOOST_FIXTURE_TEST_CASE(load_100k_doctors, Migrated) {
    constexpr int n = 100000;
    const char* dbs[] = {"1-1RSSQ05", "1-1RSSPZ7", "1-1RUZUSF", "1-AIIDWA"};
    std::vector<rv::TisPerson> tis;
    std::vector<std::vector<rv::GmcDoctor>> gmc(4);
    tis.reserve(n);
    for (int i = 0; i < n; ++i) {
        const std::string number = std::to_string(7000000 + i);
        tis.push_back(person("P" + std::to_string(i), number, dbs[i % 4]));
        gmc[(i + (i % 7 == 0 ? 1 : 0)) % 4].push_back(
            doctor(number, dbs[(i + (i % 7 == 0 ? 1 : 0)) % 4], "2025-09-01"));
    }
    using clock = std::chrono::steady_clock;
    auto ms = [](clock::duration d) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    };
    const auto t0 = clock::now();
    in_tx(db(), [&] {
        storage::apply_tis_snapshot(db(), tis, 0);
        for (int k = 0; k < 4; ++k) storage::apply_gmc_snapshot(db(), dbs[k], gmc[k], today);
    });
    const auto t1 = clock::now();
    const rv::Inputs in = storage::load_inputs(db());
    const auto t2 = clock::now();
    const auto cls = rv::classify(in, today);
    const auto t3 = clock::now();
    storage::ClassificationChanges c;
    in_tx(db(), [&] { c = storage::store_classifications(db(), cls, today); });
    const auto t4 = clock::now();
    in_tx(db(), [&] { c = storage::store_classifications(db(), cls, today); });
    const auto t5 = clock::now();
    // A second night: the same data again (replaces every row, history unchanged).
    in_tx(db(), [&] {
        storage::apply_tis_snapshot(db(), tis, 0);
        for (int k = 0; k < 4; ++k) storage::apply_gmc_snapshot(db(), dbs[k], gmc[k], today);
    });
    const auto t6 = clock::now();
    BOOST_TEST_MESSAGE("100k doctors: apply snapshots "
                       << ms(t1 - t0) << " ms, load_inputs " << ms(t2 - t1) << " ms, classify "
                       << ms(t3 - t2) << " ms, store " << ms(t4 - t3) << " ms, store unchanged "
                       << ms(t5 - t4) << " ms, re-apply snapshots " << ms(t6 - t5) << " ms");
    BOOST_TEST(in.tis.size() == static_cast<std::size_t>(n));
    BOOST_TEST(in.gmc.size() == static_cast<std::size_t>(n));
    BOOST_TEST(in.history.size() == static_cast<std::size_t>(n));
    BOOST_TEST(cls.size() == static_cast<std::size_t>(n));
    BOOST_TEST(c.unchanged == static_cast<std::size_t>(n));
    BOOST_TEST(t.count("SELECT count(*) FROM reval_connection_history") == n);
    BOOST_TEST(
        t.count("SELECT count(*) FROM reval_classifications WHERE 'DB_MISMATCH' = ANY(reasons)") ==
        14286);
    BOOST_TEST(ms(t1 - t0) < 20000);  // "a few seconds" on a quiet machine; generous for CI
}

BOOST_AUTO_TEST_SUITE_END()
