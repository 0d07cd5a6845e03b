// Migrations, inbound items, references and the outbox against the real PostgreSQL.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <regex>
#include <thread>

#include "storage/cases.hpp"
#include "storage/inbound.hpp"
#include "storage/migrations.hpp"
#include "storage/outbox.hpp"
#include "tests/support/harness.hpp"

using namespace casegate;

namespace {
struct Migrated {
    e2e::TestDb t;
    Migrated() { storage::migrate(t.db()); }
};

storage::NewInboundItem item(const std::string& key, const std::string& raw) {
    storage::NewInboundItem i;
    i.source = "referrals";
    i.source_kind = "imap";
    i.source_key = key;
    i.raw = raw;
    i.size = static_cast<std::int64_t>(raw.size());
    return i;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(repositories)

// Migrating twice applies each step once and records the version.
BOOST_FIXTURE_TEST_CASE(migrate_is_idempotent, Migrated) {
    BOOST_TEST(storage::migrate(t.db()) == 0);
    BOOST_TEST(storage::schema_version(t.db()) == storage::migrations().back().version);
}

// Storing the same (source, key) twice stores once and returns the first id.
BOOST_FIXTURE_TEST_CASE(store_inbound_is_idempotent, Migrated) {
    const auto a = storage::store_inbound(t.db(), item("1/7", "raw"));
    const auto b = storage::store_inbound(t.db(), item("1/7", "raw again"));
    BOOST_TEST(a.inserted);
    BOOST_TEST(!b.inserted);
    BOOST_TEST(a.id == b.id);
    BOOST_TEST(t.count("SELECT count(*) FROM inbound_items") == 1);
    const auto keys = storage::stored_keys(t.db(), "referrals", {"1/7", "1/8"});
    BOOST_TEST(keys.size() == 1u);
    BOOST_TEST(keys.count("1/7") == 1u);
}

// Stored mail is compressed with LZ4 (several times faster than pglz, which cost more than
// anything else in storing a message with a PDF), and reads back byte for byte.
BOOST_FIXTURE_TEST_CASE(stored_mail_is_compressed_with_lz4, Migrated) {
    std::string raw = "Content-Transfer-Encoding: base64\r\n\r\n";
    for (int i = 0; raw.size() < 40000; ++i) raw += "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+Pgpz" + std::to_string(i) + "\r\n";
    const auto id = storage::store_inbound(t.db(), item("1/9", raw)).id;
    const auto r = t.db().exec(
        "SELECT pg_column_compression(raw), pg_column_size(raw) < length(raw) FROM inbound_items"
        " WHERE id = $1",
        {id});
    BOOST_TEST(r.text(0, 0) == "lz4");
    BOOST_TEST(r.boolean(0, 1));
    BOOST_TEST(storage::load_inbound(t.db(), id, false)->raw == raw);
}

// Every foreign key is served by an index on its columns (whole, or of the rows where the
// column is set): deleting or purging a referenced row, and reading a case's or submission's
// rows (the console's audit, the purge of a case's mail), then look rows up instead of reading
// the whole table.
BOOST_FIXTURE_TEST_CASE(every_foreign_key_has_an_index, Migrated) {
    const auto r = t.db().exec(
        "SELECT c.conrelid::regclass::text || '.' || c.conname FROM pg_constraint c"
        " WHERE c.contype = 'f' AND NOT EXISTS ("
        "  SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid"
        "   AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey"
        "   AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey"
        "   AND (i.indpred IS NULL OR (cardinality(c.conkey) = 1"
        "    AND pg_get_expr(i.indpred, i.indrelid) = '(' || (SELECT quote_ident(a.attname)"
        "     FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = c.conkey[1])"
        "     || ' IS NOT NULL)')))"
        " ORDER BY 1");
    std::string missing;
    for (int i = 0; i < r.rows(); ++i) missing += " " + r.text(i, 0);
    BOOST_TEST(missing.empty(), "foreign keys without an index:" << missing);
}

// An item known to be oversized is stored straight into quarantine with its reason.
BOOST_FIXTURE_TEST_CASE(oversized_item_is_stored_quarantined, Migrated) {
    auto i = item("1/9", "Subject: big\r\n");
    i.truncated = true;
    i.quarantine_reason = "message size 99 exceeds limit max_message_bytes=10";
    storage::store_inbound(t.db(), i);
    BOOST_TEST(t.count("SELECT count(*) FROM inbound_items WHERE state = 'quarantined' AND truncated") == 1);
    BOOST_TEST(storage::claim_due_inbound(t.db(), 10, 1 << 20, 60).empty());
}

// Failed attempts back off and end in quarantine after the configured count.
BOOST_FIXTURE_TEST_CASE(failed_attempts_end_in_quarantine, Migrated) {
    const auto id = storage::store_inbound(t.db(), item("1/10", "x")).id;
    BOOST_REQUIRE_EQUAL(storage::claim_due_inbound(t.db(), 10, 1 << 20, 60).size(), 1u);
    BOOST_TEST((storage::record_failed_attempt(t.db(), id, "parser crashed (signal 11)", 2) ==
               storage::FailedAttempt::retry_later));
    BOOST_TEST(storage::claim_due_inbound(t.db(), 10, 1 << 20, 60).empty());  // backing off
    BOOST_TEST(t.count("SELECT count(*) FROM inbound_items WHERE claimed_by IS NULL") == 1);
    t.db().exec("UPDATE inbound_items SET next_attempt_at = now() WHERE id = $1", {id});
    BOOST_REQUIRE_EQUAL(storage::claim_due_inbound(t.db(), 10, 1 << 20, 60).size(), 1u);
    BOOST_TEST((storage::record_failed_attempt(t.db(), id, "parser crashed (signal 11)", 2) ==
               storage::FailedAttempt::quarantined));
    auto r = t.db().exec("SELECT state, reason, attempts FROM inbound_items WHERE id = $1", {id});
    BOOST_TEST(r.text(0, 0) == "quarantined");
    BOOST_TEST(r.text(0, 1) == "parser crashed (signal 11)");
    BOOST_TEST(r.int64(0, 2) == 2);
}

// Due items come with their bytes, oldest first, up to the count and then up to the byte
// budget (the first always); finished items are not due.
BOOST_FIXTURE_TEST_CASE(due_items_are_loaded_in_bounded_batches, Migrated) {
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 4; ++i) {
        ids.push_back(storage::store_inbound(t.db(), item("1/" + std::to_string(i),
                                                          std::string(100, static_cast<char>('a' + i))))
                          .id);
    }
    storage::finish_inbound(t.db(), ids[0], "processed", "complete", "", "", "");
    const auto claim = [&](int limit, std::int64_t bytes) {
        auto due = storage::claim_due_inbound(t.db(), limit, bytes, 60);
        std::vector<std::int64_t> got;
        for (const auto& r : due) got.push_back(r.id);
        storage::release_claims(t.db(), got);
        return due;
    };
    auto due = claim(10, 150);
    BOOST_REQUIRE_EQUAL(due.size(), 2u);
    BOOST_TEST(due[0].id == ids[1]);
    BOOST_TEST(due[0].raw == std::string(100, 'b'));
    BOOST_TEST(due[1].id == ids[2]);
    BOOST_TEST(claim(2, 1 << 20).size() == 2u);
    BOOST_TEST(claim(10, 1).size() == 1u);  // one item over budget still comes
    BOOST_TEST(claim(10, 1 << 20).size() == 3u);
    // Items to skip are left out, and the batch goes on after them.
    due = storage::claim_due_inbound(t.db(), 1, 1 << 20, 60, {ids[1]});
    BOOST_REQUIRE_EQUAL(due.size(), 1u);
    BOOST_TEST(due[0].id == ids[2]);
}

// A claimed item is left alone by every other session until the claim ends: finished, given
// up, its lease run out, or its session gone (a process killed: its connection closes).
BOOST_FIXTURE_TEST_CASE(a_claim_keeps_an_item_to_one_session, Migrated) {
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 4; ++i) {
        ids.push_back(storage::store_inbound(t.db(), item("2/" + std::to_string(i), "m" + std::to_string(i))).id);
    }
    storage::Db other(t.conninfo());
    const auto mine = storage::claim_due_inbound(t.db(), 2, 1 << 20, 60);
    BOOST_REQUIRE_EQUAL(mine.size(), 2u);
    const auto theirs = storage::claim_due_inbound(other, 10, 1 << 20, 60);
    BOOST_REQUIRE_EQUAL(theirs.size(), 2u);
    BOOST_TEST(theirs[0].id == ids[2]);
    BOOST_TEST(storage::claim_due_inbound(other, 10, 1 << 20, 60).empty());

