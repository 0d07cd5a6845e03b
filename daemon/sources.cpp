#include "daemon/sources.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>

#include "common/log.hpp"

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

void maybe_exit_after_store() {
    if (std::getenv("CASEGATE_TEST_EXIT_AFTER_STORE") != nullptr) _exit(137);
}

}  // namespace casegate::daemon
