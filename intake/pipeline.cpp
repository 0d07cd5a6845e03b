// What a submission becomes (FORM.md): complete → case + acknowledgement + office alert;
// incomplete → kept with a reply naming what is missing; anything else → set aside with its
// reason and never answered. Only the sender of an email is ever written to about it, and
// only when it is not an automatic message; the doctor is never a recipient unless they sent it.
#include "intake/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <future>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "cases/outgoing.hpp"
#include "cases/service.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/watchdog.hpp"
#include "forms/form_pdf.hpp"
#include "import/employers.hpp"
#include "intake/item_codec.hpp"
#include "intake/parse_worker.hpp"
#include "notifier/compose.hpp"
#include "notifier/mail.hpp"
#include "notifier/templates.hpp"
#include "parsers/email.hpp"
#include "storage/cases.hpp"
#include "storage/inbound.hpp"
#include "storage/revalidation_admin.hpp"
#include "storage/threads.hpp"
#include "util/strings.hpp"
#include "workflow/threading.hpp"

namespace casegate::intake {

namespace {

// The fillable form attached to every incomplete-form reply, made once from the definition and
// the offices' employers (as configured when first made).
const std::string& blank_form_pdf(const common::Config& cfg) {
    static const std::string bytes = forms::form_pdf_bytes(import::region_employers(cfg));
    return bytes;
}

// The log line of a quarantined item: `why` is the limit it broke or the kind of failure,
// never the reason's text, which can quote the message.
void log_quarantined(std::int64_t id, std::string_view why) {
    common::logger("pipeline")->warn("item quarantined item={} reason={}", id, why);
}

}  // namespace

class ItemProcessor {
  public:
    ItemProcessor(const common::Config& cfg, storage::Db& db, std::int64_t id,
                  const std::string& sha, const std::string& source_kind, const ParsedItem& p,
                  ProcessStats& stats)
        : cfg_(cfg),
          db_(db),
          id_(id),
          sha_(sha),
          source_kind_(source_kind),
          p_(p),
          e_(p.evaluation),
          stats_(stats) {}

    /// Released from review by a member of staff onto `reference`.
    ItemProcessor& released(const std::string& by, const std::string& reference) {
        released_by_ = by;
        released_onto_ = reference;
        return *this;
    }

    void run() {
        const storage::LockedItem locked =
            storage::lock_for_processing(db_, id_, sha_, e_.message_id, e_.from_address);
        // Finished meanwhile, or its claim lapsed and another process has it now.
        if (locked.state != "received" || !locked.claimed) return;
        if (p_.status == ParseStatus::unreadable) {
            finish("quarantined", "unreadable", p_.reason);
            ++stats_.quarantined;
            log_quarantined(id_, p_.limit.empty() ? "unreadable" : p_.limit);
            return;
        }
        // A copy an admin released (`casegate items release`) is taken as a message of its own.
        if (const auto dup = locked.duplicate_of; dup && released_by_.empty()) {
            storage::finish_inbound(db_, id_, "duplicate",
                                    std::string(forms::to_string(e_.verdict)),
                                    "duplicate of inbound item " + std::to_string(*dup),
                                    e_.message_id, e_.from_address, *dup);
            ++stats_.duplicates;
            return;
        }
        if (!e_.from_address.empty() && notifier::same_address(e_.from_address, cfg_.smtp.from)) {
            set_aside("message from casegate's own address");
            return;
        }
        // Auto-replies and bounces never become actions and are never answered (no loops).
        if (e_.verdict == forms::Verdict::auto_reply || e_.verdict == forms::Verdict::bounce) {
            // A bounce of one of our notifications: that delivery failed after all.
            if (!e_.bounced_message_id.empty()) {
                storage::mark_bounced(db_, e_.bounced_message_id, e_.reason);
            }
            set_aside(e_.reason);
            return;
        }
        if (!released_by_.empty() && !released_onto_.empty()) {
            if (const auto target = storage::find_thread_target(db_, released_onto_)) {
                storage::set_thread_reference(db_, id_, released_onto_);
                const std::string office = office_of(*target);
                if (target->case_id) {
                    follow_up(released_onto_, *target, office, workflow::SenderRole::staff,
                              "a sender whose message " + released_by_ + " released from review");
                } else {
                    answer_submission(released_onto_, *target);
                }
                return;
            }
        }
        const bool dmarc_fail = dmarc_failed();
        if (source_kind_ != "web" && !dmarc_fail && staff_command()) return;
        if (source_kind_ != "web") {
            const std::optional<workflow::ThreadHint> hint = workflow::thread_hint(
                e_.in_reply_to, e_.references, e_.subject, cfg_.threading.key);
            std::optional<storage::ThreadTarget> target;
            if (hint) target = storage::find_thread_target(db_, hint->reference);
            if (dmarc_fail) {
                hold(target ? hint->reference : std::string(), target ? office_of(*target) : "",
                     "the sender's domain failed DMARC");
                return;
            }
            if (target) {
                thread_onto(*hint, *target);
                return;
            }
        }
        switch (e_.verdict) {
            case forms::Verdict::complete:
                if (const auto open = repeated_case()) {
                    record_repeat(*open);
                } else {
                    create_case();
                }
                break;
            case forms::Verdict::incomplete:
                keep_incomplete();
                break;
            default:
                set_aside(e_.reason);
                break;
        }
    }

