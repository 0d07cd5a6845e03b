// `casegate reval list|add|remove|hide|unhide|flag|unflag`.
//
// Arguments come from an operator's shell and are checked, not trusted: an unknown office, a
// bad date or a missing --as is a usage error (exit 2) before the database is touched. Every
// action is decided on the doctor's stored classification — what `reval list` showed — under
// a lock that serialises admins and classification writers, by the pure checks of
// revalidation/actions.hpp; a refusal is a value shown to the admin (exit 1), never an
// exception. Allowed or refused, each call leaves one audit_log row with the operator's name.
// Nothing here talks to GMC: add/remove only queue a request for the daemon's sender. Free
// text (names, reasons) goes to the database and the operator's terminal, never to the log.
#include "common/clock.hpp"
#include "reval/admin.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <string_view>

#include "intake/parse_worker.hpp"
#include "feeds/gmc_soap.hpp"
#include "revalidation/actions.hpp"
#include "revalidation/classify.hpp"
#include "storage/cases.hpp"
#include "storage/revalidation.hpp"
#include "storage/revalidation_admin.hpp"

namespace casegate::reval {
namespace {

namespace rv = revalidation;
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

constexpr std::string_view kUsage =
    "usage: casegate reval list --office OFFICE [--list discrepancy|connected|review|hidden|"
    "historic] [--json] [--config FILE]\n"
    "       casegate reval add|remove GMC --office OFFICE --reason CODE --as OPERATOR "
    "[--note TEXT] [--confirm-db] [--config FILE]\n"
    "       casegate reval hide GMC --office OFFICE --reason TEXT --as OPERATOR "
    "[--until YYYY-MM-DD] [--config FILE]\n"
    "       casegate reval unhide|flag|unflag GMC --office OFFICE --reason TEXT --as OPERATOR "
    "[--config FILE]\n";

const std::vector<std::string_view> kActions = {"add",    "remove", "hide",
                                                "unhide", "flag",   "unflag"};
const std::vector<std::string_view> kLists = {"connected", "discrepancy", "review", "hidden",
                                              "historic"};

// ---- offices and what they see --------------------------------------------------------------

const common::OfficeConfig* find_office(const common::Config& cfg, const std::string& name_or_body) {
    for (const common::OfficeConfig& o : cfg.offices) {
        if (o.name == name_or_body || o.designated_body == name_or_body) return &o;
    }
    return nullptr;
}

int unknown_office(const common::Config& cfg, const std::string& office, std::ostream& err) {
    err << "casegate reval: '" << office << "' is not a configured office; configured:";
    for (const common::OfficeConfig& o : cfg.offices)
        err << " '" << o.name << "' (" << o.designated_body << ")";
    err << "\n";
    return kRevalUsage;
}

// The office's entry in visible_to: its own, else "*" (every office).
const rv::Visibility* entry_for(const rv::Classification& c, const std::string& body) {
    const rv::Visibility* every = nullptr;
    for (const rv::Visibility& v : c.visible_to) {
        if (v.designated_body == body) return &v;
        if (v.designated_body == rv::every_office) every = &v;
    }
    return every;
}

std::vector<std::string> reason_words(const rv::Classification& c) {
    std::vector<std::string> out;
    for (rv::Reason r : c.reasons) out.emplace_back(rv::to_string(r));
    return out;
}

json optional_text(const std::optional<std::string>& s) {
    return s ? json(*s) : json(nullptr);
}

json request_json(const std::optional<storage::LatestGmcRequest>& r) {
    if (!r) return nullptr;
    ojson j;
    j["state"] = r->state;
    j["action"] = r->action;
    j["designated_body"] = r->designated_body;
    j["client_request_id"] = r->client_request_id;
    j["return_code"] = r->return_code ? json(*r->return_code) : json(nullptr);
    j["error"] = r->error;
    j["requested_on"] = r->requested_on;
    j["updated_on"] = r->updated_on;
    return j;
}

// The doctor as stored (what an admin saw), for the list's JSON and the action's facts.
ojson doctor_json(const storage::StoredDoctor& d) {
    const rv::Classification& c = d.classification;
    ojson j;
    j["key"] = c.key;
    j["gmc_number"] = optional_text(c.gmc_number);
    j["tis_person_id"] = optional_text(c.tis_person_id);
    j["name"] = d.name;
    j["list"] = rv::to_string(c.list);
    j["reasons"] = reason_words(c);
    j["flagged"] = c.flagged;
    j["tis_designated_bodies"] = c.tis_designated_bodies;
    j["gmc_designated_body"] = optional_text(c.gmc_designated_body);
    return j;
}

ojson list_line(const storage::StoredDoctor& d, const std::string& body) {
    ojson j = doctor_json(d);
    const rv::Visibility* v = entry_for(d.classification, body);
    const bool editable = v && v->editable;
    j["editable"] = editable;
    j["read_only"] = !editable;
    j["action"] =
        v && v->action != rv::OfficeAction::none ? json(rv::to_string(v->action)) : json(nullptr);
    j["gmc_request"] = request_json(d.latest_request);
    j["classified_on"] = d.classified_on;
    j["since"] = d.since;
    return j;
}

std::string dump(const ojson& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string joined(const std::vector<std::string>& v, std::string_view sep) {
    std::string out;
    for (const std::string& s : v) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out.empty() ? "-" : out;
}

std::vector<std::string> table_row(const storage::StoredDoctor& d, const std::string& body) {
    const rv::Classification& c = d.classification;
    const rv::Visibility* v = entry_for(c, body);
    const bool editable = v && v->editable;
    std::string gmc = c.gmc_number ? *c.gmc_number : "TIS:" + c.tis_person_id.value_or(c.key);
    std::string dbs = "gmc=" + c.gmc_designated_body.value_or("-") +
                      " tis=" + joined(c.tis_designated_bodies, ",");
    std::string request = "-";
    if (d.latest_request) {
        request = d.latest_request->action + " " + d.latest_request->state + " " +
                  d.latest_request->updated_on;
    }
    std::string action = v && v->action != rv::OfficeAction::none
                             ? std::string(rv::to_string(v->action))
                             : std::string("-");
    return {gmc,
            d.name.empty() ? "-" : d.name,
            std::string(rv::to_string(c.list)),
            joined(reason_words(c), ","),
            dbs,
            c.flagged ? "flagged" : "-",
            request,
            action,
            editable ? "editable" : "read-only"};
}

// Display width of UTF-8 text: one column per code point.
std::size_t width(const std::string& s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char ch) {
        return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    }));
}

