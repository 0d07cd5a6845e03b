// Submissions, cases, case actions, documents and the audit log. Every function runs inside
// the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/pg.hpp"
#include "workflow/status.hpp"

namespace casegate::storage {

/// The next free reference for the current year, "CG-YYYY-NNNNNN" (year from the database).
std::string next_reference(Db& db);

struct SubmissionRow {
    std::string reference;
    std::optional<std::int64_t> inbound_item_id;
    std::string channel;
    workflow::SubmissionStatus status = workflow::SubmissionStatus::incomplete;
    std::string fields_json;  ///< normalised fields as a JSON object
    std::string missing_json = "[]";
    std::string errors_json = "[]";
    std::string notes_json = "[]";
    std::string sender_email;
    std::optional<std::int64_t> case_id;  ///< the case a complete submission opened
};
std::int64_t insert_submission(Db& db, const SubmissionRow& s);

/// A case as stored (its reference is given by open_case); optional columns are NULL when
/// absent.
struct CaseRow {
    workflow::CaseStatus status = workflow::CaseStatus::submitted;
    std::string local_office;
    std::optional<std::string> designated_body;
    std::string trainee_name;
    std::string gmc_number;
    std::optional<std::string> programme, grade, employer, site;
    /// The employer's ODS code and the list's name, when it matched (import/employers.hpp).
    std::optional<std::string> employer_code, employer_name;
    std::string referrer_name, referrer_email, referrer_role;
    std::optional<std::string> referrer_phone;
    std::string concern_route, concern_type;
    std::optional<std::string> incident_date;  ///< YYYY-MM-DD
    std::vector<std::string> support_requested;
    std::optional<bool> trainee_aware;
    std::string details;
    bool terms_accepted = false;
};

/// The case columns every statement that writes a case sets, in the order case_params()
/// gives their values (`archived` follows from the status where a statement sets it).
#define CASEGATE_CASE_COLUMNS                                                            \
    "status, local_office, designated_body, trainee_name, gmc_number, programme, grade," \
    " employer, site, referrer_name, referrer_email, referrer_role, referrer_phone,"     \
    " concern_route, concern_type, incident_date, support_requested, trainee_aware,"     \
    " details, terms_accepted, employer_code, employer_name"

/// The values of CASEGATE_CASE_COLUMNS for `c` (22 parameters), appended to `params`.
void append_case_params(std::vector<Param>& params, const CaseRow& c);

struct OpenedCase {
    std::int64_t case_id = 0;
    std::int64_t submission_id = 0;
    std::string reference;  ///< CG-YYYY-NNNNNN, shared by the case and its submission
};

/// Opens a case: the next reference (as next_reference()), the case and its submission linked
/// to it, its `created` action (by casegate, from the submission's inbound item, with
/// `created_details`, a JSON object) and the audit line `case.created`, in one statement and
/// one round trip; the submission's `reference` and `case_id` are ignored.
OpenedCase open_case(Db& db, const CaseRow& c, const SubmissionRow& s,
                     const std::string& created_details = "{}");

/// Appends an action to a case (details is a JSON object).
void add_case_action(Db& db, std::int64_t case_id, const std::string& kind,
                     const std::string& actor, std::optional<std::int64_t> inbound_item_id,
                     const std::string& details_json = "{}");

void audit(Db& db, const std::string& actor, const std::string& action,
           std::optional<std::int64_t> case_id, std::optional<std::int64_t> submission_id,
           const std::string& details_json = "{}");

struct DocumentRow {
    std::optional<std::int64_t> case_id, submission_id, inbound_item_id;
    std::string filename, content_type, content;
};
/// Stores an attachment (deferred: sent with the transaction's next statement, see Db::defer).
void insert_document(Db& db, const DocumentRow& d);

/// Formats a list of strings as a PostgreSQL array literal, quoting each element.
std::string pg_text_array(const std::vector<std::string>& values);

/// "{1,2,3}": a bigint[] parameter.
std::string pg_id_array(const std::vector<std::int64_t>& ids);

}  // namespace casegate::storage