  private:
    void finish(const std::string& state, const std::string& verdict, const std::string& reason) {
        storage::finish_inbound(db_, id_, state, verdict, reason, e_.message_id, e_.from_address);
    }

    void set_aside(const std::string& reason) {
        finish("set_aside", std::string(forms::to_string(e_.verdict)), reason);
        ++stats_.set_aside;
        common::logger("pipeline")
            ->info("item set aside id={} verdict={}", id_, forms::to_string(e_.verdict));
    }

    // The address an answer may go to: the email's sender, if it is usable.
    std::string reply_address() const {
        if (source_kind_ == "web") return e_.referral.text("referrer_email");
        return notifier::is_safe_address(e_.from_address) ? e_.from_address : std::string();
    }

    // An answer to the sender sits in the sender's thread; the office alert starts its own.
    void thread_as_reply(notifier::Notification& n) const {
        n.in_reply_to = e_.message_id;
        n.references = e_.references;
        if (!e_.message_id.empty()) n.references.push_back(e_.message_id);
    }

    // Notifications about a case or submission carry a Message-ID signed for its reference
    // (workflow/threading.hpp), so that answers find their way back.
    void enqueue(const notifier::Notification& n, const std::string& reference = {}) {
        cases::send(db_, cfg_, n, reference);
    }

    // A reply to a staff notification, whose recipient address carries that member's token:
    // the command on its first line is carried out as them (the same rules as the command
    // line) and they are told the outcome. A token that does not belong to the sender changes
    // nothing and is held; an expired one is refused to the member of staff. Returns false
    // when the message carries no token.
    bool staff_command() {
        if (cfg_.threading.key.empty()) return false;
        const std::int64_t today =
            workflow::epoch_day(static_cast<std::int64_t>(std::time(nullptr)));
        for (const std::string& tag : e_.recipient_tags) {
            std::string reference;
            const workflow::TokenCheck check = workflow::check_reply_tag(
                tag, e_.from_address, today, cfg_.threading.key, reference);
            if (check == workflow::TokenCheck::not_a_token) continue;
            if (check == workflow::TokenCheck::forged) {
                hold("", "", "a reply token that does not belong to its sender");
                return true;
            }
            const std::optional<cases::Staff> staff = cases::find_staff(cfg_, e_.from_address);
            if (!staff) {
                hold("", "", "a reply token from someone who is not a member of staff");
                return true;
            }
            std::string tagged_ref = tag.substr(0, tag.find('.'));
            if (check == workflow::TokenCheck::expired) {
                command_reply(tagged_ref, *staff, false,
                              "the reply address has expired (after " +
                                  std::to_string(cases::kReplyTokenDays) +
                                  " days); reply to a newer email about the case, or use "
                                  "casegate cases");
                finish("processed", "staff_command", "expired reply token");
                return true;
            }
            std::string error;
            const std::optional<workflow::EmailCommand> command =
                workflow::parse_email_command(e_.body, error);
            std::optional<workflow::Change> change;
            if (command) change = workflow::change_from(command->word);
            if (!command || !change) {
                command_reply(reference, *staff, false, error);
                finish("processed", "staff_command", "no command");
                return true;
            }
            const cases::Outcome out = cases::apply_in_transaction(
                db_, cfg_, staff->email, reference, *change, command->detail);
            std::string what = out.done ? out.summary : out.refusal;
            for (const cases::Told& t : out.told) {
                std::string to;
                for (const std::string& a : t.to) to += (to.empty() ? "" : ", ") + a;
                what += "\ntold " + t.who + " (" + to + ")";
            }
            command_reply(reference, *staff, out.done, what);
            finish("processed", "staff_command", out.done ? "" : out.rule);
            ++stats_.threaded;
            common::logger("pipeline")
                ->info("staff command ref={} item={} command={} done={}", reference, id_,
                       command->word, out.done);
            return true;
        }
        return false;
    }

