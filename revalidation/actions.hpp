// The interaction rules: what an admin may do to a doctor's connection, as pure checks that
// either allow the action or give the refusal text to show, and how GMC's answers are read.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "revalidation/model.hpp"

namespace casegate::revalidation {

/// Outcome of a check: allowed, or refused by a named rule with the text to show the admin.
/// `rule` names the rule in a few words (what the audit log and the refusal message cite);
/// `refusal` explains this case.
struct Permission {
    std::optional<std::string> refusal;
    std::string_view rule;

    bool ok() const { return !refusal; }
    static Permission allow() { return {}; }
    static Permission refuse(std::string_view rule, std::string text) {
        return {std::move(text), rule};
    }
};

/// GMC Connect's TryAddDoctor reason codes.
inline constexpr int add_reason_has_connection = 1;
inline constexpr int add_reason_conflict_of_interest = 2;
/// GMC Connect's TryRemoveDoctor reason codes.
inline constexpr int remove_reason_conflict_of_interest = 1;
inline constexpr int remove_reason_retired = 2;
inline constexpr int remove_reason_no_connection = 3;

/// Text of a reason code, or "" when the code is not one of the action's codes.
std::string_view add_reason_text(int code);
std::string_view remove_reason_text(int code);

struct AddRequest {
    std::string designated_body;
    int reason_code = 0;
    Date date;  ///< the date the change is made; must lie inside a programme membership
    bool designated_body_confirmed = false;  ///< the admin confirmed a DB outside the TIS DBs
};

/// add: only when not connected, for a doctor with a GMC number, with reason 1 or 2, to one of
/// the doctor's TIS DBs (or a confirmed one), on a date inside one of `memberships` (any of
/// the doctor's memberships, both ends inclusive).
Permission can_add(const Classification& doctor,
                   const std::vector<ProgrammeMembership>& memberships, const AddRequest& request);

struct RemoveRequest {
    std::string designated_body;
    int reason_code = 0;
    std::vector<std::string> admin_designated_bodies;  ///< the DBs the admin is responsible for
};

/// remove: only when connected, from the DB the doctor is connected to, when the admin is
/// responsible for that DB, with reason 1, 2 or 3. No membership date is asked for: doctors
/// whose memberships ended or never existed are exactly the ones to remove.
Permission can_remove(const Classification& doctor, const RemoveRequest& request);

/// hide and flag: any time, by an office that can edit the doctor (visible_to editable, or
/// "*"). unhide needs a manual hide in force; unflag needs a flag.
Permission can_hide(const Classification& doctor, const std::vector<std::string>& admin_dbs);
Permission can_unhide(const Classification& doctor, const std::vector<std::string>& admin_dbs);
Permission can_flag(const Classification& doctor, const std::vector<std::string>& admin_dbs);
Permission can_unflag(const Classification& doctor, const std::vector<std::string>& admin_dbs);

enum class GmcOutcome { success, refused, retryable };

/// Reads a TryAddDoctor/TryRemoveDoctor return code: 0 and 100 (already associated) succeed,
/// 70-160 are refusals (shown, not retried), anything else and no answer at all (nullopt:
/// network or transport failure) are retried.
GmcOutcome gmc_outcome(std::optional<int> return_code);

}  // namespace casegate::revalidation