    // Only the claimant's failed attempt counts.
    BOOST_TEST((storage::record_failed_attempt(other, ids[0], "crash", 1) ==
               storage::FailedAttempt::not_claimed));
    BOOST_TEST(t.count("SELECT attempts FROM inbound_items WHERE id = " + std::to_string(ids[0])) == 0);
    BOOST_TEST(t.count("SELECT count(*) FROM inbound_items WHERE state = 'received'") == 4);

    // Renewed only by the claimant.
    BOOST_TEST(storage::renew_claims(other, {ids[0], ids[2]}, 600) == std::vector<std::int64_t>{ids[2]});
    BOOST_TEST(t.count("SELECT count(*) FROM inbound_items WHERE claimed_until > now() + interval '500 s'") == 1);

    // A lapsed lease is free.
    t.db().exec("UPDATE inbound_items SET claimed_until = now() - interval '1 s' WHERE id = $1", {ids[1]});
    auto again = storage::claim_due_inbound(other, 10, 1 << 20, 60);
    BOOST_REQUIRE_EQUAL(again.size(), 1u);
    BOOST_TEST(again[0].id == ids[1]);

    // The claims of a closed session are free at once, whatever their lease.
    other.disconnect();
    BOOST_TEST(t.count("SELECT count(*) FROM inbound_items WHERE claimed_until > now()") == 4);
    BOOST_TEST(e2e::eventually([&] { return t.count("SELECT count(*) FROM pg_stat_activity WHERE pid IN"
                                               " (SELECT claimed_by FROM inbound_items WHERE id <> " +
                                               std::to_string(ids[0]) + ")") == 0; },
                          std::chrono::seconds(5)));
    const auto taken = storage::claim_due_inbound(t.db(), 10, 1 << 20, 60);
    BOOST_REQUIRE_EQUAL(taken.size(), 3u);
    BOOST_TEST(taken[0].id == ids[1]);

