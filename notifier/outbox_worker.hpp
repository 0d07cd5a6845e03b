// The outbox worker: sends due messages by SMTP outside any transaction, then records the
// outcome. Temporary failures are retried with capped exponential back-off; a permanent
// refusal (5xx but 503, which is the session's fault) marks the message failed with the
// server's reason.
#pragma once

#include <atomic>

#include "net/curl.hpp"
#include "storage/pg.hpp"

namespace casegate::notifier {

struct OutboxPolicy {
    int retry_initial = 30;
    int retry_max = 3600;
    int max_attempts = 50;
};

struct DrainStats {
    int sent = 0;
    int retried = 0;
    int failed = 0;
};

/// Seconds to wait before the next attempt after `attempts` failed ones.
int backoff_seconds(const OutboxPolicy& p, int attempts);

/// Sends every due message (stops early when `stop` is set or the server is unreachable).
DrainStats drain_outbox(storage::Db& db, net::Session& smtp, const OutboxPolicy& policy,
                        const std::atomic<bool>& stop);

}  // namespace casegate::notifier