void print_table(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
    std::vector<std::size_t> w(rows.front().size(), 0);
    for (const auto& r : rows) {
        for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], width(r[i]));
    }
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size()) line.append(w[i] - width(r[i]) + 2, ' ');
        }
        out << line << '\n';
    }
}

// ---- actions ------------------------------------------------------------------------------

// The interaction rule behind each refusal text of revalidation/actions.cpp (and of this
// file), so that the admin is told which rule said no.
struct RuleName {
    std::string_view refusal_start;
    std::string_view rule;
};
const std::vector<RuleName> kRuleNames = {
    {"remove the existing connection first", "add only when not connected"},
    {"the doctor has no GMC number", "add needs a GMC number"},
    {"reason code must be 1 (the doctor", "add reason code 1 or 2"},
    {"no designated body given", "add to a designated body"},
    {"designated body ", "add to a TIS designated body of the doctor, or a confirmed one"},
    {"the date ", "add on a date inside a programme membership"},
    {"the doctor is not connected", "remove only when connected"},
    {"the doctor is connected to ", "remove from the designated body connected"},
    {"you can only remove", "remove only from a designated body you are responsible for"},
    {"reason code must be 1 (conflict", "remove reason code 1, 2 or 3"},
    {"the doctor is read-only", "change only a doctor your office may edit"},
    {"the doctor is not visible", "change only a doctor your office sees"},
    {"the doctor is not manually hidden", "unhide only a manual hide"},
    {"the doctor is not flagged", "unflag only a flagged doctor"},
    {"no revalidation data", "act only on a classified doctor"},
    {"a request to GMC", "one GMC request at a time per doctor"},
};

std::string_view rule_of(const std::string& refusal) {
    for (const RuleName& r : kRuleNames) {
        if (refusal.rfind(r.refusal_start, 0) == 0) return r.rule;
    }
    return "interaction rules";
}

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
                return rv::Permission::refuse("a request to GMC for this doctor is still in " +
                                              std::string("progress (request id ") + *busy + ")");
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

}  // namespace

