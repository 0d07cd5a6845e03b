// The libpq wrapper against the real PostgreSQL.
#include <boost/test/unit_test.hpp>
#include <thread>
#include <chrono>
#include <stdexcept>

#include "storage/pg.hpp"
#include "tests/support/harness.hpp"

using namespace casegate;

BOOST_AUTO_TEST_SUITE(pg)

// A duplicate key is reported as a unique violation, not as a generic error.
BOOST_AUTO_TEST_CASE(unique_violation_is_sorted_by_sqlstate) {
    e2e::TestDb t;
    t.db().exec("CREATE TABLE u (k int PRIMARY KEY)");
    t.db().exec("INSERT INTO u VALUES (1)");
    try {
        t.db().exec("INSERT INTO u VALUES ($1)", {1});
        BOOST_FAIL("duplicate insert succeeded");
    } catch (const storage::DbError& e) {
        BOOST_TEST(e.sqlstate() == "23505");
        BOOST_TEST(e.is_unique_violation());
        BOOST_TEST(!e.is_connection());
    }
}

// A listening connection is woken by a NOTIFY from another (also one that came while it ran
// other statements), times out without one, and listens again after reconnecting.
BOOST_AUTO_TEST_CASE(listen_wakes_on_notify_and_survives_reconnection) {
    using std::chrono::milliseconds;
    e2e::TestDb t;
    storage::Db listener(t.conninfo());
    listener.listen("casegate_test_wake");
    BOOST_TEST(!listener.wait_for_notification(milliseconds(50)));

    t.db().exec("NOTIFY casegate_test_wake");
    BOOST_TEST(listener.wait_for_notification(milliseconds(5000)));
    BOOST_TEST(!listener.wait_for_notification(milliseconds(50)));  // consumed

    t.db().exec("NOTIFY casegate_test_wake, 'during'");
    t.db().exec("NOTIFY casegate_test_wake, 'twice'");
    listener.exec("SELECT pg_sleep(0.2)");  // arrives while this runs
    BOOST_TEST(listener.wait_for_notification(milliseconds(5000)));
    BOOST_TEST(!listener.wait_for_notification(milliseconds(50)));

    // Another channel does not wake it.
    t.db().exec("NOTIFY casegate_test_other");
    BOOST_TEST(!listener.wait_for_notification(milliseconds(200)));

    // The server ends the session: the wait says no, the next statement reconnects, and the
    // channel is listened to again.
    t.db().exec("SELECT pg_terminate_backend($1)", {listener.backend_pid()});
    BOOST_TEST(!listener.wait_for_notification(milliseconds(5000)));
    try {
        listener.exec("SELECT 1");  // may be the statement that finds the session gone
    } catch (const storage::DbError& e) {
        BOOST_TEST(e.is_connection());
    }
    listener.exec("SELECT 1");
    t.db().exec("NOTIFY casegate_test_wake");
    BOOST_TEST(listener.wait_for_notification(milliseconds(5000)));
    BOOST_CHECK_THROW(listener.listen("Bad-Name"), std::invalid_argument);
}

// A transaction that is not committed is rolled back when it goes out of scope.
BOOST_AUTO_TEST_CASE(transaction_rolls_back_unless_committed) {
    e2e::TestDb t;
    t.db().exec("CREATE TABLE v (k int)");
    {
        storage::Transaction tx(t.db());
        t.db().exec("INSERT INTO v VALUES (1)");
    }
    BOOST_TEST(t.count("SELECT count(*) FROM v") == 0);
    {
        storage::Transaction tx(t.db());
        t.db().exec("INSERT INTO v VALUES (2)");
        tx.commit();
    }
    BOOST_TEST(t.count("SELECT count(*) FROM v") == 1);
}

// Binary parameters round-trip every byte value through bytea, NULs included.
// Deferred statements reach the server with the transaction's next statement and are kept by
// the commit; the statement that needed an answer sees their effect.
BOOST_AUTO_TEST_CASE(deferred_statements_are_sent_with_the_next_one) {
    e2e::TestDb t;
    t.db().exec("CREATE TABLE d (k int, b bytea)");
    {
        storage::Transaction tx(t.db());
        t.db().defer("INSERT INTO d VALUES ($1, $2)", {1, storage::Param::bytes(std::string("\0x", 2))});
        t.db().defer("INSERT INTO d VALUES ($1, NULL)", {2});
        BOOST_TEST(t.db().exec("SELECT count(*) FROM d").int64(0, 0) == 2);
        t.db().defer("INSERT INTO d VALUES ($1, NULL)", {3});
        tx.commit();
    }
    BOOST_TEST(t.count("SELECT count(*) FROM d") == 3);
    BOOST_TEST(t.db().exec("SELECT b FROM d WHERE k = 1").bytes(0, 0) == std::string("\0x", 2));
}

