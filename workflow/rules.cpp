#include "workflow/rules.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "util/strings.hpp"

namespace casegate::workflow {

namespace {

constexpr std::array<std::pair<Change, std::string_view>, 14> kChangeWords{{
    {Change::accept, "accept"},
    {Change::return_, "return"},
    {Change::assign, "assign"},
    {Change::review, "review"},
    {Change::triage, "triage"},
    {Change::meeting, "meeting"},
    {Change::engagement, "engagement"},
    {Change::plan, "plan"},
    {Change::outcome, "outcome"},
    {Change::note, "note"},
    {Change::attach, "attach"},
    {Change::close, "close"},
    {Change::archive, "archive"},
    {Change::reopen, "reopen"},
}};

// The statuses a change may start from, and what it needs as its argument ("" for nothing).
struct ChangeRule {
    Change change;
    std::vector<CaseStatus> from;  ///< empty: any status but archived
    std::string_view needs;        ///< what `detail` holds; empty when nothing is needed
    bool admin_only;               ///< a triage decision of the office's admins
};

const std::vector<ChangeRule>& change_rules() {
    using S = CaseStatus;
    static const std::vector<ChangeRule> rules = {
        {Change::accept, {S::submitted}, "", true},
        {Change::return_, {S::submitted}, "the reason it is returned", true},
        {Change::assign, {S::accepted, S::under_review}, "the case manager's email", true},
        {Change::review, {S::accepted}, "", false},
        {Change::triage, {S::accepted, S::under_review}, "the support agreed", false},
        {Change::meeting, {S::accepted, S::under_review}, "the date of the meeting", false},
        {Change::engagement, {S::accepted, S::under_review}, "engaged or not engaged", false},
        {Change::plan, {S::accepted, S::under_review}, "the action plan", false},
        {Change::outcome, {S::accepted, S::under_review}, "the outcome", false},
        {Change::note, {}, "the note", false},
        {Change::attach, {}, "the document", false},
        {Change::close, {S::under_review}, "the outcome", false},
        {Change::archive, {S::closed}, "", true},
        {Change::reopen, {S::closed, S::archived}, "", true},
    };
    return rules;
}

const ChangeRule& rule_of(Change c) {
    const auto& rules = change_rules();
    return *std::find_if(rules.begin(), rules.end(),
                         [&](const ChangeRule& r) { return r.change == c; });
}

bool starts_from(const ChangeRule& r, CaseStatus s) {
    if (r.from.empty()) return s != CaseStatus::archived;
    return std::find(r.from.begin(), r.from.end(), s) != r.from.end();
}

std::string names_of(const std::vector<Change>& changes) {
    std::string out;
    for (Change c : changes) {
        if (!out.empty()) out += ", ";
        out += to_string(c);
    }
    return out.empty() ? "none" : out;
}

std::string statuses_of(const std::vector<CaseStatus>& from) {
    std::string out;
    for (std::size_t i = 0; i < from.size(); ++i) {
        if (i) out += i + 1 == from.size() ? " or " : ", ";
        out += to_string(from[i]);
    }
    return out;
}

bool is_manager_of(const Actor& a, const CaseFacts& c) {
    return a.role == Role::case_manager && c.case_manager &&
           util::iequals(*c.case_manager, a.email);
}

}  // namespace

std::string_view to_string(Change c) {
    for (const auto& [change, word] : kChangeWords) {
        if (change == c) return word;
    }
    return "note";  // unreachable: every enumerator is in the table
}

std::optional<Change> change_from(std::string_view word) {
    for (const auto& [change, w] : kChangeWords) {
        if (w == word) return change;
    }
    return std::nullopt;
}

std::string_view to_string(Role r) {
    return r == Role::admin ? "admin" : "case_manager";
}

std::optional<Role> role_from(std::string_view word) {
    if (word == "admin") return Role::admin;
    if (word == "case_manager") return Role::case_manager;
    return std::nullopt;
}

std::optional<CaseStatus> status_after(Change c, CaseStatus from) {
    if (!starts_from(rule_of(c), from)) return std::nullopt;
    switch (c) {
        case Change::accept:
            return CaseStatus::accepted;
        case Change::return_:
            return CaseStatus::returned;
        case Change::review:
        case Change::reopen:
            return CaseStatus::under_review;
        case Change::close:
            return CaseStatus::closed;
        case Change::archive:
            return CaseStatus::archived;
        default:
            return std::nullopt;
    }
}

std::vector<Change> status_changes_from(CaseStatus from) {
    std::vector<Change> out;
    for (const ChangeRule& r : change_rules()) {
        if (status_after(r.change, from)) out.push_back(r.change);
    }
    return out;
}

bool can_see(const Actor& actor, const CaseFacts& c) {
    if (actor.office != c.office) return false;
    return actor.role == Role::admin || is_manager_of(actor, c);
}

Decision decide(const Actor& actor, const CaseFacts& c, Change change, std::string_view detail) {
    const ChangeRule& r = rule_of(change);
    const std::string word(to_string(change));
    // Not seeing a case and not being allowed to change it read the same from outside.
    if (!can_see(actor, c)) return Decision::refuse("only the office's staff", "no such case");
    if (r.admin_only && actor.role != Role::admin) {
        return Decision::refuse(
            word + " is for the office's admins",
            "a case manager cannot " + word + " a case; ask the office's admins");
    }
    if (!starts_from(r, c.status)) {
        const std::string rule = r.from.empty()
                                     ? word + " only before a case is archived"
                                     : word + " only a case that is " + statuses_of(r.from);
        return Decision::refuse(rule,
                                "the case is " + std::string(to_string(c.status)) +
                                    "; allowed now: " + names_of(status_changes_from(c.status)));
    }
    if (!r.needs.empty() && detail.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return Decision::refuse(word + " needs " + std::string(r.needs),
                                "give " + std::string(r.needs));
    }
    if (change == Change::engagement && detail != "engaged" && detail != "not engaged") {
        return Decision::refuse("engagement is engaged or not engaged",
                                "'" + std::string(detail) + "' is neither engaged nor not engaged");
    }
    return Decision::allow();
}

Recipients recipients(const Actor& actor, const CaseFacts& after, Change change) {
    Recipients r;
    switch (change) {
        case Change::accept:
        case Change::return_:
        case Change::assign:
        case Change::meeting:
        case Change::engagement:
            r.referrer = !util::iequals(after.referrer_email, actor.email);
            break;
        default:
            break;
    }
    // The case manager is told of what others do; for an assignment, the new one is meant.
    r.case_manager =
        after.case_manager.has_value() && !util::iequals(*after.case_manager, actor.email);
    // The team's shared mailbox is no one person: it hears of every change.
    r.office_admins = true;
    return r;
}

}  // namespace casegate::workflow
