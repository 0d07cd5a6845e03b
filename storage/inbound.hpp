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
    std::int64_t size = 0;    ///< the full size at the source (raw may be truncated)
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
};

/// Loads an item; FOR UPDATE when lock is true (inside a transaction).
std::optional<InboundRow> load_inbound(Db& db, std::int64_t id, bool lock);

/// The items due for processing, oldest first, with their bytes: at most `limit`, and no more
/// after the first once `max_bytes` of raw messages are loaded (so a batch of large messages
/// does not fill memory). One round trip for the batch instead of one per item.
std::vector<InboundRow> due_inbound(Db& db, int limit, std::int64_t max_bytes);

/// Records that processing failed for a reason that may pass (a parser crash or timeout):
/// retried after a back-off, quarantined with the reason once attempts reach max_attempts.
/// Returns true when the item was quarantined.
bool record_failed_attempt(Db& db, std::int64_t id, const std::string& reason, int max_attempts);

/// Final state of an item after processing.
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
    std::string state;                      ///< "" if the item is gone
    std::optional<std::int64_t> duplicate_of;  ///< as find_duplicate()
};

/// Locks the item's row for the rest of the transaction, returning its state, and looks up
/// the earlier copy as find_duplicate() does, in one round trip. Copies of one message are
/// serialised by an advisory lock on its Message-ID, taken first.
LockedItem lock_for_processing(Db& db, std::int64_t id, const std::string& sha256,
                               const std::string& message_id, const std::string& from_address);
}  // namespace casegate::storage
