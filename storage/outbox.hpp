// The notification outbox: rows written in the same transaction as the change that causes
// them, then claimed, sent and marked by the outbox worker outside any transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/pg.hpp"

namespace casegate::storage {

struct OutboxMessage {
    std::string message_id;  ///< the Message-ID inside `message`, without <>
    std::string kind;        ///< acknowledgement | office_alert | incomplete_reply | …
    std::optional<std::int64_t> case_id, submission_id;
    std::string mail_from;
    std::vector<std::string> recipients;
    std::string message;  ///< the complete RFC 5322 message, CRLF line ends
};

/// Adds messages to the outbox in one statement (inside the caller's transaction; deferred,
/// see Db::defer).
void enqueue(Db& db, const std::vector<OutboxMessage>& messages);
inline void enqueue(Db& db, const OutboxMessage& m) {
    enqueue(db, std::vector<OutboxMessage>{m});
}

struct DueMessage {
    std::int64_t id = 0;
    std::string message_id;
    std::string mail_from;
    std::vector<std::string> recipients;
    std::string message;
    int attempts = 0;
    /// When the claim's lease ends (timestamptz text, as PostgreSQL prints it). It is the same
    /// for every row of one claim and identifies the claim: a row whose next_attempt_at still
    /// equals it has not been claimed by anyone else since.
    std::string lease_until;
};

/// Claims up to `limit` due messages for `lease_seconds` (so that a crash mid-send makes them
/// due again later) and returns them. Commits on its own.
std::vector<DueMessage> claim_due(Db& db, int limit, int lease_seconds);

/// Extends to now + `lease_seconds` the lease of those of `ids` that are still pending and
/// still held under `lease_until` (nobody has claimed them since that claim), sets
/// `lease_until` to the new end and returns the ids renewed, in ascending order. Commits on its
/// own.
std::vector<std::int64_t> renew_lease(Db& db, const std::vector<std::int64_t>& ids,
                                      std::string& lease_until, int lease_seconds);

void mark_sent(Db& db, std::int64_t id);
/// A temporary failure: due again after `delay_seconds`.
void mark_retry(Db& db, std::int64_t id, const std::string& error, int delay_seconds);
/// A permanent failure: kept with the reason, never sent.
void mark_failed(Db& db, std::int64_t id, const std::string& error);

/// A bounce came back for the message with this Message-ID: if it is one of ours, its delivery
/// failed after all (state failed, the bounce's reason as the error). Deferred.
void mark_bounced(Db& db, const std::string& message_id, const std::string& reason);

}  // namespace casegate::storage
