// Cases as staff work on them: one case locked for a change, the change written, and what the
// command line lists and shows (cases, their actions, documents and audit entries). Every
// function runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/pg.hpp"
#include "workflow/status.hpp"

namespace casegate::storage {

/// A case as staff see it. Times are as PostgreSQL prints timestamptz.
struct StoredCase {
    std::int64_t id = 0;
    std::string reference;
    workflow::CaseStatus status = workflow::CaseStatus::submitted;
    std::string local_office;
    std::optional<std::string> case_manager;  ///< email
    std::string trainee_name, gmc_number;
    std::string referrer_name, referrer_email;
    std::string concern_route, concern_type;
    std::optional<std::string> employer;
    std::optional<std::string> outcome;
    std::string created_at;
    std::optional<std::string> closed_at;
    std::optional<std::int64_t> submission_id;
    std::string fields_json = "{}";  ///< the submission's fields, as received
};

/// The case with this reference, locked FOR UPDATE when `lock` is set; nullopt when none.
std::optional<StoredCase> find_case(Db& db, const std::string& reference, bool lock);

/// What a change writes to the case row; unset members are left as they are.
struct CaseUpdate {
    std::optional<workflow::CaseStatus> status;  ///< `archived` follows it
    std::optional<std::string> case_manager;
    std::optional<std::string> outcome;
    bool set_closed_at = false;    ///< closed_at = now()
    bool clear_closed_at = false;  ///< closed_at = NULL
};
void update_case(Db& db, std::int64_t case_id, const CaseUpdate& u);

/// Filters of `casegate cases list`; empty members filter nothing. Text is compared ignoring
/// case; `search` is a substring of the reference, doctor's name, GMC number or referrer's
/// name or email.
struct CaseFilter {
    std::string office;                       ///< exact office name
    std::optional<std::string> case_manager;  ///< only cases assigned to this email
    std::vector<std::string> statuses;
    std::string route, type, employer, search;
    std::string created_from, created_to;  ///< YYYY-MM-DD, inclusive
    std::string gmc;                       ///< exact GMC number
    bool include_archived = false;
};

/// The order and the page of a listing.
struct CaseOrder {
    /// reference, status, office, case_manager, doctor, gmc, referrer, route, type, employer
    /// or created (the default); anything else is created.
    std::string sort = "created";
    bool ascending = false;
    int limit = 0;  ///< 0: every row
    int offset = 0;
};

/// Cases matching the filter, newest first (or in `order`).
std::vector<StoredCase> list_cases(Db& db, const CaseFilter& f, const CaseOrder& order = {});

/// How many cases match the filter, and how many of them are in each status (the filter's
/// statuses ignored, so that a page can show every status's count next to its choice).
struct CaseCounts {
    int total = 0;                                       ///< matching the whole filter
    std::vector<std::pair<std::string, int>> by_status;  ///< status → count, statuses present
};
CaseCounts count_cases(Db& db, const CaseFilter& f);

struct StoredAction {
    std::string kind, actor, at;
    std::string details_json;  ///< a JSON object
};
std::vector<StoredAction> case_actions_of(Db& db, std::int64_t case_id);

struct StoredDocument {
    std::string filename, content_type, created_at;
    std::int64_t size = 0;
    std::int64_t id = 0;
};
std::vector<StoredDocument> documents_of(Db& db, std::optional<std::int64_t> case_id,
                                         std::optional<std::int64_t> submission_id);

/// One document's name, type and bytes, if it belongs to the case.
struct DocumentContent {
    std::string filename, content_type, content;
};
std::optional<DocumentContent> document_of_case(Db& db, std::int64_t case_id,
                                                std::int64_t document_id);

struct AuditEntry {
    std::string at, actor, action;
    std::string details_json;  ///< a JSON object
};
/// The audit entries of a case, or of a submission, oldest first.
std::vector<AuditEntry> audit_of(Db& db, std::optional<std::int64_t> case_id,
                                 std::optional<std::int64_t> submission_id);

/// A submission kept without a case (incomplete), by its reference.
struct StoredSubmission {
    std::int64_t id = 0;
    std::string reference, channel, created_at;
    std::string fields_json, missing_json, errors_json;
};
std::optional<StoredSubmission> find_incomplete_submission(Db& db, const std::string& reference);

/// A change of a case's status or case manager written outside the case service
/// (storage/sql/0007_case_events.sql).
struct CaseEvent {
    std::int64_t id = 0;
    std::string reference;
    std::string db_user;
    std::string old_status, new_status;
    std::string old_case_manager, new_case_manager;  ///< "" for none
};

/// Claims up to `limit` events not yet told, oldest first (FOR UPDATE SKIP LOCKED: each is
/// told by one process), inside the caller's transaction.
std::vector<CaseEvent> claim_case_events(Db& db, int limit);

/// Marks an event told (deferred).
void case_event_done(Db& db, std::int64_t id);

/// Marks the caller's transaction as the case service's own, so that its changes of status or
/// case manager are not recorded again as events (deferred).
void mark_case_service(Db& db);

}  // namespace casegate::storage
