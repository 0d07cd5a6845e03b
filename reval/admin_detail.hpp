// Shared by the revalidation admin commands (admin.cpp, admin_view.cpp, admin_cli.cpp): the
// usage text, the offices as the commands name them, and the doctor as printed. Internal to
// casegate_reval.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.hpp"
#include "reval/admin.hpp"
#include "revalidation/model.hpp"
#include "storage/revalidation_admin.hpp"

namespace casegate::reval::detail {

namespace rv = revalidation;
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

inline constexpr std::string_view kUsage =
    "usage: casegate reval list --office OFFICE [--list discrepancy|connected|review|hidden|"
    "historic] [--json] [--config FILE]\n"
    "       casegate reval add|remove GMC --office OFFICE --reason CODE --as OPERATOR "
    "[--note TEXT] [--confirm-db] [--config FILE]\n"
    "       casegate reval hide GMC --office OFFICE --reason TEXT --as OPERATOR "
    "[--until YYYY-MM-DD] [--config FILE]\n"
    "       casegate reval unhide|flag|unflag GMC --office OFFICE --reason TEXT --as OPERATOR "
    "[--config FILE]\n";

inline const std::vector<std::string_view> kActions = {"add",    "remove", "hide",
                                                       "unhide", "flag",   "unflag"};
inline const std::vector<std::string_view> kLists = {"connected", "discrepancy", "review", "hidden",
                                                     "historic"};

/// The configured office named `name_or_body` (its name or its designated body code).
const common::OfficeConfig* find_office(const common::Config& cfg, const std::string& name_or_body);

/// Tells the operator which offices are configured; returns kRevalUsage.
int unknown_office(const common::Config& cfg, const std::string& office, std::ostream& err);

/// The classification's reasons as words.
std::vector<std::string> reason_words(const rv::Classification& c);

/// `v` joined by `sep`, or "-" when empty.
std::string joined(const std::vector<std::string>& v, std::string_view sep);

/// The doctor as stored (what an admin saw), for the list's JSON and the action's facts.
ojson doctor_json(const storage::StoredDoctor& d);

/// One line of JSON; invalid UTF-8 replaced.
std::string dump(const ojson& j);

/// One `reval list --json` line for the office with designated body `body`.
ojson list_line(const storage::StoredDoctor& d, const std::string& body);

/// One row of the `reval list` table, and the table printed with aligned columns.
std::vector<std::string> table_row(const storage::StoredDoctor& d, const std::string& body);
void print_table(const std::vector<std::vector<std::string>>& rows, std::ostream& out);

/// What is wrong with the action's options before the database is asked, or "".
std::string usage_problem(const ActionOptions& o, rv::Date today);

}  // namespace casegate::reval::detail
