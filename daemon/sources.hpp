// Sources yield raw items. Each poll stores every new item in inbound_items (committed) and
// only then acknowledges it at the source (IMAP: moved to the processed folder; Maildir: moved
// to cur/). A crash between the two means the item is seen again, found already stored, and
// acknowledged then: never lost, never stored twice.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "common/config.hpp"
#include "storage/pg.hpp"

namespace casegate::daemon {

struct PollStats {
    int stored = 0;        ///< new items stored
    int acknowledged = 0;  ///< items moved at the source
    int oversized = 0;     ///< stored as quarantined because of the size limit
};

class Source {
public:
    virtual ~Source() = default;
    virtual const std::string& name() const = 0;
    /// One poll. Throws on a source or database failure (the caller logs and retries later).
    virtual PollStats poll(storage::Db& db, const std::atomic<bool>& stop) = 0;
};

std::unique_ptr<Source> make_source(const common::MailboxConfig& mailbox, const common::Limits& limits);

/// Hook for tests of crash safety: when the environment variable
/// CASEGATE_TEST_EXIT_AFTER_STORE is set, the process exits right after the first commit of a
/// new item, before acknowledging it at the source (as kill -9 would).
void maybe_exit_after_store();

}  // namespace casegate::daemon
