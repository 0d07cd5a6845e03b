// `casegate import-cases`: historical cases from an office's spreadsheet (seed 000: "bulk upload
// concerns is not currently possible", "how do we handle current cases at the point of cut
// over?"). Each row is checked with the rules of any submission — with those a historical
// record cannot meet relaxed (kRelaxed) — and either becomes a case marked as imported, with
// its status and dates, linked to the doctor by GMC number, matched to the office's employers,
// and with no notification; or is reported by its line and field, and nothing of it is
// written. Rows are keyed by the office and their content, so a second run creates nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "import/csv.hpp"
#include "storage/pg.hpp"

namespace casegate::import {

/// Form fields a historical record may lack: the declaration (never asked of it), the
/// referrer's email and role (old logs rarely kept them) and the details (some logs kept only
/// the type of concern). Stored empty (false for the declaration, which may also be given as
/// "no").
extern const std::vector<std::string> kRelaxed;

/// The columns besides the form's: the case's own.
enum class CaseColumn { reference, status, case_manager, outcome, received, closed, notes,
                        employer_code, source_reference, ignore };

/// What a header means: a form field's key, or one of the case's columns.
struct Target {
    std::string field;  ///< a form key, or "" for a case column
    CaseColumn column = CaseColumn::ignore;
    bool known = false;  ///< false: the header is neither
    bool used() const { return known && (!field.empty() || column != CaseColumn::ignore); }
};

/// The target of a header: the form's keys, labels and aliases (as in an email body), then the
/// case columns' names; not `known` when neither.
Target target_of(const std::string& header);

struct RowError {
    int line = 0;
    std::string field;  ///< the form key or case column; "" for the whole row
    std::string message;
};

struct ImportOptions {
    std::string office;
    std::string by;         ///< the admin's email, for the audit
    std::string file_name;  ///< for the report and the audit
    std::map<std::string, std::string> mapping;  ///< header -> key or case column ("ignore")
    bool dry_run = false;
    std::size_t batch = 500;
};

struct PlannedCase {
    int line = 0;
    std::string summary;  ///< received, status, route / type, employer (no names)
};

struct ImportReport {
    std::string encoding;
    char separator = ',';
    int rows = 0;
    std::vector<std::string> problems;  ///< about the file as a whole: nothing is written
    std::vector<RowError> errors;       ///< per row: those rows are not written
    std::vector<PlannedCase> planned;   ///< rows to create (created, unless a dry run)
    std::map<std::string, int> unmatched_employers;  ///< as written -> rows
    int repeated = 0;                   ///< rows repeating an earlier row of the file
    int already = 0;                    ///< rows imported by an earlier run
    int created = 0;
    std::int64_t import_id = 0;
    std::string file_sha256;
};

/// The number of rows with at least one error.
int rejected_rows(const ImportReport& r);

/// Progress of a run that writes: the file's rows gone through so far, of all of them.
using Progress = std::function<void(int done, int total)>;

/// Imports the file's bytes for the office (a dry run writes nothing). Throws CsvError for a
/// file that cannot be read as CSV, storage::DbError for the database.
ImportReport import_cases(storage::Db& db, const common::Config& cfg, std::string_view bytes,
                          const ImportOptions& options, const Progress& progress = {});

/// The office's cases as import_cases reads them (`casegate cases export --csv`): the header
/// (the form's keys, then the case columns) and one line per case.
void export_cases_csv(storage::Db& db, const std::string& office, std::ostream& out);

}  // namespace casegate::import
