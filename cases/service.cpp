// The case service (service.hpp). Free text (reasons, notes, names) goes to the database, the
// outbox and the member of staff's terminal, never to the log: log lines carry references,
// change words, roles and counts.
#include "cases/service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "cases/access.hpp"
#include "cases/outgoing.hpp"
#include "common/log.hpp"
#include "notifier/compose.hpp"
#include "notifier/mail.hpp"
#include "notifier/templates.hpp"
#include "parsers/text.hpp"
#include "revalidation/model.hpp"
#include "storage/cases.hpp"
#include "storage/outbox.hpp"
#include "util/strings.hpp"

namespace casegate::cases {

namespace detail {

workflow::CaseFacts facts_of(const storage::StoredCase& c) {
    return {c.status, c.local_office, c.case_manager, c.referrer_email};
}

// The office an incomplete submission (no case yet) belongs to: the configured office it
// names, else the default office.
std::string office_of(const common::Config& cfg, const storage::StoredSubmission& sub) {
    const nlohmann::json fields =
        nlohmann::json::parse(sub.fields_json, nullptr, /*allow_exceptions=*/false);
    if (fields.is_object()) {
        const auto it = fields.find("local_office");
        if (it != fields.end() && it->is_string() && cfg.office(it->get<std::string>()))
            return it->get<std::string>();
    }
    return cfg.default_office;
}

// Whether an incomplete submission is the actor's to see: the admins of its office, and those
// of the default office (where every submission without a usable office goes).
bool can_see_submission(const common::Config& cfg, const Staff& s,
                        const storage::StoredSubmission& sub) {
    if (s.role != workflow::Role::admin) return false;
    return s.office == cfg.default_office || s.office == office_of(cfg, sub);
}

Outcome unknown_staff(std::string_view email, std::string_view reference) {
    Outcome out;
    out.reference = std::string(reference);
    out.rule = "only the office's staff";
    out.refusal = "'" + std::string(email) + "' " + std::string(kUnknownStaff);
    return out;
}

}  // namespace detail

namespace {

using namespace detail;

using workflow::CaseStatus;
using workflow::Change;
using ojson = nlohmann::ordered_json;

std::string dump(const ojson& j) {
    return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

// What the staff's notification calls a change.
std::string what_of(Change c) {
    switch (c) {
        case Change::accept:
            return "accepted";
        case Change::return_:
            return "returned";
        case Change::assign:
            return "case manager assigned";
        case Change::review:
            return "under review";
        case Change::triage:
            return "triaged";
        case Change::meeting:
            return "meeting arranged";
        case Change::engagement:
            return "engagement recorded";
        case Change::plan:
            return "plan recorded";
        case Change::outcome:
            return "outcome recorded";
        case Change::note:
            return "note added";
        case Change::attach:
            return "document attached";
        case Change::close:
            return "closed";
        case Change::archive:
            return "archived";
        case Change::reopen:
            return "reopened";
    }
    return "changed";
}

// The changes whose argument is free text kept with the action as "text".
bool has_text(Change c) {
    return c == Change::return_ || c == Change::triage || c == Change::plan ||
           c == Change::outcome || c == Change::close || c == Change::note;
}

std::string name_of(const common::Config& cfg, std::string_view email) {
    const std::optional<Staff> s = find_staff(cfg, email);
    return s ? s->name : std::string(email);
}

// Adds `address` to `to` unless it is already there (ignoring case) or is the actor's.
void add_recipient(std::vector<std::string>& to, const std::string& address,
                   std::string_view actor) {
    if (address.empty() || util::iequals(address, actor)) return;
    const bool known = std::any_of(to.begin(), to.end(),
                                   [&](const std::string& a) { return util::iequals(a, address); });
    if (!known) to.push_back(address);
}

// One change to one locked case, inside the caller's transaction.
class Changer {
  public:
    Changer(storage::Db& db, const common::Config& cfg, const Staff& staff, Change change,
            std::string_view detail, const Document* document)
        : db_(db),
          cfg_(cfg),
          staff_(staff),
          change_(change),
          detail_(util::trim(detail)),
          document_(document) {}

    Outcome run(const std::string& reference) {
        Outcome out;
        out.reference = reference;
        const std::optional<storage::StoredCase> found = storage::find_case(db_, reference, true);
        if (!found) return refused(out, "only the office's staff", std::string(kNoSuchCase));
        const storage::StoredCase& c = *found;
        out.before = out.after = c.status;
        const workflow::Decision d =
            workflow::decide(staff_.actor(), facts_of(c), change_, decided_detail());
        if (!d.allowed) return audited_refusal(c, out, d.rule, d.reason);
        if (std::string rule, reason; !further_checks(c, rule, reason)) {
            return audited_refusal(c, out, rule, reason);
        }

        storage::CaseUpdate update;
        update.status = workflow::status_after(change_, c.status);
        ojson details = ojson::object();
        if (update.status) {
            details["status_before"] = workflow::to_string(c.status);
            details["status_after"] = workflow::to_string(*update.status);
            out.after = *update.status;
        }
        if (has_text(change_)) details["text"] = detail_;
        switch (change_) {
            case Change::assign:
                update.case_manager = assignee_->email;
                details["case_manager"] = assignee_->email;
                details["case_manager_name"] = assignee_->name;
                break;
            case Change::outcome:
                update.outcome = detail_;
                break;
            case Change::close:
                update.outcome = detail_;
                update.set_closed_at = true;
                break;
            case Change::reopen:
                update.clear_closed_at = true;
                break;
            case Change::meeting:
                details["date"] = detail_;
                break;
            case Change::engagement:
                details["engagement"] = detail_;
                break;
            case Change::attach:
                details["filename"] = document_->filename;
                details["content_type"] = content_type_;
                details["size"] = document_->content.size();
                break;
            default:
                break;
        }
        if (update.status || update.case_manager || update.outcome || update.clear_closed_at) {
            storage::mark_case_service(db_);  // told here, not again as a database change
            storage::update_case(db_, c.id, update);
        }
        if (change_ == Change::attach) {
            storage::DocumentRow doc;
            doc.case_id = c.id;
            doc.filename = document_->filename;
            doc.content_type = content_type_;
            doc.content = document_->content;
            storage::insert_document(db_, doc);
        }
        const std::string word(workflow::to_string(change_));
        storage::add_case_action(db_, c.id, word, staff_.email, std::nullopt, dump(details));

        storage::StoredCase after = c;
        after.status = out.after;
        if (update.case_manager) {
            after.case_manager = update.case_manager;
            if (c.case_manager) previous_case_manager_ = *c.case_manager;
        }
        notify(after, out);

        ojson audit;
        audit["outcome"] = "done";
        if (update.status) {
            audit["status_before"] = workflow::to_string(c.status);
            audit["status_after"] = workflow::to_string(*update.status);
        }
        if (update.case_manager) audit["case_manager"] = *update.case_manager;
        ojson told = ojson::array();
        for (const Told& t : out.told) told.push_back({{"kind", t.kind}, {"to", t.to}});
        audit["notified"] = told;
        storage::audit(db_, staff_.email, "case." + word, c.id, c.submission_id, dump(audit));

        out.done = true;
        out.summary = c.reference + " " + what_of(change_);
        if (update.status) {
            out.summary += " (" + std::string(workflow::to_string(c.status)) + " -> " +
                           std::string(workflow::to_string(*update.status)) + ")";
        }
        if (change_ == Change::assign) out.summary += ": " + assignee_->name;
        return out;
    }

    // A change written straight into the database (storage::CaseEvent), `c` being the case as
    // it left it: recorded on the case and told as the workflow says, the database user
    // standing for the actor (who, not being staff, is never left out of the recipients).
    Outcome told_from_database(const storage::StoredCase& c, workflow::CaseStatus before,
                               const std::string& db_user,
                               const std::string& previous_case_manager) {
        Outcome out;
        previous_case_manager_ = previous_case_manager;
        out.reference = c.reference;
        out.before = before;
        out.after = c.status;
        if (change_ == Change::assign && c.case_manager) {
            assignee_ = find_staff(cfg_, *c.case_manager);
            if (!assignee_) {
                assignee_ = Staff{*c.case_manager, *c.case_manager, workflow::Role::case_manager,
                                  c.local_office};
            }
        }
        ojson details;
        details["db_user"] = db_user;
        details["change"] = workflow::to_string(change_);
        details["status_before"] = workflow::to_string(before);
        details["status_after"] = workflow::to_string(c.status);
        if (c.case_manager) details["case_manager"] = *c.case_manager;
        storage::add_case_action(db_, c.id, "database_change", "database:" + db_user, std::nullopt,
                                 dump(details));
        notify(c, out);
        ojson told = ojson::array();
        for (const Told& t : out.told) told.push_back({{"kind", t.kind}, {"to", t.to}});
        details["notified"] = told;
        storage::audit(db_, "database:" + db_user,
                       "case." + std::string(workflow::to_string(change_)), c.id, c.submission_id,
                       dump(details));
        out.done = true;
        out.summary = c.reference + " " + what_of(change_) + " in the database";
        return out;
    }

  private:
    // What decide() checks is present: a document is "given" by its name.
    std::string decided_detail() const {
        if (change_ == Change::attach) return document_ ? document_->filename : std::string();
        return detail_;
    }

    // What the rules leave to the service: who can be assigned, a date that is a date, a
    // document casegate will keep.
    bool further_checks(const storage::StoredCase& c, std::string& rule, std::string& reason) {
        if (change_ == Change::assign) {
            assignee_ = find_staff(cfg_, detail_);
            if (!assignee_ || assignee_->office != c.local_office) {
                rule = "assign only the office's staff";
                reason = "'" + detail_ + "' is not a case manager or admin of " + c.local_office;
                return false;
            }
        }
        if (change_ == Change::meeting && !revalidation::Date::parse(detail_)) {
            rule = "meeting needs the date of the meeting";
            reason = "give the date of the meeting as YYYY-MM-DD, not '" + detail_ + "'";
            return false;
        }
        if (change_ == Change::attach) {
            if (document_->content.empty()) {
                rule = "attach a document with content";
                reason = "'" + document_->filename + "' is empty";
                return false;
            }
            if (document_->content.size() > kMaxDocumentBytes) {
                rule = "attach documents up to " + std::to_string(kMaxDocumentBytes) + " bytes";
                reason = "'" + document_->filename + "' is " +
                         std::to_string(document_->content.size()) + " bytes";
                return false;
            }
            const std::optional<std::string> type = content_type_of(document_->content);
            if (!type) {
                rule = "attach PDF, PNG, JPEG, Word (.docx) or plain text documents";
                reason = "the content of '" + document_->filename +
                         "' is none of PDF, PNG, JPEG, Word (.docx) or UTF-8 text";
                return false;
            }
            content_type_ = *type;
        }
        return true;
    }

    Outcome refused(Outcome& out, std::string rule, std::string reason) const {
        out.done = false;
        out.rule = std::move(rule);
        out.refusal = std::move(reason);
        common::logger("cases")->info("case change refused change={} role={}",
                                      workflow::to_string(change_),
                                      workflow::to_string(staff_.role));
        return out;
    }

    Outcome audited_refusal(const storage::StoredCase& c, Outcome& out, std::string rule,
                            std::string reason) {
        ojson audit;
        audit["outcome"] = "refused";
        audit["rule"] = rule;
        audit["refusal"] = reason;
        storage::audit(db_, staff_.email, "case." + std::string(workflow::to_string(change_)), c.id,
                       c.submission_id, dump(audit));
        return refused(out, std::move(rule), std::move(reason));
    }

    void enqueue(const storage::StoredCase& c, Outcome& out, std::string kind, std::string who,
                 notifier::Text text, std::vector<std::string> to) {
        if (to.empty()) return;
        notifier::Notification n;
        n.kind = kind;
        n.text = std::move(text);
        n.to = to;
        n.case_id = c.id;
        send(db_, cfg_, n, c.reference);
        out.told.push_back({std::move(kind), std::move(who), std::move(to)});
    }

    // Who is told (workflow::recipients), each with the text meant for them.
    void notify(const storage::StoredCase& c, Outcome& out) {
        const workflow::Recipients r = workflow::recipients(staff_.actor(), facts_of(c), change_);
        const std::string& ref = c.reference;
        const std::string& office = c.local_office;
        if (r.referrer && notifier::is_safe_address(c.referrer_email)) {
            std::vector<std::string> to;
            add_recipient(to, c.referrer_email, staff_.email);
            switch (change_) {
                case Change::accept:
                    enqueue(c, out, "referral_accepted", "referrer",
                            notifier::referral_accepted(ref, office), to);
                    break;
                case Change::return_:
                    enqueue(c, out, "referral_returned", "referrer",
                            notifier::referral_returned(ref, office, detail_), to);
                    break;
                case Change::assign:
                    enqueue(c, out, "case_manager_named", "referrer",
                            notifier::case_manager_named(ref, office, assignee_->name), to);
                    break;
                case Change::meeting:
                    enqueue(c, out, "meeting_arranged", "referrer",
                            notifier::meeting_arranged(ref, office), to);
                    break;
                case Change::engagement:
                    enqueue(c, out, "engagement_recorded", "referrer",
                            notifier::engagement_recorded(ref, office), to);
                    break;
                default:
                    break;
            }
        }
        std::vector<std::string> staff;
        std::string who;
        if (r.case_manager && c.case_manager) {
            if (change_ == Change::assign) {
                std::vector<std::string> to;
                add_recipient(to, *c.case_manager, staff_.email);
                enqueue(c, out, "case_assigned", "case manager",
                        notifier::case_assigned(ref, office, staff_.name), to);
            } else {
                add_recipient(staff, *c.case_manager, staff_.email);
                if (!staff.empty()) who = "case manager";
            }
        }
        // Whoever a reassignment takes off the case hears of it (who has it now).
        if (change_ == Change::assign && !previous_case_manager_.empty() && c.case_manager &&
            !util::iequals(previous_case_manager_, *c.case_manager)) {
            const std::size_t before = staff.size();
            add_recipient(staff, previous_case_manager_, staff_.email);
            if (staff.size() > before)
                who += who.empty() ? "previous case manager" : ", previous case manager";
        }
        const common::OfficeConfig* oc = cfg_.office(office);
        if (r.office_admins && oc) {
            const std::size_t before = staff.size();
            for (const std::string& a : oc->admin_emails) add_recipient(staff, a, staff_.email);
            if (staff.size() > before) who += who.empty() ? "office admins" : ", office admins";
        }
        notifier::CaseChange cc;
        cc.reference = ref;
        cc.office_name = office;
        cc.what = what_of(change_);
        cc.by = staff_.name;
        cc.status = std::string(workflow::to_string(c.status));
        cc.case_manager = c.case_manager ? name_of(cfg_, *c.case_manager) : std::string();
        if (change_ == Change::attach) {
            cc.detail = document_->filename;
        } else if (change_ != Change::assign) {
            cc.detail = detail_;
        }
        enqueue(c, out, "case_changed", who,
                notifier::case_changed(cc, cfg_.include_details_in_alert), staff);
    }

    storage::Db& db_;
    const common::Config& cfg_;
    const Staff& staff_;
    Change change_;
    std::string detail_;
    const Document* document_;
    std::optional<Staff> assignee_;
    std::string previous_case_manager_;  ///< of an assign: who had the case before, "" if nobody
    std::string content_type_;
};

}  // namespace

Outcome apply_in_transaction(storage::Db& db, const common::Config& cfg,
                             std::string_view actor_email, std::string_view reference,
                             Change change, std::string_view detail) {
    const std::optional<Staff> staff = find_staff(cfg, actor_email);
    if (!staff) return unknown_staff(actor_email, reference);
    return Changer(db, cfg, *staff, change, detail, nullptr)
        .run(std::string(util::trim(reference)));
}

namespace {

Outcome change_case(storage::Db& db, const common::Config& cfg, std::string_view actor_email,
                    std::string_view reference, Change change, std::string_view detail,
                    const Document* document) {
    const std::optional<Staff> staff = find_staff(cfg, actor_email);
    if (!staff) return unknown_staff(actor_email, reference);
    const std::string ref(util::trim(reference));
    Outcome out;
    storage::with_retry(db, [&] {
        storage::Transaction tx(db);
        out = Changer(db, cfg, *staff, change, detail, document).run(ref);
        tx.commit();
    });
    if (out.done) {
        common::logger("cases")->info("case changed ref={} change={} role={} notified={}",
                                      out.reference, workflow::to_string(change),
                                      workflow::to_string(staff->role), out.told.size());
    }
    return out;
}

// The workflow change a database change of status amounts to, if any.
std::optional<Change> change_of_status(const std::string& from, const std::string& to) {
    if (to == "accepted") return Change::accept;
    if (to == "returned") return Change::return_;
    if (to == "under_review") {
        return from == "closed" || from == "archived" ? Change::reopen : Change::review;
    }
    if (to == "closed") return Change::close;
    if (to == "archived") return Change::archive;
    return std::nullopt;
}

}  // namespace

std::optional<Staff> find_staff(const common::Config& cfg, std::string_view email) {
    const std::string_view wanted = util::trim(email);
    for (const common::OfficeConfig& o : cfg.offices) {
        for (const common::StaffConfig& s : o.staff) {
            if (!util::iequals(s.email, wanted)) continue;
            const workflow::Role role = s.role == common::StaffRole::admin
                                            ? workflow::Role::admin
                                            : workflow::Role::case_manager;
            return Staff{s.name, s.email, role, o.name};
        }
    }
    return std::nullopt;
}

std::optional<std::string> content_type_of(std::string_view bytes) {
    if (bytes.starts_with("%PDF-")) return "application/pdf";
    if (bytes.starts_with("\x89PNG\r\n\x1a\n")) return "image/png";
    if (bytes.starts_with("\xFF\xD8\xFF")) return "image/jpeg";
    if (bytes.starts_with("PK\x03\x04")) {
        // An Office Open XML package whose main part is a Word document.
        if (bytes.find("word/document.xml") != std::string_view::npos &&
            bytes.find("[Content_Types].xml") != std::string_view::npos) {
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        }
        return std::nullopt;
    }
    const bool control = std::any_of(bytes.begin(), bytes.end(), [](char ch) {
        const auto u = static_cast<unsigned char>(ch);
        return (u < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' && ch != '\f') || u == 0x7F;
    });
    if (!bytes.empty() && !control && parsers::is_valid_utf8(bytes))
        return "text/plain; charset=utf-8";
    return std::nullopt;
}

Outcome apply(storage::Db& db, const common::Config& cfg, std::string_view actor_email,
              std::string_view reference, Change change, std::string_view detail) {
    if (change == Change::attach) {
        Outcome out;
        out.reference = std::string(reference);
        out.rule = "attach takes a document";
        out.refusal = "give the document to attach (cases::attach)";
        return out;
    }
    return change_case(db, cfg, actor_email, reference, change, detail, nullptr);
}

Outcome attach(storage::Db& db, const common::Config& cfg, std::string_view actor_email,
               std::string_view reference, const Document& document) {
    return change_case(db, cfg, actor_email, reference, Change::attach, {}, &document);
}

int tell_database_changes(storage::Db& db, const common::Config& cfg, int limit) {
    int told = 0;
    storage::with_retry(db, [&] {
        told = 0;
        storage::Transaction tx(db);
        for (const storage::CaseEvent& e : storage::claim_case_events(db, limit)) {
            storage::case_event_done(db, e.id);
            const std::optional<storage::StoredCase> c = storage::find_case(db, e.reference, true);
            const auto before = workflow::case_status_from(e.old_status);
            if (!c || !before) continue;
            const Staff someone{"someone working in the database (" + e.db_user + ")", "",
                                workflow::Role::admin, c->local_office};
            std::vector<Change> changes;
            if (e.old_status != e.new_status) {
                if (const auto ch = change_of_status(e.old_status, e.new_status))
                    changes.push_back(*ch);
            }
            if (e.old_case_manager != e.new_case_manager && !e.new_case_manager.empty()) {
                changes.push_back(Change::assign);
            }
            for (const Change ch : changes) {
                const std::string detail =
                    ch == Change::return_ || ch == Change::close
                        ? "(not recorded: the change was made directly in the database)"
                        : std::string();
                Changer(db, cfg, someone, ch, detail, nullptr)
                    .told_from_database(*c, *before, e.db_user,
                                        ch == Change::assign ? e.old_case_manager : "");
            }
            ++told;
        }
        tx.commit();
    });
    if (told > 0) common::logger("cases")->info("database changes told events={}", told);
    return told;
}

}  // namespace casegate::cases
