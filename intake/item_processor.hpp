// One stored item's processing once it is parsed, inside the item's savepoint (pipeline.cpp
// runs the groups). What a submission becomes (FORM.md): complete → case + acknowledgement +
// office alert; incomplete → kept with a reply naming what is missing; anything else → set
// aside with its reason and never answered. Only the sender of an email is ever written to
// about it, and only when it is not an automatic message; the doctor is never a recipient
// unless they sent it. item_processor.cpp: new submissions and cases; threading.cpp: answers,
// follow-ups, staff commands by reply, and mail held for review. Internal to intake/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/service.hpp"
#include "common/config.hpp"
#include "forms/evaluate.hpp"
#include "intake/parse_worker.hpp"
#include "intake/pipeline.hpp"
#include "notifier/compose.hpp"
#include "storage/cases.hpp"
#include "storage/pg.hpp"
#include "storage/revalidation_admin.hpp"
#include "storage/threads.hpp"
#include "workflow/threading.hpp"

namespace casegate::intake {

/// The log line of a quarantined item: `why` is the limit it broke or the kind of failure,
/// never the reason's text, which can quote the message.
void log_quarantined(std::int64_t id, std::string_view why);

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

    /// What the item becomes, with its notifications and its final state.
    void run();

    // The fillable form attached to every incomplete-form reply: the definition with the
    // offices' employers as their lists are now (made again when a list or the offices change).
    static std::string blank_form_pdf(const common::Config& cfg);

  private:
    // What is still missing from `r`, to the sender, with the blank form attached.
    void send_incomplete_reply(const std::string& reference, const forms::Referral& r,
                               std::int64_t submission_id);

    void finish(const std::string& state, const std::string& verdict, const std::string& reason);
    void set_aside(const std::string& reason);

    // The address an answer may go to: the email's sender, if it is usable.
    std::string reply_address() const;

    // An answer to the sender sits in the sender's thread; the office alert starts its own.
    void thread_as_reply(notifier::Notification& n) const;

    // Notifications about a case or submission carry a Message-ID signed for its reference
    // (workflow/threading.hpp), so that answers find their way back.
    void enqueue(const notifier::Notification& n, const std::string& reference = {});

    // A reply to a staff notification, whose recipient address carries that member's token:
    // the command on its first line is carried out as them (the same rules as the command
    // line) and they are told the outcome. A token that does not belong to the sender changes
    // nothing and is held; an expired one is refused to the member of staff. Returns false
    // when the message carries no token.
    bool staff_command();
    void command_reply(const std::string& reference, const cases::Staff& staff, bool done,
                       const std::string& what);

    // True when the organisation's mail server (the configured authserv-id) says the sender's
    // domain failed DMARC. Headers of any other authserv-id are the sender's own claims.
    bool dmarc_failed() const;

    // The office a submission or case belongs to: the case's; for a submission without one,
    // the configured office its form names, else the default.
    std::string office_of(const storage::ThreadTarget& t) const;
    const common::OfficeConfig& office_config(const std::string& name) const;

    // The office's staff and admin team mailboxes: who, besides the referrer and the case
    // manager, may add to its cases.
    std::vector<std::string> staff_of(const common::OfficeConfig& oc) const;

    // Held for review: nothing is added to any case and nothing is sent to the sender; the
    // office's admin team is told that something waits (no sender, no text).
    void hold(const std::string& reference, const std::string& office, const std::string& why);

    // A message answering a submission or case (DESIGN.md flow step 5): from the referrer, the
    // case manager or the office's staff it completes the submission or becomes an action on
    // the case; from anyone else it is held.
    void thread_onto(const workflow::ThreadHint& hint, const storage::ThreadTarget& t);
    static std::string role_words(workflow::SenderRole role);

    // Staff to tell of something new on a case: its case manager, or with none yet the office's
    // admin team; never the person who sent it.
    std::vector<std::string> case_staff(const std::string& case_manager, const std::string& office,
                                        bool admins_too) const;
    void follow_up(const std::string& reference, const storage::ThreadTarget& t,
                   const std::string& office, workflow::SenderRole role,
                   const std::string& from_role = {});

    // The answer to an incomplete-form reply: merged into the submission (the later value
    // wins, each change noted); once complete it becomes a case under the same reference.
    void answer_submission(const std::string& reference, const storage::ThreadTarget& t);
    std::optional<storage::OpenCase> repeated_case();

    // A complete referral repeating an open case (the same doctor, referrer and details): an
    // action on that case, not a second case; the staff are told, the sender is not answered.
    void record_repeat(const storage::OpenCase& c);
    storage::SubmissionRow submission_row(workflow::SubmissionStatus status) const;
    void store_documents(std::optional<std::int64_t> case_id,
                         std::optional<std::int64_t> submission_id);

    // The doctor's revalidation data, when casegate holds any (DESIGN.md, flow step 6).
    std::optional<storage::DoctorRouting> revalidation_of(const std::string& gmc);

    // The office a case goes to: the form's choice; else the configured office of the
    // doctor's current programme (the latest-starting one with an office here); else the
    // default. `how` says which ("form", "programme", "default").
    std::string route(const forms::Referral& r, const std::optional<storage::DoctorRouting>& rv,
                      std::string& how) const;

    // What triage needs to know about the doctor's connection, as a case action.
    void record_revalidation(std::int64_t case_id, const std::string& gmc,
                             const storage::DoctorRouting& rv, const std::string& office,
                             const std::string& how);
    void create_case();

    // Opens a case and tells the referrer and the office. `reference` empty: a new case with the
    // next reference; otherwise the case of submission `submission` that an answer completed,
    // under the reference the referrer was given.
    void announce_case(const forms::Referral& r, const std::string& existing_reference,
                       std::int64_t submission, const std::vector<std::string>& notes);
    void keep_incomplete();

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

}  // namespace casegate::intake
