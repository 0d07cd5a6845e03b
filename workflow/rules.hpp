// The case workflow's rules (seed 001 CM-3, seed 000 Q4, Q22, Q25): which change is allowed
// from which status, who may make it, and who is told. Pure: no database, network or HTTP
// header. Every path that changes a case — the command line, a staff member's emailed
// command, the staff console, a change written straight into PostgreSQL — asks these
// functions, so no path goes around a rule or a notification.
//
// A refusal is a value naming the rule and, for a status change, the changes that are
// allowed from where the case stands.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/status.hpp"

namespace casegate::workflow {

/// What a member of staff can do to a case. Each is one action on the case (seed 004: a case
/// is a group of actions).
enum class Change {
    accept,      ///< submitted → accepted
    return_,     ///< submitted → returned (with the reason)
    assign,      ///< name the case manager
    review,      ///< accepted → under_review
    triage,      ///< record support agreed / returned to school level
    meeting,     ///< a meeting the doctor was invited to (date)
    engagement,  ///< engaged / not engaged
    plan,        ///< an action plan
    outcome,     ///< an outcome
    note,        ///< a note
    attach,      ///< a document
    close,       ///< under_review → closed (with the outcome)
    archive,     ///< closed → archived
    reopen,      ///< closed or archived → under_review
};

/// The command-line word of a change ("return" for return_), and back.
std::string_view to_string(Change c);
std::optional<Change> change_from(std::string_view word);

/// A staff role (DESIGN.md "Staff in the configuration").
enum class Role {
    admin,         ///< every case of the office
    case_manager,  ///< the cases assigned to them
};

std::string_view to_string(Role r);
std::optional<Role> role_from(std::string_view word);

/// Who is acting: a member of staff of one office. Emails are compared ignoring case
/// (util::iequals).
struct Actor {
    std::string email;
    Role role = Role::admin;
    std::string office;
};

/// What the rules need to know of a case.
struct CaseFacts {
    CaseStatus status = CaseStatus::submitted;
    std::string office;
    std::optional<std::string> case_manager;  ///< email
    std::string referrer_email;
};

/// The status a change leads to, or nullopt when the change does not move the status.
std::optional<CaseStatus> status_after(Change c, CaseStatus from);

/// The changes that move the status and are allowed from `from` (for a refusal's message).
std::vector<Change> status_changes_from(CaseStatus from);

/// Allowed, or refused by a named rule with the reason to show.
struct Decision {
    bool allowed = false;
    std::string rule;    ///< a few words naming the rule ("accept only a submitted case")
    std::string reason;  ///< this case: "the case is closed; allowed: archive, reopen"

    static Decision allow() { return {true, {}, {}}; }
    static Decision refuse(std::string rule, std::string reason) {
        return {false, std::move(rule), std::move(reason)};
    }
};

/// Whether `actor` may see the case at all. A case the actor may not see must look as if it
/// did not exist (a 404, never a 403).
bool can_see(const Actor& actor, const CaseFacts& c);

/// Whether `actor` may make `change` to the case now. A case manager may work on the cases
/// assigned to them but not accept, return, assign, archive or reopen: those are the office
/// admins' triage decisions. `detail` is the change's argument where it needs one (the
/// return reason, the outcome on close, the case manager's email on assign, the note text):
/// empty is refused naming what is missing.
Decision decide(const Actor& actor, const CaseFacts& c, Change change, std::string_view detail);

/// Who is told of a change made by `actor`.
struct Recipients {
    bool referrer = false;       ///< told what happened, never clinical or personal detail
    bool case_manager = false;   ///< the case manager (after the change, for assign)
    bool office_admins = false;  ///< the office's admin team mailbox(es)
};

/// Accepted / returned → referrer. Case manager assigned → the case manager and the referrer
/// ("who the case manager will be"). Meeting invited, engagement recorded → referrer. Any
/// change → the case manager and the office's admin team, except whoever made it (a case
/// manager acting is not told of their own change). The doctor is never a recipient as such:
/// only as the referrer of a self-referral. `after` is the case as the change left it (for
/// assign, with the new case manager).
Recipients recipients(const Actor& actor, const CaseFacts& after, Change change);

}  // namespace casegate::workflow
