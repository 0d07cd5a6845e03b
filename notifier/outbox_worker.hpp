// The outbox worker: sends due messages by SMTP outside any transaction, then records the
// outcome. Temporary failures are retried with capped exponential back-off; a permanent
// refusal (5xx but 503, which is the session's fault) marks the message failed with the
// server's reason.
//
// Rows are claimed in small batches under a short lease, renewed while the batch is being
// sent, so that the rows of a process that died are sent by the next one within about the
// lease. A message is sent twice only if the process dies after the SMTP server accepted it
// and before the row is marked sent (README, Operations).
#pragma once

#include <atomic>

#include "net/curl.hpp"
#include "storage/pg.hpp"

namespace casegate::notifier {

/// How long a claim on a batch of outbox rows lasts; renewed once half of it has passed, for
/// the rows of the batch not yet sent. After a crash its rows wait at most this long.
inline constexpr int kLeaseSeconds = 30;

struct OutboxPolicy {
    int retry_initial = 30;
    int retry_max = 3600;
    int max_attempts = 50;
    int lease_seconds = kLeaseSeconds;
};

struct DrainStats {
    int sent = 0;
    int retried = 0;
    int failed = 0;
    bool login_refused = false;  ///< the server refused casegate's sign-in
};

/// Seconds to wait before the next attempt after `attempts` failed ones.
int backoff_seconds(const OutboxPolicy& p, int attempts);

/// Sends every due message (stops early when `stop` is set or the server is unreachable).
DrainStats drain_outbox(storage::Db& db, net::Session& smtp, const OutboxPolicy& policy,
                        const std::atomic<bool>& stop);

}  // namespace casegate::notifier
