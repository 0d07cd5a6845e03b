// Mail that answers something (see item_processor.hpp): an answer completing a submission, a
// follow-up on a case from its referrer, case manager or office staff, a command a member of
// staff sent by replying to a notification, and mail held for review (DMARC failure, a
// stranger on a case, a forged token).
#include "intake/item_processor.hpp"

#include <spdlog/spdlog.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>

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

bool ItemProcessor::staff_command() {
    if (cfg_.threading.key.empty()) return false;
    const std::int64_t today = workflow::epoch_day(static_cast<std::int64_t>(std::time(nullptr)));
    for (const std::string& tag : e_.recipient_tags) {
        std::string reference;
        const workflow::TokenCheck check =
            workflow::check_reply_tag(tag, e_.from_address, today, cfg_.threading.key, reference);
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
        const cases::Outcome out = cases::apply_in_transaction(db_, cfg_, staff->email, reference,
                                                               *change, command->detail);
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
            ->info("staff command ref={} item={} command={} done={}", reference, id_, command->word,
                   out.done);
        return true;
    }
    return false;
}

void ItemProcessor::command_reply(const std::string& reference, const cases::Staff& staff,
                                  bool done, const std::string& what) {
    notifier::Notification n;
    n.kind = "command_result";
    n.text = notifier::command_result(reference, staff.office, done, what);
    n.to = {staff.email};
    thread_as_reply(n);
    enqueue(n, reference);
}

bool ItemProcessor::dmarc_failed() const {
    if (cfg_.threading.authserv_id.empty()) return false;
    for (const std::string& value : e_.authentication_results) {
        const std::string_view v = util::trim(value);
        const std::size_t end = v.find_first_of("; \t");
        if (!util::iequals(v.substr(0, end), cfg_.threading.authserv_id)) continue;
        if (util::ascii_lower(v).find("dmarc=fail") != std::string::npos) return true;
    }
    return false;
}

void ItemProcessor::hold(const std::string& reference, const std::string& office,
                         const std::string& why) {
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

void ItemProcessor::thread_onto(const workflow::ThreadHint& hint, const storage::ThreadTarget& t) {
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

std::string ItemProcessor::role_words(workflow::SenderRole role) {
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

std::vector<std::string> ItemProcessor::case_staff(const std::string& case_manager,
                                                   const std::string& office,
                                                   bool admins_too) const {
    std::vector<std::string> to;
    if (!case_manager.empty()) to.push_back(case_manager);
    if (case_manager.empty() || admins_too) {
        for (const auto& a : office_config(office).admin_emails) to.push_back(a);
    }
    std::erase_if(to, [&](const std::string& a) { return util::iequals(a, e_.from_address); });
    return to;
}

void ItemProcessor::follow_up(const std::string& reference, const storage::ThreadTarget& t,
                              const std::string& office, workflow::SenderRole role,
                              const std::string& from_role) {
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

void ItemProcessor::answer_submission(const std::string& reference,
                                      const storage::ThreadTarget& t) {
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
    if (merged.changed) send_incomplete_reply(reference, merged.referral, t.submission_id);
    finish("processed", "answer", "");
    ++stats_.threaded;
    common::logger("pipeline")
        ->info("submission answered ref={} item={} missing={} errors={} changed={}", reference, id_,
               merged.referral.missing.size(), merged.referral.errors.size(), merged.changed);
}
}  // namespace casegate::intake
