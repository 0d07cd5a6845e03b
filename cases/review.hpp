// Mail held for review (README "How a referral flows", step 7): what an office's admins see
// and do with it. `casegate review list|attach|dismiss`.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.hpp"
#include "storage/pg.hpp"

namespace casegate::cases {

struct HeldItem {
    std::int64_t id = 0;
    std::string received_at;
    std::string from_address;
    std::string reason;
    std::string reference;  ///< the case or submission it named, "" for none
    std::string office;     ///< the office whose admins review it
};

/// The held items an admin may review: those naming a case or submission of their office, and
/// for the default office's admins those naming none. Throws std::invalid_argument for anyone
/// who is not an admin.
std::vector<HeldItem> held_items(storage::Db& db, const common::Config& cfg,
                                 std::string_view admin_email);

/// Releases a held item onto the case or submission `reference`: the daemon processes it again
/// as from someone who may add to it (a follow-up, or an answer). Audited. Returns "" when done,
/// else why not ("no such held item", "no such case").
std::string release_held(storage::Db& db, const common::Config& cfg, std::string_view admin_email,
                         std::int64_t item, const std::string& reference);

/// A received item that became no case: set aside (not a referral, or dismissed) or
/// quarantined (over a limit, unreadable, failing to parse), with the reason kept.
struct SetAsideItem {
    std::int64_t id = 0;
    std::string received_at;
    std::string source;  ///< the mailbox or endpoint
    std::string from_address;
    std::string state;  ///< "set_aside" or "quarantined"
    std::string reason;
};

/// The newest `limit` set-aside and quarantined items, for the default office's admins (such
/// an item names no office; incomplete submissions without one go there too); empty for other
/// admins. Throws std::invalid_argument for anyone who is not an admin.
std::vector<SetAsideItem> set_aside_items(storage::Db& db, const common::Config& cfg,
                                          std::string_view admin_email, int limit = 100);

/// Makes a set-aside or quarantined item due again, as if just received (after its cause was
/// fixed, e.g. a limit raised): the daemon processes it at its next turn. The default office's
/// admins only. Audited. "" when done, else why not ("no such item").
std::string rerun_item(storage::Db& db, const common::Config& cfg, std::string_view admin_email,
                       std::int64_t item);

/// Sets a held item aside for good, with the admin's reason. Audited. "" when done, else why not.
std::string dismiss_held(storage::Db& db, const common::Config& cfg, std::string_view admin_email,
                         std::int64_t item, const std::string& reason);

/// `casegate review …`: exit 0 done, 1 refused, 2 usage, 3 configuration or database failure.
int review_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace casegate::cases
