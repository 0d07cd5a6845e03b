// New submissions and cases (see item_processor.hpp): the decisions of run(), a new case with
// its revalidation data, routing and notifications, an incomplete submission, a repeat of an
// open case, and the small steps they share.
#include "intake/item_processor.hpp"

#include <spdlog/spdlog.h>

#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cases/outgoing.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "forms/form_pdf.hpp"
#include "import/employers.hpp"
#include "intake/item_codec.hpp"
#include "notifier/mail.hpp"
#include "notifier/templates.hpp"
#include "parsers/email.hpp"
#include "storage/inbound.hpp"
#include "util/strings.hpp"

namespace casegate::intake {

void log_quarantined(std::int64_t id, std::string_view why) {
    common::logger("pipeline")->warn("item quarantined item={} reason={}", id, why);
}

std::string ItemProcessor::blank_form_pdf(const common::Config& cfg) {
    static std::mutex mutex;
    static std::vector<std::string> made_for;
    static std::string bytes;
    std::vector<std::string> employers = import::region_employers(cfg);
    const std::lock_guard<std::mutex> lock(mutex);
    if (bytes.empty() || employers != made_for) {
        bytes = forms::form_pdf_bytes(employers);
        made_for = std::move(employers);
    }
    return bytes;
}

void ItemProcessor::send_incomplete_reply(const std::string& reference, const forms::Referral& r,
                                          std::int64_t submission_id) {
    notifier::Notification reply;
    reply.kind = "incomplete_reply";
    reply.text = notifier::incomplete_reply(reference, r);
    if (const std::string to = reply_address(); !to.empty()) reply.to = {to};
    reply.auto_submitted = "auto-replied";
    reply.submission_id = submission_id;
    reply.attachments.push_back(
        {"casegate-referral-form.pdf", "application/pdf", blank_form_pdf(cfg_)});
    thread_as_reply(reply);
    enqueue(reply, reference);
}

void ItemProcessor::run() {
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
        storage::finish_inbound(db_, id_, "duplicate", std::string(forms::to_string(e_.verdict)),
                                "duplicate of inbound item " + std::to_string(*dup), e_.message_id,
                                e_.from_address, *dup);
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
        const std::optional<workflow::ThreadHint> hint =
            workflow::thread_hint(e_.in_reply_to, e_.references, e_.subject, cfg_.threading.key);
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

void ItemProcessor::finish(const std::string& state, const std::string& verdict,
                           const std::string& reason) {
    storage::finish_inbound(db_, id_, state, verdict, reason, e_.message_id, e_.from_address);
}

void ItemProcessor::set_aside(const std::string& reason) {
    finish("set_aside", std::string(forms::to_string(e_.verdict)), reason);
    ++stats_.set_aside;
    common::logger("pipeline")
        ->info("item set aside id={} verdict={}", id_, forms::to_string(e_.verdict));
}

std::string ItemProcessor::reply_address() const {
    if (source_kind_ == "web") return e_.referral.text("referrer_email");
    return notifier::is_safe_address(e_.from_address) ? e_.from_address : std::string();
}

void ItemProcessor::thread_as_reply(notifier::Notification& n) const {
    n.in_reply_to = e_.message_id;
    n.references = e_.references;
    if (!e_.message_id.empty()) n.references.push_back(e_.message_id);
}

void ItemProcessor::enqueue(const notifier::Notification& n, const std::string& reference) {
    cases::send(db_, cfg_, n, reference);
}

std::string ItemProcessor::office_of(const storage::ThreadTarget& t) const {
    if (!t.office.empty()) return t.office;
    try {
        const forms::Referral r = referral_from_json(t.fields_json, t.missing_json, t.errors_json);
        if (std::string named = r.text("local_office"); cfg_.office(named)) return named;
    } catch (const std::exception&) {
        // A submission written by this program always parses; the default office it is.
    }
    return cfg_.default_office;
}

const common::OfficeConfig& ItemProcessor::office_config(const std::string& name) const {
    const common::OfficeConfig* oc = cfg_.office(name);
    return oc ? *oc : *cfg_.office(cfg_.default_office);
}

std::vector<std::string> ItemProcessor::staff_of(const common::OfficeConfig& oc) const {
    std::vector<std::string> out = oc.admin_emails;
    for (const auto& member : oc.staff) out.push_back(member.email);
    return out;
}

std::optional<storage::OpenCase> ItemProcessor::repeated_case() {
    const forms::Referral& r = e_.referral;
    return storage::find_repeated_case(db_, r.text("gmc_number"), r.text("referrer_email"),
                                       r.text("details"));
}

void ItemProcessor::record_repeat(const storage::OpenCase& c) {
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

storage::SubmissionRow ItemProcessor::submission_row(workflow::SubmissionStatus status) const {
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

void ItemProcessor::store_documents(std::optional<std::int64_t> case_id,
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

std::optional<storage::DoctorRouting> ItemProcessor::revalidation_of(const std::string& gmc) {
    const auto today = revalidation::Date::parse(common::local_today());
    if (gmc.empty() || !today) return std::nullopt;
    return storage::doctor_routing(db_, gmc, *today);
}

std::string ItemProcessor::route(const forms::Referral& r,
                                 const std::optional<storage::DoctorRouting>& rv,
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

void ItemProcessor::record_revalidation(std::int64_t case_id, const std::string& gmc,
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

void ItemProcessor::create_case() {
    announce_case(e_.referral, "", 0, e_.notes);
}

void ItemProcessor::announce_case(const forms::Referral& r, const std::string& existing_reference,
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

void ItemProcessor::keep_incomplete() {
    const std::string reference = storage::next_reference(db_);
    storage::SubmissionRow row = submission_row(workflow::SubmissionStatus::incomplete);
    row.reference = reference;
    const std::int64_t sub = storage::insert_submission(db_, row);
    storage::audit(db_, "casegate", "submission.incomplete", std::nullopt, sub);
    store_documents(std::nullopt, sub);
    send_incomplete_reply(reference, e_.referral, sub);
    finish("processed", "incomplete", "");
    ++stats_.incomplete;
    common::logger("pipeline")
        ->info("submission incomplete ref={} item={} missing={} errors={}", reference, id_,
               e_.referral.missing.size(), e_.referral.errors.size());
}
}  // namespace casegate::intake
