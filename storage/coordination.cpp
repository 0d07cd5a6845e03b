#include "storage/coordination.hpp"

namespace casegate::storage {

namespace {
// The first key of the two-key advisory locks of mailboxes ("case"); the second is the hash
// of the mailbox's name. Two-key locks never conflict with the one-key locks of migrations
// and of message copies.
constexpr int kMailboxLockClass = 0x63617365;
}  // namespace

bool try_lock_mailbox(Db& db, const std::string& name) {
    return db.exec("SELECT pg_try_advisory_lock($1, hashtext($2))", {kMailboxLockClass, name})
        .boolean(0, 0);
}

void unlock_mailbox(Db& db, const std::string& name) {
    db.exec("SELECT pg_advisory_unlock($1, hashtext($2))", {kMailboxLockClass, name});
}

bool claim_schedule(Db& db, const std::string& name, int interval_seconds, bool force) {
    const Result r = db.exec(
        "UPDATE schedules SET next_run_at = now() + make_interval(secs => $2),"
        " last_started_at = now(), runs = runs + 1"
        " WHERE name = $1 AND (next_run_at <= now() OR $3) RETURNING runs",
        {name, interval_seconds, force});
    if (r.rows() == 1) return true;
    const Result inserted = db.exec(
        "INSERT INTO schedules (name, next_run_at, last_started_at, runs)"
        " VALUES ($1, now() + make_interval(secs => $2), now(), 1)"
        " ON CONFLICT (name) DO NOTHING RETURNING runs",
        {name, interval_seconds});
    return inserted.rows() == 1;
}

void schedule_succeeded(Db& db, const std::string& name) {
    db.exec("UPDATE schedules SET last_success_at = now() WHERE name = $1", {name});
}

void schedule_failed(Db& db, const std::string& name, const std::string& error, int retry_seconds) {
    db.exec(
        "UPDATE schedules SET last_error = $2, last_error_at = now(),"
        " next_run_at = least(next_run_at, now() + make_interval(secs => $3)) WHERE name = $1",
        {name, error, retry_seconds});
}

}  // namespace casegate::storage
