// The texts of the automated notifications: each function gathers what its text may say and
// renders the text's template (notifier/templates/NAME.txt, built in; an operator's own file
// wins: use_templates).
//
// Privacy: what a text can say is what its function gives the template. The office alert gets
// the free-text details only when asked to; the automatic replies get no name, GMC number or
// free text at all, so no template can echo them. Nothing here is ever addressed to the trainee
// (recipients are chosen by the caller).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "forms/form.hpp"

namespace casegate::notifier {

struct Text {
    std::string subject;  ///< always contains "[<reference>]"
    std::string body;     ///< UTF-8, "\n" line ends
};

/// To the referrer of a complete referral: the reference, the fields chosen from the form's
/// lists, and what happens next. No name, GMC number or free text (module comment).
Text acknowledgement(std::string_view reference, const forms::Referral& r,
                     std::string_view office_name);

/// To the local office's admin team: reference, doctor, GMC number, route, type, referrer;
/// the details of the concern only when include_details is true.
Text office_alert(std::string_view reference, const forms::Referral& r,
                  std::string_view office_name, bool include_details);

/// To the sender of an incomplete referral: each missing field by its label, each invalid field
/// by its label with the reason (never the value), the labels of what was kept, and how to
/// complete it (reply with the missing lines as `Label: value`, keeping the reference).
Text incomplete_reply(std::string_view reference, const forms::Referral& r);

/// What came in about a case, for the staff who are told of it.
struct CaseMail {
    std::string reference;
    std::string office_name;
    std::string from_address;   ///< who sent it (a referrer's or staff address)
    std::string from_role;      ///< "the referrer", "the case manager", "a member of staff"
    std::string text;           ///< their words; shown only when include_text
    std::size_t documents = 0;  ///< attachments kept as documents
    bool include_text = false;
};

/// To the case manager (or, with none yet, the office's admin team): a follow-up on a case.
Text follow_up_notice(const CaseMail& m);

/// To the office's admin team: a referral that repeats an open case (same doctor, referrer and
/// details) was recorded on it as a possible duplicate instead of opening another case.
Text duplicate_notice(const CaseMail& m);

/// An office's weekly triage digest: references only, no names or free text.
struct TriageDigest {
    std::string office_name;
    std::vector<std::string> new_cases, awaiting_triage, with_follow_ups, no_case_manager;
};
Text triage_digest(const TriageDigest& d, std::size_t max_listed = 50);

/// To a member of staff who replied with a command: what was done and who was told, or the
/// exact reason nothing was changed.
Text command_result(std::string_view reference, std::string_view office_name, bool done,
                    std::string_view what);

/// To the office's admin team: a message held for review (`why`: a few words, e.g. "the sender
/// is not the referrer or staff of the case"), named by its inbound item id. `reference` is the
/// case or submission the message claims to be about; may be empty.
Text held_notice(std::string_view reference, std::string_view office_name, std::int64_t item,
                 std::string_view why);

// ---- revalidation ---------------------------------------------------------------------------
//
// These go to a local office's admin team about the connection check. They carry counts, GMC
// numbers, designated body codes and GMC's return codes only: no names, no other personal data.

/// A GMC request that failed or was refused, as listed in a digest.
struct RevalFailedRequest {
    std::string gmc_number;
    std::string action;  ///< "add" | "remove"
    std::string designated_body;
    std::string state;        ///< "failed" (retried) | "refused" (final)
    std::string return_code;  ///< "" when GMC gave no answer
};

/// What changed for one office in one revalidation run.
struct RevalDigest {
    std::string office_name;
    std::string date;                            ///< the run's day, YYYY-MM-DD
    std::vector<std::string> new_discrepancies;  ///< GMC numbers, sorted
    std::vector<std::string> resolved;           ///< GMC numbers, sorted
    std::vector<RevalFailedRequest> failed_requests;
    std::size_t open_discrepancies = 0;  ///< discrepancies the office sees after the run
    std::size_t without_gmc_number = 0;  ///< new or resolved entries that have no GMC number
};

/// The digest to an office: counts, then each section's GMC numbers (at most `max_listed` per
/// section, the rest counted).
Text reval_digest(const RevalDigest& d, std::size_t max_listed = 200);

/// To an office whose feed was refused by the plausibility check: which feed (the TIS extract,
/// or GMC Connect's list for `designated_body`), why, and that the previous snapshot stands.
/// `designated_body` is "" for the TIS extract.
Text reval_feed_refused(std::string_view office_name, std::string_view designated_body,
                        std::string_view reason, std::string_view date);

/// To the default office's admins about one of casegate's OAuth 2.0 mailbox sign-ins: either
/// no token can be obtained (`reason` says why) or, with `reason` "", its client secret
/// expires on `expires` (YYYY-MM-DD), `days` from now.
Text oauth2_alert(std::string_view office_name, std::string_view client, std::string_view reason,
                  std::string_view expires, int days);

/// To a member of staff who asked to sign in to the console: the one-time link and how long it
/// lasts.
Text sign_in_link(std::string_view name, std::string_view link, int minutes);

// ---- the case workflow ----------------------------------------------------------------------
//
// Sent when staff change a case (cases/). The referrer is told what happened to their referral
// and never clinical or personal detail of the outcome, the notes or the plan; the doctor is
// never written to as such (only as the referrer of a self-referral).

/// To the referrer: the referral was accepted by the office. The referrer is greeted by no name
/// (theirs is free text from an unverified sender).
Text referral_accepted(std::string_view reference, std::string_view office_name);

/// To the referrer: the referral was returned, with the reason the office gave.
Text referral_returned(std::string_view reference, std::string_view office_name,
                       std::string_view reason);

/// To the referrer: who the case manager will be (their name only).
Text case_manager_named(std::string_view reference, std::string_view office_name,
                        std::string_view case_manager_name);

/// To the referrer: the doctor was invited to a meeting (no date, no detail).
Text meeting_arranged(std::string_view reference, std::string_view office_name);

/// To the referrer: the doctor's engagement with support was recorded (not whether they did).
Text engagement_recorded(std::string_view reference, std::string_view office_name);

/// A change to a case, as told to the office's staff.
struct CaseChange {
    std::string reference;
    std::string office_name;
    std::string what;          ///< "accepted", "case manager assigned", "note added", …
    std::string by;            ///< who made it: their name
    std::string status;        ///< the case's status after the change
    std::string detail;        ///< the change's free text (reason, note, outcome…), may be ""
    std::string case_manager;  ///< the case manager's name, "" when none
};

/// To the case manager and the office's admin team: what changed, by whom, and the status.
/// The free text is included only when include_details is true (as for the office alert).
Text case_changed(const CaseChange& c, bool include_details);

/// To the member of staff just named case manager of the case.
Text case_assigned(std::string_view reference, std::string_view office_name,
                   std::string_view assigned_by);

// ---- the template files ---------------------------------------------------------------------
//
// A text's file is named after it (`acknowledgement.txt`: template_names()). Its first line is
// `Subject: …`, then a blank line, then the body; both are Mustache (`{{reference}}`,
// `{{#section}}…{{/section}}`), inserted as plain text. A line `--` ends the body's text and
// starts the signature (sent as the standard "-- " marker). The names a text may use are those
// of its built-in file.

/// Where an operator's own texts are: `dir` for every office, and per office a directory whose
/// files win over dir's. A text with no file uses the built-in one. Empty: built-in only.
struct TemplateDirs {
    std::string dir;
    std::vector<std::pair<std::string, std::string>> offices;  ///< office name, its directory
    /// The staff console's address ([console] base_url, ending in "/"), "" without one. Every
    /// text may then use {{console_link}}, {{held_link}} and, with a reference,
    /// {{case_link}} (all "" without a console).
    std::string console_url;
};

/// The names of the texts, in a fixed order.
const std::vector<std::string>& template_names();

/// The built-in file of the text `name` (the shipped default); "" when there is none.
std::string_view builtin_template(std::string_view name);

/// What checking the texts found.
struct TemplateCheck {
    std::vector<std::string> problems;  ///< each "FILE: line N: what is wrong"
    std::size_t files = 0;              ///< operator's files read
    std::size_t rendered = 0;           ///< texts rendered with sample data (built-in included)
};

/// Reads the files and renders every text each office would use with sample data, checking
/// each: the `Subject:` line, tags left open, sections not closed, names the text does not have,
/// a subject without its `[{{reference}}]` tag (replies are threaded by it), and an automatic
/// reply that would read back as form fields if a reply carried it unquoted.
TemplateCheck check_templates(const TemplateDirs& dirs);

/// check_templates, and when nothing is wrong the texts rendered from now on, in this process,
/// are these. With a problem the texts in use stay as they were.
TemplateCheck use_templates(const TemplateDirs& dirs);

}  // namespace casegate::notifier
