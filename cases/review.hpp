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

/// Sets a held item aside for good, with the admin's reason. Audited. "" when done, else why not.
std::string dismiss_held(storage::Db& db, const common::Config& cfg, std::string_view admin_email,
                         std::int64_t item, const std::string& reason);

/// `casegate review …`: exit 0 done, 1 refused, 2 usage, 3 configuration or database failure.
int review_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace casegate::cases
