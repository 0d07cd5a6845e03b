// What several casegate processes sharing one database agree on through it: which process
// polls a mailbox (a session-level advisory lock per mailbox, held during the poll) and which
// runs a scheduled job (a row per job in `schedules`, claimed by moving its next run on).
// Inbound items are claimed in inbound.hpp, notifications in outbox.hpp.
#pragma once

#include <string>

#include "storage/pg.hpp"

namespace casegate::storage {

/// Takes the lock of the mailbox `name` for this session, without waiting: false when another
/// session holds it. Released by unlock_mailbox() or when the session ends.
bool try_lock_mailbox(Db& db, const std::string& name);
void unlock_mailbox(Db& db, const std::string& name);

/// Claims a run of the scheduled job `name` when it is due (or always when `force`), moving its
/// next run `interval_seconds` on in the same statement, so that of several processes asking
/// at once exactly one gets it. A job not in the table yet is due. True: run it now.
bool claim_schedule(Db& db, const std::string& name, int interval_seconds, bool force = false);

/// A claimed run finished.
void schedule_succeeded(Db& db, const std::string& name);

/// A claimed run failed: the error is kept and the next run brought forward to at most
/// `retry_seconds` from now.
void schedule_failed(Db& db, const std::string& name, const std::string& error, int retry_seconds);

}  // namespace casegate::storage
