// Sources yield raw items. Each poll stores every new item in inbound_items (committed) and
// only then acknowledges it at the source (IMAP: moved to the processed folder; Maildir: moved
// to cur/). A crash between the two means the item is seen again, found already stored, and
// acknowledged then: never lost, never stored twice.
//
// New items are stored in groups, one transaction (one commit, one WAL flush) per group of up
// to kStoreGroupItems items or kStoreGroupBytes of raw bytes, whichever comes first; an item is
// acknowledged only once its group is committed. A crash before a group's commit stores none
// of it and acknowledges none of it: the next poll fetches it again.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "daemon/oauth2_tokens.hpp"
#include "storage/inbound.hpp"
#include "storage/pg.hpp"

namespace casegate::daemon {

struct PollStats {
    int stored = 0;        ///< new items stored
    int acknowledged = 0;  ///< items moved at the source
    int oversized = 0;     ///< stored as quarantined because of the size limit
};

inline constexpr std::size_t kStoreGroupItems = 64;
inline constexpr std::size_t kStoreGroupBytes = std::size_t{8} * 1024 * 1024;

/// Told after each group of new items is committed (e.g. to wake the processing).
using StoredFn = std::function<void()>;

class Source {
  public:
    virtual ~Source() = default;
    virtual const std::string& name() const = 0;
    /// Seconds between polls.
    virtual int poll_interval() const = 0;
    /// One poll. Throws on a source or database failure (the caller logs and retries later).
    /// `stored` (may be empty) is called after each group's commit.
    virtual PollStats poll(storage::Db& db, const std::atomic<bool>& stop,
                           const StoredFn& stored) = 0;
};

/// A [[mailbox]]: Maildir, or IMAP signing in with its password, its fixed token or the
/// tokens of `oauth2` (the client its oauth2 key names; null for none).
std::unique_ptr<Source> make_source(const common::MailboxConfig& mailbox,
                                    const common::Limits& limits,
                                    std::shared_ptr<OAuth2Client> oauth2 = nullptr);

/// A form service's pull API (daemon/form_source.cpp).
std::unique_ptr<Source> make_form_source(const common::FormEndpointConfig& endpoint,
                                         const common::Limits& limits);

/// Polls `source` while holding its mailbox's lock in PostgreSQL (storage/coordination.hpp),
/// so that of several casegate processes sharing the database one at a time polls a mailbox:
/// no two fetch and move the same messages. Returns nothing, without polling, when another
/// process holds the lock (it is polling that mailbox now).
std::optional<PollStats> poll_exclusively(Source& source, storage::Db& db,
                                          const std::atomic<bool>& stop, const StoredFn& stored);

/// New items of one poll gathered into groups (above): `add` commits a group once it is full,
/// `commit` commits what is gathered. After each commit the crash hook runs, then
/// `acknowledge` is given the committed items (to move them at the source), then `stored`.
class StoreGroup {
  public:
    using AcknowledgeFn = std::function<void(const std::vector<storage::NewInboundItem>&)>;

    StoreGroup(storage::Db& db, const std::string& log_name, PollStats& stats,
               AcknowledgeFn acknowledge, const StoredFn& stored)
        : db_(db),
          log_name_(log_name),
          stats_(stats),
          acknowledge_(std::move(acknowledge)),
          stored_(stored) {}

    void add(storage::NewInboundItem item);
    void commit();

  private:
    storage::Db& db_;
    std::string log_name_;
    PollStats& stats_;
    AcknowledgeFn acknowledge_;
    const StoredFn& stored_;
    std::vector<storage::NewInboundItem> items_;
    std::size_t bytes_ = 0;
};

/// Hook for tests of crash safety: when the environment variable
/// CASEGATE_TEST_EXIT_AFTER_STORE is set, the process exits right after the first commit of new
/// items, before acknowledging them at the source or processing them (as kill -9 would).
void maybe_exit_after_store();

}  // namespace casegate::daemon