    void command_reply(const std::string& reference, const cases::Staff& staff, bool done,
                       const std::string& what) {
        notifier::Notification n;
        n.kind = "command_result";
        n.text = notifier::command_result(reference, staff.office, done, what);
        n.to = {staff.email};
        thread_as_reply(n);
        enqueue(n, reference);
    }

    // True when the organisation's mail server (the configured authserv-id) says the sender's
    // domain failed DMARC. Headers of any other authserv-id are the sender's own claims.
    bool dmarc_failed() const {
        if (cfg_.threading.authserv_id.empty()) return false;
        for (const std::string& value : e_.authentication_results) {
            const std::string_view v = util::trim(value);
            const std::size_t end = v.find_first_of("; \t");
            if (!util::iequals(v.substr(0, end), cfg_.threading.authserv_id)) continue;
            if (util::ascii_lower(v).find("dmarc=fail") != std::string::npos) return true;
        }
        return false;
    }

    // The office a submission or case belongs to: the case's; for a submission without one,
    // the configured office its form names, else the default.
    std::string office_of(const storage::ThreadTarget& t) const {
        if (!t.office.empty()) return t.office;
        try {
            const forms::Referral r =
                referral_from_json(t.fields_json, t.missing_json, t.errors_json);
            if (std::string named = r.text("local_office"); cfg_.office(named)) return named;
        } catch (const std::exception&) {
            // A submission written by this program always parses; the default office it is.
        }
        return cfg_.default_office;
    }

    const common::OfficeConfig& office_config(const std::string& name) const {
        const common::OfficeConfig* oc = cfg_.office(name);
        return oc ? *oc : *cfg_.office(cfg_.default_office);
    }

    // The office's staff and admin team mailboxes: who, besides the referrer and the case
    // manager, may add to its cases.
    std::vector<std::string> staff_of(const common::OfficeConfig& oc) const {
        std::vector<std::string> out = oc.admin_emails;
        for (const auto& member : oc.staff) out.push_back(member.email);
        return out;
    }

    // Held for review: nothing is added to any case and nothing is sent to the sender; the
    // office's admin team is told that something waits (no sender, no text).
    void hold(const std::string& reference, const std::string& office, const std::string& why) {
        finish("held", std::string(forms::to_string(e_.verdict)), why);
        if (!reference.empty()) storage::set_thread_reference(db_, id_, reference);
        const std::string name = office.empty() ? cfg_.default_office : office;
        notifier::Notification n;
        n.kind = "held_for_review";
        n.text = notifier::held_notice(reference, name, id_, why);
        n.to = office_config(name).admin_emails;
        enqueue(n);
        ++stats_.held;
        common::logger("pipeline")
            ->info("item held for review item={} ref={}", id_, reference.empty() ? "-" : reference);
    }

    // A message answering a submission or case (DESIGN.md flow step 5): from the referrer, the
    // case manager or the office's staff it completes the submission or becomes an action on
    // the case; from anyone else it is held.
    void thread_onto(const workflow::ThreadHint& hint, const storage::ThreadTarget& t) {
        const std::string office = office_of(t);
        workflow::CaseParties parties;
        parties.referrer = {t.referrer_email, t.sender_email};
        if (!t.case_id) {
            try {
                parties.referrer.push_back(
                    referral_from_json(t.fields_json, "[]", "[]").text("referrer_email"));
            } catch (const std::exception&) {
                // no form address to add
            }
        }
        parties.case_manager = t.case_manager;
        parties.staff = staff_of(office_config(office));
        const workflow::SenderRole role = workflow::sender_role(e_.from_address, parties);
        if (role == workflow::SenderRole::stranger) {
            hold(hint.reference, office,
                 "the sender is not the referrer, the case manager or the office's staff");
            return;
        }
        storage::set_thread_reference(db_, id_, hint.reference);
        if (t.case_id) {
            follow_up(hint.reference, t, office, role);
        } else {
            answer_submission(hint.reference, t);
        }
    }