    // Finishing ends the claim; giving up makes an item due again for anyone.
    storage::finish_inbound(t.db(), ids[0], "processed", "complete", "", "", "");
    storage::release_claims(t.db(), {ids[1], ids[2], ids[3]});
    BOOST_TEST(t.count("SELECT count(*) FROM inbound_items WHERE claimed_by IS NOT NULL") == 0);
    storage::Db third(t.conninfo());
    BOOST_TEST(storage::claim_due_inbound(third, 10, 1 << 20, 60).size() == 3u);
}

// Copies of one message without a Message-ID are serialised on their bytes: while one
// session processes a copy, another's copy is refused at once (a lock conflict, no waiting,
// so no deadlock between two groups), and afterwards it is found to be the duplicate.
BOOST_FIXTURE_TEST_CASE(copies_without_message_id_are_serialised, Migrated) {
    const auto first = storage::store_inbound(t.db(), item("3/1", "same bytes, no id")).id;
    const auto second = storage::store_inbound(t.db(), item("3/2", "same bytes, no id")).id;
    const auto unrelated = storage::store_inbound(t.db(), item("3/3", "other bytes")).id;
    storage::Db other(t.conninfo());
    BOOST_REQUIRE_EQUAL(storage::claim_due_inbound(t.db(), 1, 1 << 20, 60).size(), 1u);
    BOOST_REQUIRE_EQUAL(storage::claim_due_inbound(other, 2, 1 << 20, 60).size(), 2u);
    const std::string sha = storage::load_inbound(t.db(), first, false)->sha256;

    storage::Transaction tx(t.db());
    const auto locked = storage::lock_for_processing(t.db(), first, sha, "", "");
    BOOST_TEST(locked.state == "received");
    BOOST_TEST(locked.claimed);
    BOOST_TEST(!locked.duplicate_of.has_value());
    {
        storage::Transaction busy(other);
        busy.savepoint();
        bool conflict = false;
        try {
            storage::lock_for_processing(other, second, sha, "", "");
        } catch (const storage::DbError& e) {
            conflict = e.is_lock_conflict();
        }
        BOOST_TEST(conflict);
        busy.rollback_to_savepoint();
        busy.release_savepoint();
        // The same transaction goes on with an unrelated item.
        const auto sha3 = storage::load_inbound(other, unrelated, false)->sha256;
        const auto free = storage::lock_for_processing(other, unrelated, sha3, "", "");
        BOOST_TEST(free.claimed);
        BOOST_TEST(!free.duplicate_of.has_value());
        busy.commit();
    }
    // Someone else's claim is seen as such.
    const auto sha3 = storage::load_inbound(t.db(), unrelated, false)->sha256;
    BOOST_TEST(!storage::lock_for_processing(t.db(), unrelated, sha3, "", "").claimed);
    storage::finish_inbound(t.db(), first, "processed", "complete", "", "", "");
    tx.commit();

    storage::Transaction later(other);
    const auto copy = storage::lock_for_processing(other, second, sha, "", "");
    BOOST_TEST(copy.claimed);
    BOOST_TEST(copy.duplicate_of.value_or(0) == first);
    later.commit();
}

