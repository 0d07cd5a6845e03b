// How the cases commands (and the console's CSV export) print: tables, JSON lines, CSV.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "cases/service.hpp"

namespace casegate::cases::print {

using ojson = nlohmann::ordered_json;

/// Rows printed with aligned columns (the first row is the heading).
void table(const std::vector<std::vector<std::string>>& rows, std::ostream& out);

/// One CSV record (RFC 4180 quoting; a cell a spreadsheet would read as a formula is prefixed
/// with an apostrophe).
void csv_record(const std::vector<std::string>& cells, std::ostream& out);

/// A stored field value as text: a string as it is, a yes/no as Yes or No, a list joined
/// with ", ".
std::string value_text(const nlohmann::json& v);

/// One line of JSON, invalid UTF-8 replaced.
std::string line(const ojson& j);

/// A listed case as JSON, and as cells in the same order as list_keys().
ojson case_json(const storage::StoredCase& c);
const std::vector<std::string>& list_keys();
std::vector<std::string> case_cells(const storage::StoredCase& c);

/// `cases show`: the JSON object, and the text for a terminal.
ojson show_json(const CaseView& v);
void show_text(const CaseView& v, std::ostream& out);

/// `cases audit`: one JSON object per entry, or a table.
void audit_json(const AuditView& v, std::ostream& out);
void audit_text(const AuditView& v, std::ostream& out);

/// What a change did and who was told, for the terminal.
void outcome_text(const Outcome& o, std::ostream& out);

}  // namespace casegate::cases::print