// A deferred statement that fails is reported by the statement that sent it, with its
// SQLSTATE, and nothing of the transaction is kept.
BOOST_AUTO_TEST_CASE(deferred_failure_is_thrown_and_rolls_back) {
    e2e::TestDb t;
    t.db().exec("CREATE TABLE e (k int PRIMARY KEY)");
    t.db().exec("INSERT INTO e VALUES (1)");
    try {
        storage::Transaction tx(t.db());
        t.db().defer("INSERT INTO e VALUES ($1)", {2});
        t.db().defer("INSERT INTO e VALUES ($1)", {1});  // duplicate key
        t.db().defer("INSERT INTO e VALUES ($1)", {3});
        tx.commit();
        BOOST_FAIL("commit succeeded despite a failed statement");
    } catch (const storage::DbError& e) {
        BOOST_TEST(e.sqlstate() == "23505");
    }
    BOOST_TEST(t.count("SELECT count(*) FROM e") == 1);
    // The connection is usable afterwards, in and out of transactions.
    {
        storage::Transaction tx(t.db());
        t.db().defer("INSERT INTO e VALUES ($1)", {4});
        tx.commit();
    }
    BOOST_TEST(t.count("SELECT count(*) FROM e") == 2);
}

// Deferred statements of a transaction that is abandoned are never sent; outside a
// transaction, defer runs the statement at once.
BOOST_AUTO_TEST_CASE(abandoned_deferred_statements_are_dropped) {
    e2e::TestDb t;
    t.db().exec("CREATE TABLE f (k int)");
    {
        storage::Transaction tx(t.db());
        t.db().defer("INSERT INTO f VALUES ($1)", {1});
    }
    BOOST_TEST(t.count("SELECT count(*) FROM f") == 0);
    t.db().defer("INSERT INTO f VALUES ($1)", {2});
    BOOST_TEST(t.count("SELECT count(*) FROM f") == 1);
}

BOOST_AUTO_TEST_CASE(bytea_round_trip_keeps_every_byte) {
    e2e::TestDb t;
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    const auto r = t.db().exec("SELECT $1::bytea", {storage::Param::bytes(all)});
    BOOST_TEST(r.bytes(0, 0) == all);
}

// A connection killed by the server is reported as a connection error, and the next call
// reconnects by itself.
BOOST_AUTO_TEST_CASE(terminated_connection_reconnects) {
    e2e::TestDb t;
    const auto pid = t.db().exec("SELECT pg_backend_pid()").int64(0, 0);
    storage::Db other(t.conninfo());
    other.exec("SELECT pg_terminate_backend($1)", {pid});
    bool connection_error = false;
    try {
        t.db().exec("SELECT 1");
    } catch (const storage::DbError& e) {
        connection_error = e.is_connection();
    }
    BOOST_TEST(connection_error);
    BOOST_TEST(t.db().exec("SELECT 41 + 1").int64(0, 0) == 42);
}

// with_retry runs a unit of work again after a connection failure, but not after others.
BOOST_AUTO_TEST_CASE(with_retry_retries_connection_errors_only) {
    e2e::TestDb t;
    int calls = 0;
    storage::with_retry(t.db(), [&] {
        if (++calls == 1) throw storage::DbError("gone", "08006");
    });
    BOOST_TEST(calls == 2);
    calls = 0;
    BOOST_CHECK_THROW(storage::with_retry(t.db(),
                                          [&] {
                                              ++calls;
                                              throw storage::DbError("bad", "42601");
                                          }),
                      storage::DbError);
    BOOST_TEST(calls == 1);
}

// A program being stopped does not sit out the back-off: once stop_retrying() is called, the
// next connection failure is thrown at once (and a wait already begun ends), where otherwise
// eight attempts would take about 11 s.
BOOST_AUTO_TEST_CASE(stopping_ends_the_retries) {
    e2e::TestDb t;
    int calls = 0;
    const auto always_gone = [&] {
        ++calls;
        throw storage::DbError("gone", "08006");
    };
    storage::stop_retrying();
    BOOST_CHECK_THROW(storage::with_retry(t.db(), always_gone), storage::DbError);
    BOOST_TEST(calls == 1);

    // Stopped while waiting between attempts: the wait ends and the failure is thrown.
    storage::stop_retrying(false);
    calls = 0;
    std::thread stopper([] {
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        storage::stop_retrying();
    });
    BOOST_CHECK_THROW(storage::with_retry(t.db(), always_gone), storage::DbError);
    stopper.join();
    storage::stop_retrying(false);
    BOOST_TEST(calls >= 2);
    BOOST_TEST(calls < 8);  // not every attempt: the back-off was not sat out
    BOOST_TEST(t.db().exec("SELECT 1").int64(0, 0) == 1);  // the connection is usable again
}

BOOST_AUTO_TEST_SUITE_END()