// A copy with a Message-ID is serialised on the Message-ID too, even with other bytes.
BOOST_FIXTURE_TEST_CASE(copies_with_message_id_are_serialised, Migrated) {
    const auto first = storage::store_inbound(t.db(), item("4/1", "bytes one")).id;
    const auto second = storage::store_inbound(t.db(), item("4/2", "bytes two")).id;
    storage::Db other(t.conninfo());
    BOOST_REQUIRE_EQUAL(storage::claim_due_inbound(t.db(), 1, 1 << 20, 60).size(), 1u);
    BOOST_REQUIRE_EQUAL(storage::claim_due_inbound(other, 1, 1 << 20, 60).size(), 1u);
    storage::Transaction tx(t.db());
    storage::lock_for_processing(t.db(), first, storage::load_inbound(t.db(), first, false)->sha256,
                                 "m@x", "a@x");
    storage::Transaction busy(other);
    bool conflict = false;
    try {
        storage::lock_for_processing(other, second, storage::load_inbound(other, second, false)->sha256,
                                     "m@x", "a@x");
    } catch (const storage::DbError& e) {
        conflict = e.is_lock_conflict();
    }
    BOOST_TEST(conflict);
}

// References are CG-YYYY-NNNNNN and consecutive within a year while nothing is undone.
BOOST_FIXTURE_TEST_CASE(references_are_consecutive, Migrated) {
    const std::string a = storage::next_reference(t.db());
    const std::string b = storage::next_reference(t.db());
    BOOST_TEST(std::regex_match(a, std::regex("CG-[0-9]{4}-000001")));
    BOOST_TEST(std::regex_match(b, std::regex("CG-[0-9]{4}-000002")));
}

