#include "storage/inbound.hpp"

#include <algorithm>

#include "storage/cases.hpp"
#include "storage/digest.hpp"

namespace casegate::storage {

StoreOutcome store_inbound(Db& db, const NewInboundItem& item) {
    const bool quarantined = item.quarantine_reason.has_value();
    const Result r = db.exec(
        "INSERT INTO inbound_items (source, source_kind, source_key, uidvalidity, uid, file_name,"
        " sha256, size, raw, truncated, state, reason)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        " ON CONFLICT (source, source_key) DO NOTHING RETURNING id",
        {item.source, item.source_kind, item.source_key, item.uidvalidity, item.uid, item.file_name,
         Param::bytes(sha256(item.raw)), item.size, Param::bytes(item.raw), item.truncated,
         quarantined ? "quarantined" : "received", item.quarantine_reason});
    if (r.rows() == 1) return {true, r.int64(0, 0)};
    const Result existing =
        db.exec("SELECT id FROM inbound_items WHERE source = $1 AND source_key = $2",
                {item.source, item.source_key});
    return {false, existing.rows() ? existing.int64(0, 0) : 0};
}

std::vector<StoreOutcome> store_inbound_group(Db& db, const std::vector<NewInboundItem>& items) {
    std::vector<StoreOutcome> out;
    if (items.empty()) return out;
    Transaction tx(db);
    out.reserve(items.size());
    for (const NewInboundItem& item : items) out.push_back(store_inbound(db, item));
    tx.commit();
    return out;
}

std::set<std::string> stored_keys(Db& db, const std::string& source,
                                  const std::vector<std::string>& keys) {
    std::set<std::string> out;
    if (keys.empty()) return out;
    std::string array = "{";
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i) array += ',';
        array += '"' + keys[i] + '"';  // keys are digits, '/' and file-name characters
    }
    array += '}';
    const Result r = db.exec(
        "SELECT source_key FROM inbound_items WHERE source = $1 AND source_key = ANY($2::text[])",
        {source, array});
    for (int i = 0; i < r.rows(); ++i) out.insert(r.text(i, 0));
    return out;
}

namespace {
constexpr const char* kInboundColumns =
    "id, source, source_kind, state, raw, sha256, attempts, coalesce(released_by, ''),"
    " coalesce(thread_reference, '')";

InboundRow inbound_row(const Result& r, int i) {
    InboundRow row;
    row.id = r.int64(i, 0);
    row.source = r.text(i, 1);
    row.source_kind = r.text(i, 2);
    row.state = r.text(i, 3);
    row.raw = r.bytes(i, 4);
    row.sha256 = r.bytes(i, 5);
    row.attempts = static_cast<int>(r.int64(i, 6));
    row.released_by = r.text(i, 7);
    row.thread_reference = r.text(i, 8);
    return row;
}
}  // namespace

std::optional<InboundRow> load_inbound(Db& db, std::int64_t id, bool lock) {
    const Result r = db.exec(std::string("SELECT ") + kInboundColumns +
                                 " FROM inbound_items WHERE id = $1" + (lock ? " FOR UPDATE" : ""),
                             {id});
    if (r.rows() == 0) return std::nullopt;
    return inbound_row(r, 0);
}

std::vector<InboundRow> claim_due_inbound(Db& db, int limit, std::int64_t max_bytes,
                                          int lease_seconds, const std::set<std::int64_t>& skip) {
    // The rows are locked (SKIP LOCKED: those another session is claiming right now are left
    // to it) before the byte budget is counted over them; a locked row beyond the budget is
    // let go when the statement commits. A claim whose session is gone is free at once.
    const Result r =
        db.exec(std::string("UPDATE inbound_items SET claimed_by = pg_backend_pid(),"
                            " claimed_until = now() + make_interval(secs => $3)"
                            " WHERE id IN (SELECT id FROM ("
                            "  SELECT id, sum(size) OVER (ORDER BY id) - size AS before FROM ("
                            "   SELECT id, size FROM inbound_items"
                            "   WHERE state = 'received' AND next_attempt_at <= now()"
                            "   AND id <> ALL($4::bigint[])"
                            "   AND (claimed_by IS NULL OR claimed_until <= now()"
                            "        OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a"
                            "                       WHERE a.pid = inbound_items.claimed_by))"
                            "   ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) free) due"
                            "  WHERE due.before < $2)"
                            " RETURNING ") +
                    kInboundColumns,
                {limit, max_bytes, lease_seconds,
                 pg_id_array(std::vector<std::int64_t>(skip.begin(), skip.end()))});
    std::vector<InboundRow> rows;
    rows.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) rows.push_back(inbound_row(r, i));
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return rows;
}