    static std::string role_words(workflow::SenderRole role) {
        switch (role) {
            case workflow::SenderRole::referrer:
                return "the referrer";
            case workflow::SenderRole::case_manager:
                return "the case manager";
            case workflow::SenderRole::staff:
                return "a member of the office's staff";
            case workflow::SenderRole::stranger:
                break;
        }
        return "someone else";
    }

    // Staff to tell of something new on a case: its case manager, or with none yet the office's
    // admin team; never the person who sent it.
    std::vector<std::string> case_staff(const std::string& case_manager, const std::string& office,
                                        bool admins_too) const {
        std::vector<std::string> to;
        if (!case_manager.empty()) to.push_back(case_manager);
        if (case_manager.empty() || admins_too) {
            for (const auto& a : office_config(office).admin_emails) to.push_back(a);
        }
        std::erase_if(to, [&](const std::string& a) { return util::iequals(a, e_.from_address); });
        return to;
    }

    void follow_up(const std::string& reference, const storage::ThreadTarget& t,
                   const std::string& office, workflow::SenderRole role,
                   const std::string& from_role = {}) {
        const std::string who = from_role.empty() ? role_words(role) : from_role;
        nlohmann::ordered_json details;
        details["text"] = e_.body;
        details["from_role"] = who;
        details["documents"] = p_.attachments.size();
        details["thread"] = "reference";
        storage::add_case_action(
            db_, *t.case_id, "follow_up", e_.from_address, id_,
            details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        storage::audit(db_, e_.from_address, "case.follow_up", t.case_id, t.submission_id);
        store_documents(t.case_id, t.submission_id);

        notifier::CaseMail m{reference,
                             office,
                             e_.from_address,
                             who,
                             e_.body,
                             p_.attachments.size(),
                             cfg_.include_details_in_alert};
        notifier::Notification n;
        n.kind = "follow_up";
        n.text = notifier::follow_up_notice(m);
        n.to = case_staff(t.case_manager, office, false);
        n.case_id = t.case_id;
        enqueue(n, reference);
        finish("processed", "follow_up", "");
        ++stats_.threaded;
        common::logger("pipeline")->info("follow-up added ref={} item={}", reference, id_);
    }

    // The answer to an incomplete-form reply: merged into the submission (the later value
    // wins, each change noted); once complete it becomes a case under the same reference.
    void answer_submission(const std::string& reference, const storage::ThreadTarget& t) {
        const forms::Referral earlier =
            referral_from_json(t.fields_json, t.missing_json, t.errors_json);
        forms::Merged merged = forms::merge_answer(earlier, e_.referral);
        std::vector<std::string> notes = strings_from_json(t.notes_json);
        notes.push_back("answer received (inbound item " + std::to_string(id_) + ")");
        notes.insert(notes.end(), merged.notes.begin(), merged.notes.end());
        store_documents(std::nullopt, t.submission_id);
        if (merged.referral.complete()) {
            announce_case(merged.referral, reference, t.submission_id, notes);
            return;
        }
        storage::update_submission(db_, t.submission_id, fields_json(merged.referral),
                                   missing_json(merged.referral), errors_json(merged.referral),
                                   strings_json(notes));
        storage::audit(db_, "casegate", "submission.answered", std::nullopt, t.submission_id);
        // Only an answer that changed something is answered again, so that a sender's
        // auto-responder can never start a loop of replies.
        if (merged.changed) {
            notifier::Notification reply;
            reply.kind = "incomplete_reply";
            reply.text = notifier::incomplete_reply(reference, merged.referral);
            if (const std::string to = reply_address(); !to.empty()) reply.to = {to};
            reply.auto_submitted = "auto-replied";
            reply.submission_id = t.submission_id;
            reply.attachments.push_back(
                {"casegate-referral-form.pdf", "application/pdf", blank_form_pdf(cfg_)});
            thread_as_reply(reply);
            enqueue(reply, reference);
        }
        finish("processed", "answer", "");
        ++stats_.threaded;
        common::logger("pipeline")
            ->info("submission answered ref={} item={} missing={} errors={} changed={}", reference,
                   id_, merged.referral.missing.size(), merged.referral.errors.size(),
                   merged.changed);
    }

    std::optional<storage::OpenCase> repeated_case() {
        const forms::Referral& r = e_.referral;
        return storage::find_repeated_case(db_, r.text("gmc_number"), r.text("referrer_email"),
                                           r.text("details"));
    }

    // A complete referral repeating an open case (the same doctor, referrer and details): an
    // action on that case, not a second case; the staff are told, the sender is not answered.
    void record_repeat(const storage::OpenCase& c) {
        nlohmann::ordered_json details;
        details["from"] = e_.from_address;
        details["channel"] = forms::to_string(e_.channel);
        details["documents"] = p_.attachments.size();
        storage::add_case_action(
            db_, c.id, "possible_duplicate", "casegate", id_,
            details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        storage::audit(db_, "casegate", "case.possible_duplicate", c.id, std::nullopt);
        store_documents(c.id, std::nullopt);
        notifier::CaseMail m{c.reference,           c.office, e_.from_address, "", "",
                             p_.attachments.size(), false};
        notifier::Notification n;
        n.kind = "possible_duplicate";
        n.text = notifier::duplicate_notice(m);
        n.to = case_staff(c.case_manager, c.office, true);
        n.case_id = c.id;
        enqueue(n, c.reference);
        storage::set_thread_reference(db_, id_, c.reference);
        finish("processed", "possible_duplicate", "");
        ++stats_.threaded;
        common::logger("pipeline")
            ->info("referral recorded as a possible duplicate ref={} item={}", c.reference, id_);
    }

    storage::SubmissionRow submission_row(workflow::SubmissionStatus status) const {
        storage::SubmissionRow s;
        s.inbound_item_id = id_;
        s.channel = std::string(forms::to_string(e_.channel));
        s.status = status;
        s.fields_json = fields_json(e_.referral);
        s.missing_json = missing_json(e_.referral);
        s.errors_json = errors_json(e_.referral);
        s.notes_json = strings_json(e_.notes);
        s.sender_email = e_.from_address;
        return s;
    }

    void store_documents(std::optional<std::int64_t> case_id,
                         std::optional<std::int64_t> submission_id) {
        for (const auto& a : p_.attachments) {
            storage::DocumentRow d;
            d.case_id = case_id;
            d.submission_id = submission_id;
            d.inbound_item_id = id_;
            d.filename = a.filename.empty() ? "attachment" : a.filename;
            d.content_type = a.content_type;
            d.content = a.data;
            storage::insert_document(db_, d);
        }
    }

    // The doctor's revalidation data, when casegate holds any (DESIGN.md, flow step 6).
    std::optional<storage::DoctorRouting> revalidation_of(const std::string& gmc) {
        const auto today = revalidation::Date::parse(common::local_today());
        if (gmc.empty() || !today) return std::nullopt;
        return storage::doctor_routing(db_, gmc, *today);
    }

    // The office a case goes to: the form's choice; else the configured office of the
    // doctor's current programme (the latest-starting one with an office here); else the
    // default. `how` says which ("form", "programme", "default").
    std::string route(const forms::Referral& r, const std::optional<storage::DoctorRouting>& rv,
                      std::string& how) const {
        if (std::string named = r.text("local_office"); !named.empty()) {
            how = "form";
            return named;
        }
        if (rv) {
            for (const std::string& body : rv->current_tis_designated_bodies) {
                if (const common::OfficeConfig* o = cfg_.office_of_body(body)) {
                    how = "programme";
                    return o->name;
                }
            }
        }
        how = "default";
        return cfg_.default_office;
    }

    // What triage needs to know about the doctor's connection, as a case action.
    void record_revalidation(std::int64_t case_id, const std::string& gmc,
                             const storage::DoctorRouting& rv, const std::string& office,
                             const std::string& how) {
        const auto optional = [](const std::optional<std::string>& s) {
            return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
        };
        nlohmann::ordered_json j;
        j["gmc_number"] = gmc;
        j["routed_by"] = how;
        j["office"] = office;
        j["current_tis_designated_bodies"] = rv.current_tis_designated_bodies;
        j["list"] = optional(rv.list);
        j["reasons"] = rv.reasons;
        j["flagged"] = rv.flagged;
        j["gmc_designated_body"] = optional(rv.gmc_designated_body);
        j["classified_on"] = optional(rv.classified_on);
        storage::add_case_action(db_, case_id, "revalidation", "casegate", id_,
                                 j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }

    void create_case() { announce_case(e_.referral, "", 0, e_.notes); }

    // Opens a case and tells the referrer and the office. `reference` empty: a new case with the
    // next reference; otherwise the case of submission `submission` that an answer completed,
    // under the reference the referrer was given.
    void announce_case(const forms::Referral& r, const std::string& existing_reference,
                       std::int64_t submission, const std::vector<std::string>& notes) {
        const std::string gmc = r.text("gmc_number");
        const std::optional<storage::DoctorRouting> rv = revalidation_of(gmc);
        std::string routed_by;
        const std::string office = route(r, rv, routed_by);
        std::string reference = existing_reference;
        std::int64_t case_id = 0;
        std::int64_t sub = submission;
        storage::CaseRow c = case_row(r, office);
        if (c.employer) {
            const import::EmployerMatch m = import::match_employer(db_, cfg_, office, *c.employer);
            c.employer_code = m.code;
            c.employer_name = m.name;
        }
        const std::string created = R"({"channel":")" + std::string(forms::to_string(e_.channel)) +
                                    R"(","answered":)" +
                                    (existing_reference.empty() ? "false" : "true") + "}";
        if (reference.empty()) {
            storage::SubmissionRow row = submission_row(workflow::SubmissionStatus::complete);
            row.notes_json = strings_json(notes);
            // With its `created` action and audit line, in the same statement.
            const storage::OpenedCase opened = storage::open_case(db_, c, row, created);
            reference = opened.reference;
            case_id = opened.case_id;
            sub = opened.submission_id;
        } else {
            case_id = storage::complete_submission(db_, submission, reference, c, fields_json(r),
                                                   strings_json(notes));
            storage::add_case_action(db_, case_id, "created", "casegate", id_, created);
            storage::audit(db_, "casegate", "case.created", case_id, sub);
        }
        if (rv) record_revalidation(case_id, gmc, *rv, office, routed_by);
        store_documents(case_id, sub);

        notifier::Notification ack;
        ack.kind = "acknowledgement";
        ack.text = notifier::acknowledgement(reference, r, office);
        if (const std::string to = reply_address(); !to.empty()) ack.to = {to};
        ack.auto_submitted = "auto-replied";
        ack.case_id = case_id;
        thread_as_reply(ack);

        notifier::Notification alert;
        alert.kind = "office_alert";
        alert.text = notifier::office_alert(reference, r, office, cfg_.include_details_in_alert);
        // The team's mailbox, and each admin of the office their own copy, which they can
        // answer with a command (cases/outgoing.hpp).
        alert.to = office_config(office).admin_emails;
        for (const auto& member : office_config(office).staff) {
            if (member.role == common::StaffRole::admin) alert.to.push_back(member.email);
        }
        alert.case_id = case_id;
        std::vector<notifier::Notification> both;
        both.push_back(std::move(ack));
        both.push_back(std::move(alert));
        cases::send(db_, cfg_, std::move(both), reference);  // one statement

        finish("processed", existing_reference.empty() ? "complete" : "answer", "");
        ++stats_.cases;
        common::logger("pipeline")
            ->info("case created ref={} item={} office={} routed_by={}", reference, id_, office,
                   routed_by);
    }

    void keep_incomplete() {
        const std::string reference = storage::next_reference(db_);
        storage::SubmissionRow row = submission_row(workflow::SubmissionStatus::incomplete);
        row.reference = reference;
        const std::int64_t sub = storage::insert_submission(db_, row);
        storage::audit(db_, "casegate", "submission.incomplete", std::nullopt, sub);
        store_documents(std::nullopt, sub);
        notifier::Notification reply;
        reply.kind = "incomplete_reply";
        reply.text = notifier::incomplete_reply(reference, e_.referral);
        if (const std::string to = reply_address(); !to.empty()) reply.to = {to};
        reply.auto_submitted = "auto-replied";
        reply.submission_id = sub;
        reply.attachments.push_back(
            {"casegate-referral-form.pdf", "application/pdf", blank_form_pdf(cfg_)});
        thread_as_reply(reply);
        enqueue(reply, reference);
        finish("processed", "incomplete", "");
        ++stats_.incomplete;
        common::logger("pipeline")
            ->info("submission incomplete ref={} item={} missing={} errors={}", reference, id_,
                   e_.referral.missing.size(), e_.referral.errors.size());
    }

    const common::Config& cfg_;
    storage::Db& db_;
    std::int64_t id_;
    const std::string& sha_;
    const std::string& source_kind_;
    std::string released_by_;
    std::string released_onto_;
    const ParsedItem& p_;
    const forms::Evaluation& e_;
    ProcessStats& stats_;
};

int Pipeline::claim_seconds() const {
    return std::max(kMinClaimSeconds, 4 * cfg_.limits.parse_timeout);
}

ProcessStats Pipeline::process_due(const std::atomic<bool>& stop) {
    ProcessStats stats;
    std::set<std::int64_t> skip;
    bool more = true;
    while (more && !stop) {
        // A lost connection loses at most the open group: its items are still due (the claims
        // of the closed session are free at once) and are claimed, parsed and processed again.
        storage::with_retry(db_, [&] { more = process_batch(stop, stats, skip); });
    }
    return stats;
}

bool Pipeline::process_batch(const std::atomic<bool>& stop, ProcessStats& stats,
                             std::set<std::int64_t>& skip) {
    // The claim commits on its own, before the group's transaction, so other processes leave
    // these items alone from now on.
    const std::vector<storage::InboundRow> due =
        storage::claim_due_inbound(db_, kGroupItems, kBatchBytes, claim_seconds(), skip);
    if (due.empty()) return false;
    common::logger("pipeline")
        ->debug("items claimed count={} session={}", due.size(), db_.backend_pid());
    std::vector<std::int64_t> ids;
    ids.reserve(due.size());
    for (const storage::InboundRow& row : due) ids.push_back(row.id);

    std::optional<storage::Transaction> tx;
    try {
        run_batch(stop, stats, skip, due, tx);
    } catch (const storage::DbError& e) {
        tx.reset();
        // A closed session's claims are free already; otherwise give them up for others.
        if (!e.is_connection()) {
            try {
                storage::release_claims(db_, ids);
            } catch (const storage::DbError&) {  // they lapse with the lease
            }
        }
        throw;
    } catch (...) {
        tx.reset();
        try {
            storage::release_claims(db_, ids);
        } catch (const storage::DbError&) {  // they lapse with the lease
        }
        throw;
    }
    // Finished items are no longer claimed; what is left (stopped, skipped) is due again.
    storage::release_claims(db_, ids);
    return true;
}

void Pipeline::run_batch(const std::atomic<bool>& stop, ProcessStats& stats,
                         std::set<std::int64_t>& skip, const std::vector<storage::InboundRow>& due,
                         std::optional<storage::Transaction>& tx) {
    ProcessStats group;  // counted once committed
    int in_group = 0;
    auto deadline = std::chrono::steady_clock::now();
    const auto half_lease = std::chrono::seconds(claim_seconds() / 2);
    auto renew_at = std::chrono::steady_clock::now() + half_lease;
    const auto commit = [&] {
        if (!tx) return;
        tx->commit();
        tx.reset();
        stats += group;
        group = {};
        in_group = 0;
    };
    // The worker parses the next item while this thread does the database work for the
    // current one. One parse at a time, so the pool is never used by two threads at once; a
    // parse in flight when the loop ends is waited for (the future's destructor) and dropped.
    const auto parse = [this](const storage::InboundRow& row) {
        const ItemKind kind = row.source_kind == "web" ? ItemKind::json : ItemKind::email;
        return pool_.parse(row.raw, kind, common::local_today());
    };
    std::future<ParsedItem> next = std::async(std::launch::async, parse, std::cref(due.front()));
    for (std::size_t i = 0; i < due.size(); ++i) {
        if (stop) break;
        common::watchdog_ping();
        const storage::InboundRow& row = due[i];
        const ParsedItem parsed = next.get();
        if (i + 1 < due.size() && parsed.status != ParseStatus::unavailable) {
            next = std::async(std::launch::async, parse, std::cref(due[i + 1]));
        }
        if (parsed.status == ParseStatus::unavailable) {
            commit();
            throw ParserUnavailable(parsed.reason);
        }
        if (std::chrono::steady_clock::now() >= renew_at) {
            // A long batch (slow parses) keeps its claim: the group so far is committed and
            // the lease of the items still to come renewed, outside any transaction, so that
            // other processes see it. An item whose claim lapsed meanwhile is found so when
            // it is locked, and left to the process that has it now.
            commit();
            std::vector<std::int64_t> rest;
            rest.reserve(due.size() - i);
            for (std::size_t j = i; j < due.size(); ++j) rest.push_back(due[j].id);
            storage::renew_claims(db_, rest, claim_seconds());
            renew_at = std::chrono::steady_clock::now() + half_lease;
        }
        if (!tx) {
            tx.emplace(db_);
            deadline = std::chrono::steady_clock::now() + kGroupTime;
        }
        process_in_group(*tx, row, parsed, group, skip);
        if (++in_group >= kGroupItems || std::chrono::steady_clock::now() >= deadline) commit();
    }
    commit();
}

void Pipeline::process_in_group(storage::Transaction& tx, const storage::InboundRow& item,
                                const ParsedItem& parsed, ProcessStats& group,
                                std::set<std::int64_t>& skip) {
    const std::int64_t id = item.id;
    std::string error;
    tx.savepoint();
    try {
        ProcessStats local;
        if (parsed.status == ParseStatus::failed) {
            record_failure(id, parsed.reason, "parse_failed", local);
        } else {
            ItemProcessor(cfg_, db_, id, item.sha256, item.source_kind, parsed, local)
                .released(item.released_by, item.thread_reference)
                .run();
        }
        tx.release_savepoint();  // the item's statements have all been answered here
        group += local;
        return;
    } catch (const storage::DbError& e) {
        if (e.is_connection()) throw;  // the group is lost; with_retry starts it again
        if (e.is_lock_conflict()) {
            // Another session is processing a copy of this message (or the server broke a
            // deadlock): nothing is wrong with the item. It is undone, not charged, and left
            // for a later turn, when that session's outcome is committed and visible.
            tx.rollback_to_savepoint();
            tx.release_savepoint();
            skip.insert(id);
            common::logger("pipeline")->debug("item deferred id={} sqlstate={}", id, e.sqlstate());
            return;
        }
        error = e.what();
    } catch (const std::exception& e) {
        error = e.what();
    }
    // One bad item never harms the others: its work is undone alone, and its failure is
    // recorded in its place, committed with the group.
    common::logger("pipeline")->error("item failed id={} error={}", id, error);
    tx.rollback_to_savepoint();
    try {
        ProcessStats local;
        record_failure(id, "processing error: " + error, "processing_error", local);
        tx.release_savepoint();
        group += local;
    } catch (const storage::DbError& e) {
        if (e.is_connection()) throw;
        // Not even the failure can be written: leave the item waiting, untouched, and do not
        // take it again in this turn.
        tx.rollback_to_savepoint();
        tx.release_savepoint();
        skip.insert(id);
        common::logger("pipeline")->error("item failure not recorded id={} error={}", id, e.what());
    }
}

void Pipeline::record_failure(std::int64_t id, const std::string& reason, std::string_view kind,
                              ProcessStats& stats) {
    switch (storage::record_failed_attempt(db_, id, reason, cfg_.limits.max_attempts)) {
        case storage::FailedAttempt::quarantined:
            ++stats.quarantined;
            log_quarantined(id, kind);
            break;
        case storage::FailedAttempt::retry_later:
            ++stats.retry_later;
            common::logger("pipeline")
                ->warn("item failed, retried later id={} reason={}", id, reason);
            break;
        case storage::FailedAttempt::not_claimed:
            // Its claim lapsed and another process has it: the attempt is that one's to count.
            common::logger("pipeline")->debug("item failed after its claim lapsed id={}", id);
            break;
    }
}

}  // namespace casegate::intake
