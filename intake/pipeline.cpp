// Processing stored items in groups (pipeline.hpp): claims, one transaction per group, a
// savepoint per item, the parse of the next item overlapped with the current one's statements;
// what each item becomes is ItemProcessor's (item_processor.hpp).
#include "intake/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <future>
#include <optional>
#include <set>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/watchdog.hpp"
#include "intake/item_processor.hpp"
#include "storage/inbound.hpp"

namespace casegate::intake {

int Pipeline::claim_seconds() const {
    return std::max(kMinClaimSeconds, 4 * cfg_.limits.parse_timeout);
}

ProcessStats Pipeline::process_due(const std::atomic<bool>& stop) {
    ProcessStats stats;
    std::set<std::int64_t> skip;
    bool more = true;
    while (more && !stop) {
        // A lost connection loses at most the open group: its items are still due (the claims
        // of the closed session are free at once) and are claimed, parsed and processed again.
        storage::with_retry(db_, [&] { more = process_batch(stop, stats, skip); });
    }
    return stats;
}

bool Pipeline::process_batch(const std::atomic<bool>& stop, ProcessStats& stats,
                             std::set<std::int64_t>& skip) {
    // The claim commits on its own, before the group's transaction, so other processes leave
    // these items alone from now on.
    const std::vector<storage::InboundRow> due =
        storage::claim_due_inbound(db_, kGroupItems, kBatchBytes, claim_seconds(), skip);
    if (due.empty()) return false;
    common::logger("pipeline")
        ->debug("items claimed count={} session={}", due.size(), db_.backend_pid());
    std::vector<std::int64_t> ids;
    ids.reserve(due.size());
    for (const storage::InboundRow& row : due) ids.push_back(row.id);

    std::optional<storage::Transaction> tx;
    try {
        run_batch(stop, stats, skip, due, tx);
    } catch (const storage::DbError& e) {
        tx.reset();
        // A closed session's claims are free already; otherwise give them up for others.
        if (!e.is_connection()) {
            try {
                storage::release_claims(db_, ids);
            } catch (const storage::DbError&) {  // they lapse with the lease
            }
        }
        throw;
    } catch (...) {
        tx.reset();
        try {
            storage::release_claims(db_, ids);
        } catch (const storage::DbError&) {  // they lapse with the lease
        }
        throw;
    }
    // Finished items are no longer claimed; what is left (stopped, skipped) is due again.
    storage::release_claims(db_, ids);
    return true;
}

void Pipeline::run_batch(const std::atomic<bool>& stop, ProcessStats& stats,
                         std::set<std::int64_t>& skip, const std::vector<storage::InboundRow>& due,
                         std::optional<storage::Transaction>& tx) {
    ProcessStats group;  // counted once committed
    int in_group = 0;
    auto deadline = std::chrono::steady_clock::now();
    const auto half_lease = std::chrono::seconds(claim_seconds() / 2);
    auto renew_at = std::chrono::steady_clock::now() + half_lease;
    const auto commit = [&] {
        if (!tx) return;
        tx->commit();
        tx.reset();
        stats += group;
        group = {};
        in_group = 0;
    };
    // The worker parses the next item while this thread does the database work for the
    // current one. One parse at a time, so the pool is never used by two threads at once; a
    // parse in flight when the loop ends is waited for (the future's destructor) and dropped.
    const auto parse = [this](const storage::InboundRow& row) {
        const ItemKind kind = row.source_kind == "web" ? ItemKind::json : ItemKind::email;
        return pool_.parse(row.raw, kind, common::local_today());
    };
    std::future<ParsedItem> next = std::async(std::launch::async, parse, std::cref(due.front()));
    for (std::size_t i = 0; i < due.size(); ++i) {
        if (stop) break;
        common::watchdog_ping();
        const storage::InboundRow& row = due[i];
        const ParsedItem parsed = next.get();
        if (i + 1 < due.size() && parsed.status != ParseStatus::unavailable) {
            next = std::async(std::launch::async, parse, std::cref(due[i + 1]));
        }
        if (parsed.status == ParseStatus::unavailable) {
            commit();
            throw ParserUnavailable(parsed.reason);
        }
        if (std::chrono::steady_clock::now() >= renew_at) {
            // A long batch (slow parses) keeps its claim: the group so far is committed and
            // the lease of the items still to come renewed, outside any transaction, so that
            // other processes see it. An item whose claim lapsed meanwhile is found so when
            // it is locked, and left to the process that has it now.
            commit();
            std::vector<std::int64_t> rest;
            rest.reserve(due.size() - i);
            for (std::size_t j = i; j < due.size(); ++j) rest.push_back(due[j].id);
            storage::renew_claims(db_, rest, claim_seconds());
            renew_at = std::chrono::steady_clock::now() + half_lease;
        }
        if (!tx) {
            tx.emplace(db_);
            deadline = std::chrono::steady_clock::now() + kGroupTime;
        }
        process_in_group(*tx, row, parsed, group, skip);
        if (++in_group >= kGroupItems || std::chrono::steady_clock::now() >= deadline) commit();
    }
    commit();
}

void Pipeline::process_in_group(storage::Transaction& tx, const storage::InboundRow& item,
                                const ParsedItem& parsed, ProcessStats& group,
                                std::set<std::int64_t>& skip) {
    const std::int64_t id = item.id;
    std::string error;
    tx.savepoint();
    try {
        ProcessStats local;
        if (parsed.status == ParseStatus::failed) {
            record_failure(id, parsed.reason, "parse_failed", local);
        } else {
            ItemProcessor(cfg_, db_, id, item.sha256, item.source_kind, parsed, local)
                .released(item.released_by, item.thread_reference)
                .run();
        }
        tx.release_savepoint();  // the item's statements have all been answered here
        group += local;
        return;
    } catch (const storage::DbError& e) {
        if (e.is_connection()) throw;  // the group is lost; with_retry starts it again
        if (e.is_lock_conflict()) {
            // Another session is processing a copy of this message (or the server broke a
            // deadlock): nothing is wrong with the item. It is undone, not charged, and left
            // for a later turn, when that session's outcome is committed and visible.
            tx.rollback_to_savepoint();
            tx.release_savepoint();
            skip.insert(id);
            common::logger("pipeline")->debug("item deferred id={} sqlstate={}", id, e.sqlstate());
            return;
        }
        error = e.what();
    } catch (const std::exception& e) {
        error = e.what();
    }
    // One bad item never harms the others: its work is undone alone, and its failure is
    // recorded in its place, committed with the group.
    common::logger("pipeline")->error("item failed id={} error={}", id, error);
    tx.rollback_to_savepoint();
    try {
        ProcessStats local;
        record_failure(id, "processing error: " + error, "processing_error", local);
        tx.release_savepoint();
        group += local;
    } catch (const storage::DbError& e) {
        if (e.is_connection()) throw;
        // Not even the failure can be written: leave the item waiting, untouched, and do not
        // take it again in this turn.
        tx.rollback_to_savepoint();
        tx.release_savepoint();
        skip.insert(id);
        common::logger("pipeline")->error("item failure not recorded id={} error={}", id, e.what());
    }
}

void Pipeline::record_failure(std::int64_t id, const std::string& reason, std::string_view kind,
                              ProcessStats& stats) {
    switch (storage::record_failed_attempt(db_, id, reason, cfg_.limits.max_attempts)) {
        case storage::FailedAttempt::quarantined:
            ++stats.quarantined;
            log_quarantined(id, kind);
            break;
        case storage::FailedAttempt::retry_later:
            ++stats.retry_later;
            common::logger("pipeline")
                ->warn("item failed, retried later id={} reason={}", id, reason);
            break;
        case storage::FailedAttempt::not_claimed:
            // Its claim lapsed and another process has it: the attempt is that one's to count.
            common::logger("pipeline")->debug("item failed after its claim lapsed id={}", id);
            break;
    }
}

}  // namespace casegate::intake
