// Inbound items: the raw bytes of everything that arrives, stored before the source is
// acknowledged, keyed by (source, source_key) so that fetching twice stores once.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/pg.hpp"

namespace casegate::storage {

struct NewInboundItem {
    std::string source;       ///< mailbox name from the configuration
    std::string source_kind;  ///< imap | maildir | web | file
    std::string source_key;   ///< unique within the source
    std::optional<std::int64_t> uidvalidity;
    std::optional<std::int64_t> uid;
    std::optional<std::string> file_name;
    std::string raw;
    std::int64_t size = 0;  ///< the full size at the source (raw may be truncated)
    bool truncated = false;
    /// A set-aside reason known before parsing (e.g. over the size limit): the item is stored
    /// directly as quarantined with this reason.
    std::optional<std::string> quarantine_reason;
};

struct StoreOutcome {
    bool inserted = false;  ///< false: it was already stored
    std::int64_t id = 0;
};

/// Stores the item (its own transaction is the caller's). Idempotent on (source, source_key).
StoreOutcome store_inbound(Db& db, const NewInboundItem& item);

/// Stores the items in one transaction, so a group of fetched messages costs one commit.
/// Either all are stored (or found stored already) or, on an error, none; a source acknowledges
/// them only after this returns.
std::vector<StoreOutcome> store_inbound_group(Db& db, const std::vector<NewInboundItem>& items);

/// The source keys among `keys` already stored for `source`.
std::set<std::string> stored_keys(Db& db, const std::string& source,
                                  const std::vector<std::string>& keys);

struct InboundRow {
    std::int64_t id = 0;
    std::string source;
    std::string source_kind;
    std::string state;
    std::string raw;
    std::string sha256;  ///< raw 32 bytes
    int attempts = 0;
    std::string released_by;       ///< staff who released it from review, "" for none
    std::string thread_reference;  ///< the case or submission it was released onto
};

/// Loads an item; FOR UPDATE when lock is true (inside a transaction).
std::optional<InboundRow> load_inbound(Db& db, std::int64_t id, bool lock);

/// Claims the items due for processing for this session, oldest first, with their bytes: at
/// most `limit`, and no more after the first once `max_bytes` of raw messages are loaded (so a
/// batch of large messages does not fill memory). One statement, committed on its own (call it
/// outside a transaction), so that no other process parses the same items. An item is free to
/// claim when unclaimed, when its lease (`lease_seconds`) has run out, or when the session that
/// claimed it no longer exists (its process died and its connection closed). Items in `skip`
/// are left alone.
std::vector<InboundRow> claim_due_inbound(Db& db, int limit, std::int64_t max_bytes,
                                          int lease_seconds,
                                          const std::set<std::int64_t>& skip = {});

/// Extends this session's claim on those of `ids` it still holds by `lease_seconds` from now;
/// returns the ids renewed.
std::vector<std::int64_t> renew_claims(Db& db, const std::vector<std::int64_t>& ids,
                                       int lease_seconds);

/// Gives up this session's claim on those of `ids` it still holds (unfinished items: due again
/// at once, for any process).
void release_claims(Db& db, const std::vector<std::int64_t>& ids);

/// Records that processing failed for a reason that may pass (a parser crash or timeout):
/// retried after a back-off, quarantined with the reason once attempts reach max_attempts.
/// Counts only for the session that claimed the item (the claim is given up): not_claimed when
/// this session does not hold it (nothing is recorded).
enum class FailedAttempt { retry_later, quarantined, not_claimed };
FailedAttempt record_failed_attempt(Db& db, std::int64_t id, const std::string& reason,
                                    int max_attempts);

/// Final state of an item after processing; its claim ends.
void finish_inbound(Db& db, std::int64_t id, const std::string& state, const std::string& verdict,
                    const std::string& reason, const std::string& message_id,
                    const std::string& from_address,
                    std::optional<std::int64_t> duplicate_of = std::nullopt);

/// An earlier item that this one duplicates: the same bytes, or the same Message-ID from the
/// same sender, already processed or set aside.
std::optional<std::int64_t> find_duplicate(Db& db, std::int64_t id, const std::string& sha256,
                                           const std::string& message_id,
                                           const std::string& from_address);

}  // namespace casegate::storage

namespace casegate::storage {
struct LockedItem {
    std::string state;                         ///< "" if the item is gone
    bool claimed = false;                      ///< this session holds the item's claim
    std::optional<std::int64_t> duplicate_of;  ///< as find_duplicate()
};

/// Locks the item's row for the rest of the transaction, returning its state and whether this
/// session holds its claim, and looks up the earlier copy as find_duplicate() does, in one
/// round trip. Copies of one message are serialised by advisory locks on its SHA-256 and its
/// Message-ID (casegate_lock_copies), taken first without waiting: when another session holds
/// either, this throws a DbError with is_lock_conflict() (the transaction, or the savepoint,
/// must be rolled back) and the item is left for a later turn.
LockedItem lock_for_processing(Db& db, std::int64_t id, const std::string& sha256,
                               const std::string& message_id, const std::string& from_address);
}  // namespace casegate::storage
