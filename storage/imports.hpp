// Employers' aliases and imported historical cases (0013_employers_and_imports.sql). Every
// function runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/cases.hpp"
#include "storage/pg.hpp"

namespace casegate::storage {

struct EmployerAlias {
    std::string code;
    std::string name;
};

/// The alias recorded for the office and the written name's key, if any.
std::optional<EmployerAlias> find_employer_alias(Db& db, const std::string& office,
                                                 const std::string& key);

/// Records (or replaces) an alias: `key` (employer_key of `as_given`) means `code`.
void save_employer_alias(Db& db, const std::string& office, const std::string& key,
                         const std::string& as_given, const EmployerAlias& to,
                         const std::string& by);

/// The office's cases whose employer matched nothing: (case id, employer as written).
std::vector<std::pair<std::int64_t, std::string>> unmatched_employers(Db& db,
                                                                      const std::string& office);

/// Sets the employer's code and name of the cases.
void set_case_employer(Db& db, const std::vector<std::int64_t>& case_ids,
                       const EmployerAlias& employer);

/// Cases of the office per employer: by code (with the list's name) and, unmatched, as written.
struct EmployerCount {
    std::string code;  ///< "" = unmatched
    std::string name;  ///< the list's name, or the employer as written
    std::int64_t cases = 0;
};
std::vector<EmployerCount> employer_counts(Db& db, const std::string& office);

/// One historical case to write.
struct ImportedCase {
    CaseRow c;
    std::string key;                    ///< the row's key (its office and content)
    std::string reference;              ///< a CG reference to keep; "" = the next of the year
    std::string received;               ///< YYYY-MM-DD: the case's created_at
    std::optional<std::string> closed;  ///< YYYY-MM-DD
    std::optional<std::string> outcome, case_manager, source_reference, notes;
    std::string fields_json;  ///< the submission's fields
};

/// Starts an import; its id.
std::int64_t start_import(Db& db, const std::string& office, const std::string& file_name,
                          const std::string& file_sha256, const std::string& by);

void finish_import(Db& db, std::int64_t import_id, int rows_read, int created, int already,
                   int rejected);

/// The keys among `keys` imported before.
std::set<std::string> imported_keys(Db& db, const std::vector<std::string>& keys);

/// The references among `references` that cases have.
std::set<std::string> taken_references(Db& db, const std::vector<std::string>& references);

/// Writes one case (its submission, its "created" action, its notes as a note) marked as
/// imported; no notification. Deferred (Db::defer): inside a transaction it is sent with the
/// next statement or the commit, so a batch of them costs one round trip.
void queue_imported_case(Db& db, std::int64_t import_id, const ImportedCase& i,
                         const std::string& by);

/// Every case of the office, oldest first, for `casegate cases export`.
struct ExportedCase {
    std::string reference, status, received, closed, outcome, case_manager, employer_code,
        source_reference;
    std::string fields_json;  ///< the submission's fields (or the case's columns)
    std::string notes;        ///< the notes, one paragraph each
};
std::vector<ExportedCase> export_cases(Db& db, const std::string& office);

}  // namespace casegate::storage
