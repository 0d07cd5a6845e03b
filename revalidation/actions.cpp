// Interaction rules for add / remove / hide / unhide / flag / unflag and GMC return codes.
//
// Requests come from admins and are checked, not trusted: every check returns a refusal
// text rather than throwing, and nothing here sends anything anywhere.
#include "revalidation/actions.hpp"

#include <algorithm>

namespace casegate::revalidation {
namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

bool inside_a_membership(const std::vector<ProgrammeMembership>& memberships, Date date) {
    return std::any_of(memberships.begin(), memberships.end(), [&](const ProgrammeMembership& m) {
        return m.start_date && m.end_date && *m.start_date <= date && date <= *m.end_date;
    });
}

// Whether one of the admin's offices (or every office, "*") may edit the doctor.
Permission editable_by(const Classification& doctor, const std::vector<std::string>& admin_dbs) {
    bool seen = false;
    for (const Visibility& v : doctor.visible_to) {
        if (v.designated_body != every_office && !contains(admin_dbs, v.designated_body)) continue;
        if (v.editable) return Permission::allow();
        seen = true;
    }
    if (seen) {
        return Permission::refuse("change only a doctor your office may edit",
                                  "the doctor is read-only for your local office");
    }
    return Permission::refuse("change only a doctor your office sees",
                              "the doctor is not visible to your local office");
}

bool manually_hidden(const Classification& doctor) {
    return std::find(doctor.reasons.begin(), doctor.reasons.end(), Reason::manually_hidden) !=
           doctor.reasons.end();
}

}  // namespace

std::string_view add_reason_text(int code) {
    switch (code) {
        case add_reason_has_connection:
            return "the doctor has a connection with this designated body";
        case add_reason_conflict_of_interest:
            return "conflict of interest";
        default:
            return "";
    }
}

std::string_view remove_reason_text(int code) {
    switch (code) {
        case remove_reason_conflict_of_interest:
            return "conflict of interest";
        case remove_reason_retired:
            return "doctor retired";
        case remove_reason_no_connection:
            return "the doctor has no connection with this designated body";
        default:
            return "";
    }
}

Permission can_add(const Classification& doctor,
                   const std::vector<ProgrammeMembership>& memberships, const AddRequest& request) {
    if (doctor.gmc_designated_body)
        return Permission::refuse("add only when not connected",
                                  "remove the existing connection first");
    if (!doctor.gmc_number)
        return Permission::refuse("add needs a GMC number", "the doctor has no GMC number");
    if (add_reason_text(request.reason_code).empty()) {
        return Permission::refuse("add reason code 1 or 2",
                                  "reason code must be 1 (the doctor has a connection with this "
                                  "designated body) or 2 (conflict of interest)");
    }
    if (request.designated_body.empty())
        return Permission::refuse("add to a designated body", "no designated body given");
    if (!contains(doctor.tis_designated_bodies, request.designated_body) &&
        !request.designated_body_confirmed) {
        return Permission::refuse(
            "add to a TIS designated body of the doctor, or a confirmed one",
            "designated body " + request.designated_body +
                " is not one of the doctor's TIS designated bodies; confirm it "
                "explicitly to add the connection there");
    }
    if (!inside_a_membership(memberships, request.date)) {
        return Permission::refuse("add on a date inside a programme membership",
                                  "the date " + request.date.to_string() +
                                      " is outside every programme membership of the doctor");
    }
    return Permission::allow();
}

Permission can_remove(const Classification& doctor, const RemoveRequest& request) {
    if (!doctor.gmc_designated_body) {
        return Permission::refuse("remove only when connected",
                                  "the doctor is not connected: there is no connection to remove");
    }
    const std::string& connected_to = *doctor.gmc_designated_body;
    if (request.designated_body != connected_to) {
        return Permission::refuse(
            "remove from the designated body connected",
            "the doctor is connected to " + connected_to + ", not to " + request.designated_body);
    }
    if (!contains(request.admin_designated_bodies, connected_to)) {
        return Permission::refuse(
            "remove only from a designated body you are responsible for",
            "you can only remove a connection from a designated body you are responsible for");
    }
    if (remove_reason_text(request.reason_code).empty()) {
        return Permission::refuse("remove reason code 1, 2 or 3",
                                  "reason code must be 1 (conflict of interest), 2 (doctor "
                                  "retired) or 3 (no connection with this designated body)");
    }
    return Permission::allow();
}

Permission can_hide(const Classification& doctor, const std::vector<std::string>& admin_dbs) {
    return editable_by(doctor, admin_dbs);
}

Permission can_unhide(const Classification& doctor, const std::vector<std::string>& admin_dbs) {
    Permission p = editable_by(doctor, admin_dbs);
    if (p.ok() && !manually_hidden(doctor)) {
        return Permission::refuse("unhide only a manual hide", "the doctor is not manually hidden");
    }
    return p;
}

Permission can_flag(const Classification& doctor, const std::vector<std::string>& admin_dbs) {
    return editable_by(doctor, admin_dbs);
}

Permission can_unflag(const Classification& doctor, const std::vector<std::string>& admin_dbs) {
    Permission p = editable_by(doctor, admin_dbs);
    if (p.ok() && !doctor.flagged)
        return Permission::refuse("unflag only a flagged doctor", "the doctor is not flagged");
    return p;
}

GmcOutcome gmc_outcome(std::optional<int> return_code) {
    if (!return_code) return GmcOutcome::retryable;
    if (*return_code == 0 || *return_code == 100) return GmcOutcome::success;
    if (*return_code >= 70 && *return_code <= 160) return GmcOutcome::refused;
    return GmcOutcome::retryable;
}

}  // namespace casegate::revalidation