int reval_list(const common::Config& cfg, storage::Db& db, const ListOptions& o, std::ostream& out,
               std::ostream& err) {
    const common::OfficeConfig* office = find_office(cfg, o.office);
    if (!office) return unknown_office(cfg, o.office, err);
    if (!o.list.empty() && std::find(kLists.begin(), kLists.end(), o.list) == kLists.end()) {
        err << "casegate reval list: unknown list '" << o.list << "'\n" << kUsage;
        return kRevalUsage;
    }
    std::vector<storage::StoredDoctor> doctors;
    storage::with_retry(db, [&] {
        storage::Transaction tx(db);
        doctors = storage::doctors_visible_to(db, office->designated_body, o.list);
        tx.commit();
    });
    if (o.json) {
        for (const auto& d : doctors) out << dump(list_line(d, office->designated_body)) << '\n';
        out.flush();
        return kRevalOk;
    }
    std::vector<std::vector<std::string>> rows{
        {"GMC", "NAME", "LIST", "REASONS", "DBS", "FLAG", "GMC REQUEST", "ACTION", "ACCESS"}};
    std::size_t read_only = 0;
    for (const auto& d : doctors) {
        rows.push_back(table_row(d, office->designated_body));
        if (rows.back().back() == "read-only") ++read_only;
    }
    print_table(rows, out);
    out << doctors.size() << (doctors.size() == 1 ? " doctor" : " doctors") << " for "
        << office->name << " (" << office->designated_body << ")"
        << (o.list.empty() ? "" : ", list " + o.list) << "; " << read_only << " read-only\n";
    out.flush();
    return kRevalOk;
}

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

    std::optional<std::string> refusal;
    Outcome done;
    storage::with_retry(db, [&] {
        storage::Transaction tx(db);
        // Admins and classifiers take turns (the daemon's run takes the same advisory lock
        // before it reads the inputs): the check sees the classification the action is
        // recorded against, and no run can store one made without this action.
        db.exec("SELECT pg_advisory_xact_lock(hashtext('casegate.reval.classify'))");
        db.exec("LOCK TABLE reval_classifications IN SHARE ROW EXCLUSIVE MODE");
        refusal.reset();
        done = Outcome{};
        const auto doctor = storage::stored_doctor(db, o.doctor);
        ojson audit = audit_base(o, *office);
        if (!doctor) {
            refusal = "no revalidation data for " + o.doctor +
                      ": it is not a GMC number (or TIS person id) casegate has classified";
        } else {
            const rv::Permission p = check(o, *doctor, *office, db, today);
            refusal = p.refusal;
        }
        if (refusal) {
            audit["outcome"] = "refused";
            audit["rule"] = rule_of(*refusal);
            audit["refusal"] = *refusal;
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
    if (refusal) {
        err << prefix << "refused by the rule \"" << rule_of(*refusal) << "\": " << *refusal
            << "\n";
        return kRevalRefused;
    }
    out << done.confirmation << "\n";
    out.flush();
    return kRevalOk;
}

bool is_reval_admin_command(const std::string& word) {
    return word == "list" || std::find(kActions.begin(), kActions.end(), word) != kActions.end();
}

int reval_admin_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty() || !is_reval_admin_command(args[0])) {
        err << "casegate reval: a subcommand is required\n" << kUsage;
        return kRevalUsage;
    }
    const std::string& sub = args[0];
    std::string config = common::kDefaultConfigPath, until;
    ListOptions lo;
    ActionOptions ao;
    ao.action = sub;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        auto value = [&](std::string& target) {
            if (!has_value) return false;
            target = args[++i];
            return true;
        };
        bool ok = true;
        if (a == "--config")
            ok = value(config);
        else if (a == "--office")
            ok = value(sub == "list" ? lo.office : ao.office);
        else if (a == "--list" && sub == "list")
            ok = value(lo.list);
        else if (a == "--json" && sub == "list")
            lo.json = true;
        else if (a == "--reason" && sub != "list")
            ok = value(ao.reason);
        else if (a == "--note" && sub != "list")
            ok = value(ao.note);
        else if (a == "--as" && sub != "list")
            ok = value(ao.as);
        else if (a == "--until" && sub != "list")
            ok = value(until);
        else if (a == "--confirm-db" && sub != "list")
            ao.confirm_designated_body = true;
        else if (a.rfind("--", 0) != 0 && sub != "list" && ao.doctor.empty()) {
            ao.doctor = a;
            ao.doctor.erase(0, ao.doctor.find_first_not_of(" \t"));
            ao.doctor.erase(ao.doctor.find_last_not_of(" \t") + 1);
        } else {
            err << "casegate reval " << sub << ": unknown argument '" << a << "'\n" << kUsage;
            return kRevalUsage;
        }
        if (!ok) {
            err << "casegate reval " << sub << ": " << a << " needs a value\n" << kUsage;
            return kRevalUsage;
        }
    }
    if (!until.empty()) {
        ao.until = rv::Date::parse(until);
        if (!ao.until) {
            err << "casegate reval " << sub << ": --until: expected a date YYYY-MM-DD, got '"
                << until << "'\n";
            return kRevalUsage;
        }
    }
    if (sub == "list" && lo.office.empty()) {
        err << "casegate reval list: --office is required\n" << kUsage;
        return kRevalUsage;
    }
    const auto today = rv::Date::parse(common::local_today());
    if (!today) {
        err << "casegate reval: cannot read today's date\n";
        return kRevalFailed;
    }
    if (sub != "list") {
        if (const std::string problem = usage_problem(ao, *today); !problem.empty()) {
            err << "casegate reval " << sub << ": " << problem << "\n" << kUsage;
            return kRevalUsage;
        }
    }
    try {
        const common::Config cfg = common::load_config(config);
        storage::Db db(cfg.database_conninfo);
        if (sub == "list") return reval_list(cfg, db, lo, out, err);
        return reval_act(cfg, db, ao, *today, out, err);
    } catch (const common::ConfigError& e) {
        err << config << ": " << e.what() << "\n";
        return kRevalFailed;
    } catch (const std::exception& e) {
        err << "casegate reval " << sub << ": " << e.what() << "\n";
        return kRevalFailed;
    }
}

}  // namespace casegate::reval
