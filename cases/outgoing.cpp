#include "cases/outgoing.hpp"

#include <ctime>
#include <vector>

#include "cases/service.hpp"
#include "workflow/threading.hpp"

namespace casegate::cases {

namespace {

std::string domain_of(const std::string& address) {
    const auto at = address.rfind('@');
    return at == std::string::npos ? std::string() : address.substr(at + 1);
}

}  // namespace

int send(storage::Db& db, const common::Config& cfg, notifier::Notification n,
         const std::string& reference) {
    if (n.to.empty()) return 0;
    const notifier::Identity from{cfg.smtp.from, cfg.smtp.from_name};
    const std::string& key = cfg.threading.key;
    if (key.empty() || !workflow::is_reference(reference)) {
        storage::enqueue(db, notifier::compose(from, n));
        return 1;
    }
    const std::string domain = domain_of(cfg.smtp.from);
    const std::int64_t expiry =
        workflow::epoch_day(static_cast<std::int64_t>(std::time(nullptr))) + kReplyTokenDays;
    std::vector<std::string> others;
    int rows = 0;
    for (const std::string& to : n.to) {
        if (!find_staff(cfg, to)) {
            others.push_back(to);
            continue;
        }
        notifier::Notification mine = n;
        mine.to = {to};
        mine.message_id = workflow::signed_message_id(reference, domain, key);
        mine.reply_to = workflow::tagged_address(cfg.smtp.from,
                                                 workflow::reply_tag(reference, to, expiry, key));
        storage::enqueue(db, notifier::compose(from, mine));
        ++rows;
    }
    if (!others.empty()) {
        n.to = others;
        n.message_id = workflow::signed_message_id(reference, domain, key);
        storage::enqueue(db, notifier::compose(from, n));
        ++rows;
    }
    return rows;
}

}  // namespace casegate::cases
