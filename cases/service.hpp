// The case service: the one way a case is changed, whoever asks (the command line now; a staff
// member's emailed command and the staff console later call the same functions). Each change,
// in one transaction: the case locked, the actor found in the configuration, the rules asked
// (workflow::decide), the case updated, a case action and an audit entry written, and the
// notifications workflow::recipients names put in the outbox. A case the actor may not see
// reads as "no such case". Reading a case (show, audit) is audited too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.hpp"
#include "storage/case_records.hpp"
#include "storage/pg.hpp"
#include "workflow/rules.hpp"

namespace casegate::cases {

/// A member of staff as the configuration names them.
struct Staff {
    std::string name;
    std::string email;  ///< as configured
    workflow::Role role = workflow::Role::case_manager;
    std::string office;

    workflow::Actor actor() const { return {email, role, office}; }
};

/// The member of staff whose email is `email` (ignoring case), or nullopt.
std::optional<Staff> find_staff(const common::Config& cfg, std::string_view email);

/// A document to attach: its name and bytes (the content type is found from the bytes).
struct Document {
    std::string filename;
    std::string content;
};

/// The largest document `attach` stores.
inline constexpr std::size_t kMaxDocumentBytes = std::size_t{25} * 1024 * 1024;

/// The content type of a document, found from its bytes: application/pdf, image/png,
/// image/jpeg, a Word document (.docx), or text/plain (UTF-8 text); nullopt for anything else.
std::optional<std::string> content_type_of(std::string_view bytes);

/// One notification written to the outbox.
struct Told {
    std::string kind;             ///< outbox kind, e.g. "referral_accepted"
    std::string who;              ///< "referrer", "case manager", "office admins"
    std::vector<std::string> to;  ///< its recipients
};

/// What a change did, or why it was not made.
struct Outcome {
    bool done = false;
    std::string rule;     ///< refused: the rule, in a few words
    std::string refusal;  ///< refused: the reason to show ("no such case", "…; allowed now: …")
    std::string reference;
    workflow::CaseStatus before = workflow::CaseStatus::submitted;
    workflow::CaseStatus after = workflow::CaseStatus::submitted;
    std::string summary;  ///< done: "CG-2026-000001 accepted (submitted -> accepted)"
    std::vector<Told> told;
};

/// Makes `change` to the case `reference` as the member of staff `actor_email`. `detail` is
/// the change's argument: the return reason, the case manager's email (assign), the support
/// agreed (triage), the meeting's date (YYYY-MM-DD), "engaged" or "not engaged", the plan, the
/// outcome (outcome, close) or the note; "" for the others. Use attach() for documents.
/// A refusal is a value (done false), audited when the case exists; database errors throw.
Outcome apply(storage::Db& db, const common::Config& cfg, std::string_view actor_email,
              std::string_view reference, workflow::Change change, std::string_view detail);

/// The same inside the caller's transaction (a staff member's emailed command, processed in
/// the intake's transaction). `change` must not be attach.
Outcome apply_in_transaction(storage::Db& db, const common::Config& cfg,
                             std::string_view actor_email, std::string_view reference,
                             workflow::Change change, std::string_view detail);

/// Attaches a document to the case (Change::attach), its content type found from its bytes;
/// a document that is empty, too large or of no known type is refused.
Outcome attach(storage::Db& db, const common::Config& cfg, std::string_view actor_email,
               std::string_view reference, const Document& document);

/// A case or incomplete submission as a member of staff may read it.
struct CaseView {
    bool found = false;  ///< false: "no such case" (absent, or not the actor's to see)
    std::string refusal;
    std::string reference;
    std::string status;  ///< a case status, or "incomplete"
    std::string local_office;
    std::optional<std::string> case_manager;
    std::optional<std::string> outcome;
    std::string created_at;
    std::string fields_json = "{}";
    std::string missing_json = "[]", errors_json = "[]";  ///< incomplete submissions
    std::vector<storage::StoredAction> actions;
    std::vector<storage::StoredDocument> documents;
    std::int64_t case_id = 0;                ///< 0 for an incomplete submission
    std::vector<storage::AuditEntry> audit;  ///< with_audit only, this view included
};

/// Reads the case (or incomplete submission) and audits the view ("case.viewed"); with
/// `with_audit` also its audit log (the staff console's case page shows it).
CaseView show(storage::Db& db, const common::Config& cfg, std::string_view actor_email,
              std::string_view reference, bool with_audit = false);

/// Who viewed and changed the case, and when; the read itself is audited ("case.audit_read").
struct AuditView {
    bool found = false;
    std::string refusal;
    std::vector<storage::AuditEntry> entries;
};
AuditView audit_trail(storage::Db& db, const common::Config& cfg, std::string_view actor_email,
                      std::string_view reference);

/// The cases the member of staff may see that match `filter` (its office and case manager
/// narrowed to what they may see), audited as one "cases.listed" entry. Throws
/// std::invalid_argument for an unknown actor.
std::vector<storage::StoredCase> list(storage::Db& db, const common::Config& cfg,
                                      std::string_view actor_email, storage::CaseFilter filter);

/// One page of the cases the member may see, in `order`, with (when `counts`) how many match
/// and how many are in each status. Audited as list() is.
struct CaseList {
    std::vector<storage::StoredCase> cases;
    storage::CaseCounts counts;
};
CaseList list_page(storage::Db& db, const common::Config& cfg, std::string_view actor_email,
                   storage::CaseFilter filter, const storage::CaseOrder& order, bool counts);

/// Tells the changes of status or case manager written straight into PostgreSQL (recorded by
/// a trigger, storage/sql/0007_case_events.sql) exactly as if made here: a case action, an
/// audit entry and the notifications workflow::recipients names, the database user standing
/// for the actor. At most `limit` events per call, each by one process. Returns the events
/// told.
int tell_database_changes(storage::Db& db, const common::Config& cfg, int limit = 100);

/// The refusal for a case that does not exist or that the member may not see (the same text,
/// so that nobody learns which).
inline constexpr std::string_view kNoSuchCase = "no such case";

/// The text of a refusal for an email that is not a member of staff.
inline constexpr std::string_view kUnknownStaff = "is not a member of staff in the configuration";

}  // namespace casegate::cases
