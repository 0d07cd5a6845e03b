// Processing of stored inbound items: parse in the sandbox, then, together (one savepoint in
// a group's transaction), the submission or case, its actions, documents and audit entries,
// the outbox rows, and the item's final state. A crash before the group's commit leaves the
// item "received", so it is simply processed again.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.hpp"
#include "intake/parse_worker.hpp"
#include "storage/inbound.hpp"
#include "storage/pg.hpp"

namespace casegate::intake {

struct ProcessStats {
    int cases = 0;
    int incomplete = 0;
    int set_aside = 0;
    int duplicates = 0;
    int quarantined = 0;
    int retry_later = 0;
    int threaded = 0;  ///< answers, follow-ups and repeats added to their submission or case
    int held = 0;      ///< held for review

    ProcessStats& operator+=(const ProcessStats& o) {
        threaded += o.threaded;
        held += o.held;
        cases += o.cases;
        incomplete += o.incomplete;
        set_aside += o.set_aside;
        duplicates += o.duplicates;
        quarantined += o.quarantined;
        retry_later += o.retry_later;
        return *this;
    }
};

/// No parse worker could be started or sandboxed: processing stops (items stay waiting, no
/// attempt is counted against them) until the next cycle.
class ParserUnavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Items are processed in groups, one transaction per group and a savepoint per item: a
/// group is committed after kGroupItems items or kGroupTime, whichever comes first, so that a
/// commit (a WAL flush) is paid per group, not per item. Each item's case or submission, its
/// notifications and its final state are in its savepoint and so commit together. An item that
/// fails is rolled back to its savepoint alone and its failed attempt recorded in its place,
/// committed with the others; a crash or lost connection before a group's commit leaves all of
/// its items waiting, to be processed again.
///
/// Several processes may share one database: each batch of due items is claimed for this
/// session (committed before the group's transaction) so that no other process parses the same
/// items, its lease renewed between groups while the batch lasts, and what is left unfinished
/// given up at its end. A copy of a message another session is processing right then is left
/// for a later turn, without counting an attempt.
class Pipeline {
  public:
    /// `worker_exe`: the casegate binary that parses in the sandbox (ParsePool).
    Pipeline(const common::Config& config, storage::Db& db, std::string worker_exe = kSelfExe)
        : cfg_(config), db_(db), pool_(std::move(worker_exe), config.limits) {}

    /// Processes every due item, group by group, until none is left or stop is set (the group
    /// under way is committed first).
    ProcessStats process_due(const std::atomic<bool>& stop);

    /// Raw bytes loaded per batch of due items (at least one item is always loaded). They are
    /// held about three times over while a batch is decoded (hex text from libpq, then bytes).
    static constexpr std::int64_t kBatchBytes = std::int64_t{16} * 1024 * 1024;
    /// Items per group (and per batch loaded), and the longest a group stays open.
    static constexpr int kGroupItems = 100;
    static constexpr std::chrono::milliseconds kGroupTime{250};
    /// The shortest lease of a claim on a batch. It is at least four parse timeouts, so that a
    /// group (renewed between groups, once half the lease has passed; at most one parse waited
    /// for inside it) never outlasts it.
    static constexpr int kMinClaimSeconds = 60;
    int claim_seconds() const;

  private:
    /// One batch of due items, in as many groups as the limits make. False when none was due.
    /// `skip`: items not to take again in this turn (a failure that could not be recorded, a
    /// copy being processed elsewhere).
    bool process_batch(const std::atomic<bool>& stop, ProcessStats& stats,
                       std::set<std::int64_t>& skip);
    void run_batch(const std::atomic<bool>& stop, ProcessStats& stats, std::set<std::int64_t>& skip,
                   const std::vector<storage::InboundRow>& due,
                   std::optional<storage::Transaction>& tx);
    void process_in_group(storage::Transaction& tx, const storage::InboundRow& item,
                          const ParsedItem& parsed, ProcessStats& group,
                          std::set<std::int64_t>& skip);
    /// A failed attempt: retried after a back-off, quarantined with the reason at max_attempts.
    void record_failure(std::int64_t id, const std::string& reason, std::string_view kind,
                        ProcessStats& stats);

    const common::Config& cfg_;
    storage::Db& db_;
    ParsePool pool_;
};

}  // namespace casegate::intake
