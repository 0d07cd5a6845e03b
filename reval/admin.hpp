// `casegate reval list` and the admin actions `reval add|remove|hide|unhide|flag|unflag`:
// what a local office sees of the stored classifications, and the interaction rules of
// REVALIDATION.md applied to a doctor before anything is recorded (docs/revalidation.md,
// "Admin commands").
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "revalidation/model.hpp"
#include "storage/pg.hpp"

namespace casegate::reval {

/// Exit codes of the commands.
inline constexpr int kRevalOk = 0;
inline constexpr int kRevalRefused = 1;  ///< an interaction rule refused the action
inline constexpr int kRevalUsage = 2;    ///< bad arguments or an office that is not configured
inline constexpr int kRevalFailed = 3;   ///< configuration or database failure

struct ListOptions {
    std::string office;  ///< configured office name or its designated body code
    std::string list;    ///< "" (every list) or connected|discrepancy|review|hidden|historic
    bool json = false;
};

/// Prints what the office may see: a table, or one JSON object per line. Returns an exit code.
int reval_list(const common::Config& cfg, storage::Db& db, const ListOptions& o, std::ostream& out,
               std::ostream& err);

/// The same list as rows of words: the header (GMC, NAME, LIST, REASONS, DBS, FLAG, GMC REQUEST,
/// ACTION, ACCESS), then one row per doctor. nullopt, with the reason on `err`, when the
/// office or the list is unknown.
std::optional<std::vector<std::vector<std::string>>> reval_table(const common::Config& cfg,
                                                                 storage::Db& db,
                                                                 const ListOptions& o,
                                                                 std::ostream& err);

struct ActionOptions {
    std::string action;  ///< add | remove | hide | unhide | flag | unflag
    std::string doctor;  ///< GMC number (or TIS person id of a doctor without one)
    std::string office;  ///< configured office name or its designated body code
    std::string reason;  ///< add/remove: GMC reason code; otherwise the admin's reason
    std::string note;    ///< add/remove: the admin's free text (optional)
    std::string as;      ///< the operator's name, for the records and the audit log
    std::optional<revalidation::Date> until;  ///< hide only
    bool confirm_designated_body = false;     ///< add to a DB outside the doctor's TIS DBs
};

/// Checks the action on the doctor's stored classification and, when allowed, records it (and
/// its GMC request for add/remove), reclassifies after hide/unhide/flag/unflag, writes the
/// audit log, and prints the confirmation on `out`; a refusal goes to `err` naming the rule
/// and is audited too. `today`: the day the action counts from. Returns an exit code.
int reval_act(const common::Config& cfg, storage::Db& db, const ActionOptions& o,
              revalidation::Date today, std::ostream& out, std::ostream& err);

/// The whole command: `args` are the words after `reval` (list/add/…, then options including
/// --config FILE). Never throws.
int reval_admin_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// True when `word` names a subcommand that reval_admin_main runs.
bool is_reval_admin_command(const std::string& word);

}  // namespace casegate::reval