// A reference never waits for another transaction: two processing sessions, each in a group
// transaction that has opened a case, both go on taking references (the year's counter row
// locked by the first until its commit made the second wait).
BOOST_FIXTURE_TEST_CASE(references_never_wait_for_another_transaction, Migrated) {
    storage::next_reference(t.db());  // the year's row exists, as on any day but a year's first
    storage::Db other(t.conninfo());
    storage::Transaction first(t.db());
    const std::string a = storage::next_reference(t.db());
    storage::Transaction second(other);
    other.exec("SET LOCAL lock_timeout = '2s'");
    std::string b;
    bool waited = false;
    try {
        b = storage::next_reference(other);
    } catch (const storage::DbError& e) {
        waited = e.is_lock_conflict();
    }
    BOOST_TEST(!waited);
    const std::string c = storage::next_reference(t.db());
    BOOST_TEST(a.substr(8) == "000002");
    BOOST_TEST(b.substr(8) == "000003");
    BOOST_TEST(c.substr(8) == "000004");
}

// Each year counts from 1; a number taken by work that is undone is skipped, never given again;
// an imported reference raises its year's numbers above it, and never lowers them; a year whose
// first reference is undone is made again by the next.
BOOST_FIXTURE_TEST_CASE(references_count_per_year_and_only_rise, Migrated) {
    const auto take = [&](int year) {
        return t.db().exec("SELECT next_case_reference($1)", {std::to_string(year)}).text(0, 0);
    };
    BOOST_TEST(take(2031) == "CG-2031-000001");
    BOOST_TEST(take(2032) == "CG-2032-000001");
    {
        storage::Transaction undone(t.db());
        BOOST_TEST(take(2031) == "CG-2031-000002");
    }  // rolled back
    BOOST_TEST(take(2031) == "CG-2031-000003");
    t.db().exec("SELECT raise_case_reference(2031, 500)");
    BOOST_TEST(take(2031) == "CG-2031-000501");
    t.db().exec("SELECT raise_case_reference(2031, 20)");
    BOOST_TEST(take(2031) == "CG-2031-000502");
    t.db().exec("SELECT raise_case_reference(2033, 41)");
    BOOST_TEST(take(2033) == "CG-2033-000042");
    BOOST_TEST(take(2032) == "CG-2032-000002");
    {
        storage::Transaction undone(t.db());
        BOOST_TEST(take(2034) == "CG-2034-000001");
    }
    BOOST_TEST(take(2034) == "CG-2034-000001");
}

