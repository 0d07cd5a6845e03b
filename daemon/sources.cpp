#include "daemon/sources.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>

#include "common/log.hpp"
#include "storage/coordination.hpp"

namespace casegate::daemon {

void StoreGroup::add(storage::NewInboundItem item) {
    bytes_ += item.raw.size();
    items_.push_back(std::move(item));
    if (items_.size() >= kStoreGroupItems || bytes_ >= kStoreGroupBytes) commit();
}

void StoreGroup::commit() {
    if (items_.empty()) return;
    std::vector<storage::StoreOutcome> outcomes;
    storage::with_retry(db_, [&] { outcomes = storage::store_inbound_group(db_, items_); });
    const auto log = common::logger(log_name_);
    for (std::size_t i = 0; i < items_.size(); ++i) {
        if (!outcomes[i].inserted) continue;
        ++stats_.stored;
        const storage::NewInboundItem& item = items_[i];
        log->info("item stored id={} mailbox={} uid={} size={}", outcomes[i].id, item.source,
                  item.uid ? std::to_string(*item.uid) : std::string("-"), item.size);
        if (item.quarantine_reason) {
            log->warn("item quarantined item={} reason=max_message_bytes", outcomes[i].id);
        }
    }
    maybe_exit_after_store();
    acknowledge_(items_);
    items_.clear();
    bytes_ = 0;
    if (stored_) stored_();
}

std::optional<PollStats> poll_exclusively(Source& source, storage::Db& db,
                                          const std::atomic<bool>& stop, const StoredFn& stored) {
    if (!storage::try_lock_mailbox(db, source.name())) return std::nullopt;
    // Released however the poll ends. A lost connection has released it already; should the
    // unlock itself fail, the session is closed, which releases it as surely (a lock left held
    // would keep every other process from this mailbox).
    struct Unlock {
        storage::Db& db;
        const std::string& name;
        Unlock(storage::Db& d, const std::string& n) : db(d), name(n) {}
        Unlock(const Unlock&) = delete;
        Unlock& operator=(const Unlock&) = delete;
        ~Unlock() {
            try {
                storage::unlock_mailbox(db, name);
            } catch (...) {
                db.disconnect();
            }
        }
    } const unlock(db, source.name());
    return source.poll(db, stop, stored);
}

void maybe_exit_after_store() {
    if (std::getenv("CASEGATE_TEST_EXIT_AFTER_STORE") != nullptr) _exit(137);
}

}  // namespace casegate::daemon
