// Processing of stored inbound items: parse in the sandbox, then, in one transaction, the
// submission or case, its actions, documents and audit entries, the outbox rows, and the
// item's final state. A crash before the commit leaves the item "received", so it is simply
// processed again.
#pragma once

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>

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
};

/// No parse worker could be started or sandboxed: processing stops (items stay waiting, no
/// attempt is counted against them) until the next cycle.
class ParserUnavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Pipeline {
public:
    /// `worker_exe`: the casegate binary that parses in the sandbox (ParsePool).
    Pipeline(const common::Config& config, storage::Db& db, std::string worker_exe = kSelfExe)
        : cfg_(config), db_(db), pool_(std::move(worker_exe), config.limits) {}

    /// Processes every due item, one at a time, until none is left or stop is set.
    ProcessStats process_due(const std::atomic<bool>& stop);

    /// Processes one item loaded by storage::due_inbound (no-op if, by the time its
    /// transaction locks it, it is no longer waiting).
    void process(const storage::InboundRow& item, ProcessStats& stats);

    /// Raw bytes loaded per batch of due items (at least one item is always loaded). They are
    /// held about three times over while a batch is decoded (hex text from libpq, then bytes).
    static constexpr std::int64_t kBatchBytes = std::int64_t{16} * 1024 * 1024;

private:
    const common::Config& cfg_;
    storage::Db& db_;
    ParsePool pool_;
};

}  // namespace casegate::intake