// A database counted with the old counter rows (schema 13) goes on from where each year was:
// migrating turns each year's row into its sequence.
BOOST_AUTO_TEST_CASE(counters_of_an_older_schema_go_on_in_their_sequences) {
    e2e::TestDb t;
    t.db().exec(
        "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    for (const storage::Migration& m : storage::migrations()) {
        if (m.version > 13) break;
        t.db().exec(m.sql);
        t.db().exec("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    {m.version, m.name});
    }
    t.db().exec("INSERT INTO reference_counters (year, last_value) VALUES (2025, 41), (2026, 7)");
    BOOST_TEST(storage::migrate(t.db()) == static_cast<int>(storage::migrations().size()) - 13);
    const auto take = [&](int year) {
        return t.db().exec("SELECT next_case_reference($1)", {std::to_string(year)}).text(0, 0);
    };
    BOOST_TEST(take(2025) == "CG-2025-000042");
    BOOST_TEST(take(2026) == "CG-2026-000008");
    BOOST_TEST(take(2027) == "CG-2027-000001");
}

// Two sessions taking a year's first reference at once: the second waits for the first's
// commit, then takes the next number of the sequence the first made.
BOOST_FIXTURE_TEST_CASE(a_years_first_references_taken_at_once, Migrated) {
    storage::Db other(t.conninfo());
    storage::Transaction first(t.db());
    const std::string a =
        t.db().exec("SELECT next_case_reference(2040)").text(0, 0);
    std::string b;
    std::thread second([&] {
        try {
            b = other.exec("SELECT next_case_reference(2040)").text(0, 0);
        } catch (const std::exception& e) {
            b = e.what();
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    first.commit();
    second.join();
    BOOST_TEST(a == "CG-2040-000001");
    BOOST_TEST(b == "CG-2040-000002");
}

// A case and its submission are opened in one statement under the next reference (the same
// counter as next_reference), linked, with every column as given; an unfinished seven-digit
// counter still formats as CG-YYYY-NNNNNNN.
BOOST_FIXTURE_TEST_CASE(open_case_takes_the_next_reference, Migrated) {
    const std::string before = storage::next_reference(t.db());
    storage::CaseRow c;
    c.local_office = "East of England";
    c.trainee_name = "Siân Ní Bhriain";
    c.gmc_number = "7123456";
    c.referrer_name = "A Supervisor";
    c.referrer_email = "a@x";
    c.referrer_role = "Clinical Supervisor";
    c.concern_route = "Personal";
    c.concern_type = "Health";
    c.incident_date = "2026-11-02";
    c.support_requested = {"Coaching", "Exam support"};
    c.trainee_aware = true;
    c.details = "text";
    c.terms_accepted = true;
    storage::SubmissionRow s;
    s.channel = "email-pdf";
    s.status = casegate::workflow::SubmissionStatus::complete;
    s.fields_json = R"({"gmc_number":"7123456"})";
    s.sender_email = "a@x";
    const storage::OpenedCase opened = storage::open_case(t.db(), c, s);
    BOOST_TEST(opened.reference == before.substr(0, 8) + "000002");
    auto r = t.db().exec(
        "SELECT c.reference, c.trainee_name, c.incident_date::text, array_to_string(c.support_requested, '|'),"
        " c.trainee_aware, s.reference, s.case_id = c.id, s.channel, s.fields->>'gmc_number'"
        " FROM cases c JOIN submissions s ON s.id = $1 WHERE c.id = $2",
        {opened.submission_id, opened.case_id});
    BOOST_REQUIRE_EQUAL(r.rows(), 1);
    BOOST_TEST(r.text(0, 0) == opened.reference);
    BOOST_TEST(r.text(0, 1) == "Siân Ní Bhriain");
    BOOST_TEST(r.text(0, 2) == "2026-11-02");
    BOOST_TEST(r.text(0, 3) == "Coaching|Exam support");
    BOOST_TEST(r.boolean(0, 4));
    BOOST_TEST(r.text(0, 5) == opened.reference);
    BOOST_TEST(r.boolean(0, 6));
    BOOST_TEST(r.text(0, 7) == "email-pdf");
    BOOST_TEST(r.text(0, 8) == "7123456");
    t.db().exec("SELECT setval(case_reference_sequence(extract(year FROM now())::int), 1234566)");
    BOOST_TEST(storage::open_case(t.db(), c, s).reference == before.substr(0, 8) + "1234567");
}

// Duplicates are found by identical bytes, or by Message-ID from the same sender only.
BOOST_FIXTURE_TEST_CASE(duplicates_by_bytes_or_message_id_and_sender, Migrated) {
    const auto first = storage::store_inbound(t.db(), item("1/1", "same bytes")).id;
    storage::finish_inbound(t.db(), first, "processed", "complete", "", "m1@x", "a@x");
    const auto copy = storage::store_inbound(t.db(), item("1/2", "same bytes")).id;
    const auto sha = storage::load_inbound(t.db(), copy, false)->sha256;
    BOOST_TEST(storage::find_duplicate(t.db(), copy, sha, "", "").value_or(0) == first);
    const auto other = storage::store_inbound(t.db(), item("1/3", "other bytes")).id;
    const auto sha2 = storage::load_inbound(t.db(), other, false)->sha256;
    BOOST_TEST(storage::find_duplicate(t.db(), other, sha2, "m1@x", "a@x").value_or(0) == first);
    BOOST_TEST(!storage::find_duplicate(t.db(), other, sha2, "m1@x", "someone-else@x").has_value());
}

// Claimed outbox rows are leased, and retries and failures are recorded.
BOOST_FIXTURE_TEST_CASE(outbox_claim_retry_fail, Migrated) {
    storage::OutboxMessage m;
    m.message_id = "id1@x";
    m.kind = "acknowledgement";
    m.mail_from = "casegate@x";
    m.recipients = {"a@x", "b@x"};
    m.message = "Subject: s\r\n\r\nbody\r\n";
    storage::enqueue(t.db(), m);
    const auto id = t.db().exec("SELECT id FROM outbox WHERE message_id = 'id1@x'").int64(0, 0);
    auto due = storage::claim_due(t.db(), 10, 300);
    BOOST_REQUIRE_EQUAL(due.size(), 1u);
    BOOST_TEST(due[0].recipients == (std::vector<std::string>{"a@x", "b@x"}));
    BOOST_TEST(due[0].message == m.message);
    BOOST_TEST(storage::claim_due(t.db(), 10, 300).empty());  // leased
    storage::mark_retry(t.db(), id, "connection refused", 0);
    due = storage::claim_due(t.db(), 10, 300);
    BOOST_REQUIRE_EQUAL(due.size(), 1u);
    BOOST_TEST(due[0].attempts == 1);
    storage::mark_failed(t.db(), id, "SMTP 550: no such user");
    BOOST_TEST(t.count("SELECT count(*) FROM outbox WHERE state = 'failed' AND attempts = 2") == 1);
}

// A claim's lease is renewed only for the rows it still holds: a row whose lease lapsed and
// that another process then claimed is not renewed (and so not sent) by the first.
BOOST_FIXTURE_TEST_CASE(outbox_lease_renewal_keeps_to_the_claim, Migrated) {
    storage::OutboxMessage m;
    m.kind = "acknowledgement";
    m.mail_from = "casegate@x";
    m.recipients = {"a@x"};
    m.message = "Subject: s\r\n\r\nbody\r\n";
    for (const char* id : {"r1@x", "r2@x"}) {
        m.message_id = id;
        storage::enqueue(t.db(), m);
    }
    auto due = storage::claim_due(t.db(), 10, 30);
    BOOST_REQUIRE_EQUAL(due.size(), 2u);
    BOOST_TEST(due[0].lease_until == due[1].lease_until);
    std::string lease = due[0].lease_until;
    const std::vector<std::int64_t> ids{due[0].id, due[1].id};
    BOOST_TEST(t.count("SELECT count(*) FROM outbox WHERE next_attempt_at > now() + interval '25 s'"
                       " AND next_attempt_at <= now() + interval '30 s'") == 2);

    const std::string first = lease;
    BOOST_TEST(storage::renew_lease(t.db(), ids, lease, 120) == ids);
    BOOST_TEST(lease != first);
    BOOST_TEST(t.count("SELECT count(*) FROM outbox WHERE next_attempt_at > now() + interval '110 s'") == 2);

    // The second row's lease lapses and another process claims it.
    t.db().exec("UPDATE outbox SET next_attempt_at = now() - interval '1 s' WHERE id = $1", {ids[1]});
    const auto other = storage::claim_due(t.db(), 10, 30);
    BOOST_REQUIRE_EQUAL(other.size(), 1u);
    BOOST_TEST(other[0].id == ids[1]);
    BOOST_TEST(storage::renew_lease(t.db(), ids, lease, 120) == std::vector<std::int64_t>{ids[0]});
    // A row sent meanwhile is not renewed either.
    storage::mark_sent(t.db(), ids[0]);
    BOOST_TEST(storage::renew_lease(t.db(), ids, lease, 120).empty());
}

BOOST_AUTO_TEST_SUITE_END()
