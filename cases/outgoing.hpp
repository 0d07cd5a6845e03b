// Notifications about a case or submission as every path sends them (intake, the case
// service, the staff console): a Message-ID signed for the reference, so that answers thread
// back (workflow/threading.hpp); and to each member of staff a copy of their own whose reply
// address carries a token, so that they can act on the case by replying with a command.
#pragma once

#include <string>
#include <vector>

#include "common/config.hpp"
#include "notifier/compose.hpp"
#include "notifier/templates.hpp"
#include "storage/pg.hpp"

namespace casegate::cases {

/// How long a staff member's reply token lasts.
inline constexpr int kReplyTokenDays = 30;

/// Puts `n` in the outbox (inside the caller's transaction): one row for the recipients who
/// are not configured staff, and one per member of staff with their own reply address.
/// Without `[threading] key_file` or a reference, one unsigned row. Returns the rows written.
int send(storage::Db& db, const common::Config& cfg, notifier::Notification n,
         const std::string& reference);
/// As send() for each of `ns`, all about `reference`, in one statement.
int send(storage::Db& db, const common::Config& cfg, std::vector<notifier::Notification> ns,
         const std::string& reference);

/// Where `cfg` says the operator's notification texts are ([notifications] templates_dir and
/// each [[office]]'s).
notifier::TemplateDirs template_dirs(const common::Config& cfg);

/// Checks `cfg`'s texts (notifier::check_templates) and puts them in use in this process.
/// Throws common::ConfigError listing every problem; the texts in use then stay as they were.
void use_texts(const common::Config& cfg);

/// check-config's check of the texts: the line it prints, or common::ConfigError.
std::string check_texts(const common::Config& cfg);

}  // namespace casegate::cases
