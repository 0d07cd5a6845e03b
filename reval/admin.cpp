// `casegate reval add|remove|hide|unhide|flag|unflag`: the admin actions.
//
// Arguments come from an operator's shell and are checked, not trusted: an unknown office, a
// bad date or a missing --as is a usage error (exit 2) before the database is touched. Every
// action is decided on the doctor's stored classification — what `reval list` showed — under
// a lock that serialises admins and classification writers, by the pure checks of
// revalidation/actions.hpp; a refusal is a value shown to the admin (exit 1), never an
// exception. Allowed or refused, each call leaves one audit_log row with the operator's name.
// Nothing here talks to GMC: add/remove only queue a request for the daemon's sender. Free
// text (names, reasons) goes to the database and the operator's terminal, never to the log.
#include "reval/admin.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "feeds/gmc_soap.hpp"
#include "reval/admin_detail.hpp"
#include "revalidation/actions.hpp"
#include "revalidation/classify.hpp"
#include "storage/cases.hpp"
#include "storage/revalidation.hpp"
#include "storage/revalidation_admin.hpp"

namespace casegate::reval {

using namespace detail;

namespace {

std::optional<int> reason_code(const std::string& text) {
    int code = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return code;
}

rv::Permission check(const ActionOptions& o, const storage::StoredDoctor& d,
                     const common::OfficeConfig& office, storage::Db& db, rv::Date today) {
    const rv::Classification& c = d.classification;
    const std::vector<std::string> bodies{office.designated_body};
    if (o.action == "add" || o.action == "remove") {
        if (c.gmc_number) {
            if (auto busy = storage::gmc_request_in_progress(db, *c.gmc_number)) {
                return rv::Permission::refuse("one GMC request at a time per doctor",
                                              "a request to GMC for this doctor is still in " +
                                                  std::string("progress (request id ") + *busy +
                                                  ")");
            }
        }
    }
    if (o.action == "add") {
        rv::AddRequest r;
        r.designated_body = office.designated_body;
        r.reason_code = reason_code(o.reason).value_or(0);
        r.date = today;
        r.designated_body_confirmed = o.confirm_designated_body;
        const auto memberships = c.gmc_number ? storage::tis_memberships_of(db, *c.gmc_number)
                                              : std::vector<rv::ProgrammeMembership>{};
        return rv::can_add(c, memberships, r);
    }
    if (o.action == "remove") {
        rv::RemoveRequest r;
        r.designated_body = office.designated_body;
        r.reason_code = reason_code(o.reason).value_or(0);
        r.admin_designated_bodies = bodies;
        return rv::can_remove(c, r);
    }
    if (o.action == "hide") return rv::can_hide(c, bodies);
    if (o.action == "unhide") return rv::can_unhide(c, bodies);
    if (o.action == "flag") return rv::can_flag(c, bodies);
    return rv::can_unflag(c, bodies);
}

struct Outcome {  // NOLINT(bugprone-exception-escape): ojson's move is noexcept
    std::string confirmation;
    ojson audit;
};

Outcome queue_gmc_request(const ActionOptions& o, const storage::StoredDoctor& d,
                          const common::OfficeConfig& office, storage::Db& db, rv::Date today) {
    const bool add = o.action == "add";
    storage::NewGmcRequest q;
    q.action = add ? rv::GmcRequestKind::add : rv::GmcRequestKind::remove;
    q.gmc_number = *d.classification.gmc_number;
    q.designated_body = office.designated_body;
    q.reason_code = *reason_code(o.reason);
    q.requested_by = o.as;
    q.client_request_id = feeds::new_client_request_id();
    q.effective_on = today;
    const std::string_view code_text =
        add ? rv::add_reason_text(q.reason_code) : rv::remove_reason_text(q.reason_code);
    q.reason = o.note.empty() ? std::string(code_text) : o.note;
    q.facts_json = dump(doctor_json(d));
    const std::int64_t id = storage::record_gmc_request(db, q);
    Outcome out;
    out.confirmation = std::string("Request to ") + (add ? "add " : "remove ") + q.gmc_number +
                       (add ? " to " : " from ") + office.designated_body + " (" + office.name +
                       ") queued (request id " + q.client_request_id +
                       "); it is sent to GMC Connect by the running daemon";
    out.audit["outcome"] = "queued";
    out.audit["reason_code"] = q.reason_code;
    out.audit["reason"] = q.reason;
    out.audit["client_request_id"] = q.client_request_id;
    out.audit["request_id"] = id;
    return out;
}

rv::ManualActionKind manual_kind(const std::string& action) {
    return rv::parse_manual_action(action).value_or(rv::ManualActionKind::flag);
}

std::string past_tense(const std::string& action) {
    if (action == "flag") return "flagged for review";
    if (action == "unflag") return "unflagged";
    if (action == "hide") return "hidden";
    return "unhidden";
}

Outcome record_local_action(const ActionOptions& o, const storage::StoredDoctor& d,
                            const common::OfficeConfig& office, storage::Db& db, rv::Date today) {
    const rv::Classification& c = d.classification;
    rv::ManualAction a;
    if (c.gmc_number)
        a.gmc_number = *c.gmc_number;
    else
        a.tis_person_id = c.tis_person_id.value_or(c.key);
    a.action = manual_kind(o.action);
    a.designated_body = office.designated_body;
    a.by = o.as;
    a.at = today;
    a.reason = o.reason;
    if (a.action == rv::ManualActionKind::hide) {
        a.until = o.until;
        a.context = rv::HideContext{c.gmc_designated_body, c.tis_designated_bodies};
    }
    const std::int64_t id = storage::record_manual_action(db, a, dump(doctor_json(d)));
    // Reclassify everyone, so that `reval list` shows the change at once.
    const rv::Inputs in = storage::load_inputs(db);
    storage::store_classifications(db, rv::classify(in, today), today);
    const auto after = storage::stored_doctor(db, c.key);

    Outcome out;
    out.confirmation = c.key + " " + past_tense(o.action) + " by " + office.name + " (" +
                       office.designated_body + ")";
    if (a.until) out.confirmation += " until " + a.until->to_string();
    out.confirmation += "; not sent to GMC";
    if (after) {
        const rv::Classification& n = after->classification;
        out.confirmation += "; now on the " + std::string(rv::to_string(n.list)) + " list";
        if (!n.reasons.empty()) out.confirmation += " (" + joined(reason_words(n), ",") + ")";
        if (n.flagged) out.confirmation += ", flagged";
        const bool hidden_now = std::find(n.reasons.begin(), n.reasons.end(),
                                          rv::Reason::manually_hidden) != n.reasons.end();
        if (a.action == rv::ManualActionKind::hide && !hidden_now) {
            out.confirmation +=
                "; note: the doctor's data changed since the list was last classified, so this "
                "hide does not apply";
        }
        out.audit["list_after"] = rv::to_string(n.list);
        out.audit["flagged_after"] = n.flagged;
    }
    out.audit["outcome"] = "recorded";
    out.audit["reason"] = o.reason;
    out.audit["manual_action_id"] = id;
    if (a.until) out.audit["until"] = a.until->to_string();
    return out;
}

ojson audit_base(const ActionOptions& o, const common::OfficeConfig& office) {
    ojson j;
    j["doctor"] = o.doctor;
    j["office"] = office.name;
    j["designated_body"] = office.designated_body;
    return j;
}

}  // namespace

namespace detail {

std::string usage_problem(const ActionOptions& o, rv::Date today) {
    if (o.doctor.empty()) return "a GMC number is required";
    if (o.office.empty()) return "--office is required";
    if (o.as.empty()) return "--as OPERATOR is required";
    if (o.reason.empty()) return "--reason is required";
    if (o.until && o.action != "hide") return "--until is for hide only";
    if (o.until && *o.until < today) return "--until is before today";
    if (!o.note.empty() && o.action != "add" && o.action != "remove")
        return "--note is for add and remove only";
    if (o.confirm_designated_body && o.action != "add") return "--confirm-db is for add only";
    return {};
}

}  // namespace detail

int reval_act(const common::Config& cfg, storage::Db& db, const ActionOptions& o, rv::Date today,
              std::ostream& out, std::ostream& err) {
    const std::string prefix = "casegate reval " + o.action + ": ";
    if (std::find(kActions.begin(), kActions.end(), o.action) == kActions.end()) {
        err << "casegate reval: unknown subcommand '" << o.action << "'\n" << kUsage;
        return kRevalUsage;
    }
    if (const std::string problem = usage_problem(o, today); !problem.empty()) {
        err << prefix << problem << "\n" << kUsage;
        return kRevalUsage;
    }
    const common::OfficeConfig* office = find_office(cfg, o.office);
    if (!office) return unknown_office(cfg, o.office, err);

    rv::Permission verdict;
    Outcome done;
    storage::with_retry(db, [&] {
        storage::Transaction tx(db);
        // Admins and classifiers take turns (the daemon's run takes the same advisory lock
        // before it reads the inputs): the check sees the classification the action is
        // recorded against, and no run can store one made without this action.
        storage::lock_classification(db, storage::ClassificationLock::for_admin_action);
        done = Outcome{};
        const auto doctor = storage::stored_doctor(db, o.doctor);
        ojson audit = audit_base(o, *office);
        if (!doctor) {
            verdict = rv::Permission::refuse(
                "act only on a classified doctor",
                "no revalidation data for " + o.doctor +
                    ": it is not a GMC number (or TIS person id) casegate has classified");
        } else {
            verdict = check(o, *doctor, *office, db, today);
        }
        if (!verdict.ok()) {
            audit["outcome"] = "refused";
            audit["rule"] = verdict.rule;
            audit["refusal"] = *verdict.refusal;
            audit["reason"] = o.reason;
        } else {
            done = (o.action == "add" || o.action == "remove")
                       ? queue_gmc_request(o, *doctor, *office, db, today)
                       : record_local_action(o, *doctor, *office, db, today);
            for (const auto& item : done.audit.items()) audit[item.key()] = item.value();
        }
        storage::audit(db, o.as, "reval." + o.action, std::nullopt, std::nullopt, dump(audit));
        tx.commit();
    });
    if (!verdict.ok()) {
        err << prefix << "refused by the rule \"" << verdict.rule << "\": " << *verdict.refusal
            << "\n";
        return kRevalRefused;
    }
    out << done.confirmation << "\n";
    out.flush();
    return kRevalOk;
}

}  // namespace casegate::reval