std::vector<std::int64_t> renew_claims(Db& db, const std::vector<std::int64_t>& ids,
                                       int lease_seconds) {
    if (ids.empty()) return {};
    const Result r = db.exec(
        "UPDATE inbound_items SET claimed_until = now() + make_interval(secs => $2)"
        " WHERE id = ANY($1::bigint[]) AND state = 'received' AND claimed_by = pg_backend_pid()"
        " RETURNING id",
        {pg_id_array(ids), lease_seconds});
    std::vector<std::int64_t> renewed;
    renewed.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) renewed.push_back(r.int64(i, 0));
    std::sort(renewed.begin(), renewed.end());
    return renewed;
}

void release_claims(Db& db, const std::vector<std::int64_t>& ids) {
    if (ids.empty()) return;
    db.exec(
        "UPDATE inbound_items SET claimed_by = NULL, claimed_until = NULL"
        " WHERE id = ANY($1::bigint[]) AND claimed_by = pg_backend_pid()",
        {pg_id_array(ids)});
}

FailedAttempt record_failed_attempt(Db& db, std::int64_t id, const std::string& reason,
                                    int max_attempts) {
    const Result r = db.exec(
        "UPDATE inbound_items SET attempts = attempts + 1, reason = $2,"
        " state = CASE WHEN attempts + 1 >= $3 THEN 'quarantined' ELSE state END,"
        " next_attempt_at = now() + make_interval(secs => least(3600, 30 * power(2, attempts))),"
        " claimed_by = NULL, claimed_until = NULL"
        " WHERE id = $1 AND state = 'received' AND claimed_by = pg_backend_pid() RETURNING state",
        {id, reason, max_attempts});
    if (r.rows() == 0) return FailedAttempt::not_claimed;
    return r.text(0, 0) == "quarantined" ? FailedAttempt::quarantined : FailedAttempt::retry_later;
}

void finish_inbound(Db& db, std::int64_t id, const std::string& state, const std::string& verdict,
                    const std::string& reason, const std::string& message_id,
                    const std::string& from_address, std::optional<std::int64_t> duplicate_of) {
    db.defer(
        "UPDATE inbound_items SET state = $2, verdict = nullif($3, ''), reason = nullif($4, ''),"
        " message_id = nullif($5, ''), from_address = nullif($6, ''), duplicate_of = $7,"
        " processed_at = now(), claimed_by = NULL, claimed_until = NULL WHERE id = $1",
        {id, state, verdict, reason, message_id, from_address, duplicate_of});
}

namespace {
// An earlier, finished item with the same bytes or the same Message-ID from the same sender.
constexpr const char* kEarlierCopy =
    "SELECT id FROM inbound_items WHERE id <> $1"
    " AND state IN ('processed', 'set_aside', 'duplicate')"
    " AND (sha256 = $2 OR ($3 <> '' AND message_id = $3 AND from_address = $4))"
    " ORDER BY id LIMIT 1";

// Serialises concurrent processing of copies of one message (sent with the next statement),
// waiting for the locks: on the bytes, then on the Message-ID (casegate_lock_copies' order).
void lock_copies(Db& db, const std::string& sha, const std::string& message_id) {
    db.defer("SELECT pg_advisory_xact_lock(hashtextextended(encode($1, 'hex'), 1))",
             {Param::bytes(sha)});
    if (!message_id.empty()) {
        db.defer("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", {message_id});
    }
}
}  // namespace

std::optional<std::int64_t> find_duplicate(Db& db, std::int64_t id, const std::string& sha,
                                           const std::string& message_id,
                                           const std::string& from_address) {
    lock_copies(db, sha, message_id);
    const Result r = db.exec(kEarlierCopy, {id, Param::bytes(sha), message_id, from_address});
    if (r.rows() == 0) return std::nullopt;
    return r.int64(0, 0);
}

LockedItem lock_for_processing(Db& db, std::int64_t id, const std::string& sha,
                               const std::string& message_id, const std::string& from_address) {
    // The locks are taken by a statement of their own, so that the next one's snapshot sees
    // whatever the session that held them committed.
    db.defer("SELECT casegate_lock_copies($1, $2)", {Param::bytes(sha), message_id});
    const Result r = db.exec(std::string("SELECT i.state, (") + kEarlierCopy +
                                 "), coalesce(i.claimed_by = pg_backend_pid(), false)"
                                 " FROM inbound_items i WHERE i.id = $1 FOR UPDATE OF i",
                             {id, Param::bytes(sha), message_id, from_address});
    LockedItem out;
    if (r.rows() == 0) return out;
    out.state = r.text(0, 0);
    if (!r.is_null(0, 1)) out.duplicate_of = r.int64(0, 1);
    out.claimed = r.boolean(0, 2);
    return out;
}

}  // namespace casegate::storage
