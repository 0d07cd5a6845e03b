// The texts of the automated notifications.
//
// Automatic replies (the acknowledgement, the incomplete-form reply) go to whatever address a
// message came from, which nobody has verified: they carry the reference, what happens next and
// the fields chosen from the form's lists (route, type, dates, support, office), never a name, a
// GMC number or any free text from the submission. What they echo is laid out value first,
// "• Professional (Route)", so that a reply carrying them unquoted can never be read back as
// form fields. Staff notifications go to configured addresses only.
//
// Field values come from referrers and are already validated by forms/, but free text may hold
// anything: single-line values are flattened to one line so that each `Label: value` line stays
// one field, and only the long-text fields keep their line breaks. Headers are made safe later by
// render(). The prose itself never starts a line with a form label.
#include "notifier/templates.hpp"

#include <algorithm>
#include <array>
#include <sstream>

namespace casegate::notifier {
namespace {

constexpr std::size_t kWrapColumn = 72;

std::string label_of(std::string_view key) {
    const forms::FieldDef* f = forms::find_field(key);
    return std::string(f != nullptr ? f->label : key);
}

// Line breaks in a single-line value would start a new, possibly misread, line.
std::string one_line(std::string_view s) {
    std::string out;
    for (char c : s) {
        const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string unix_lines(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r') {
            if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
            out += '\n';
        } else {
            out += s[i];
        }
    }
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

// "2026-03-05" → "5 March 2026"; anything else is shown as given.
std::string long_date(std::string_view iso) {
    static constexpr std::array<const char*, 12> kMonths = {
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November", "December"};
    const bool shape = iso.size() == 10 && iso[4] == '-' && iso[7] == '-' &&
                       std::all_of(iso.begin(), iso.end(),
                                   [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
    if (!shape) return std::string(iso);
    const int month = std::stoi(std::string(iso.substr(5, 2)));
    const int day = std::stoi(std::string(iso.substr(8, 2)));
    if (month < 1 || month > 12 || day < 1 || day > 31) return std::string(iso);
    return std::to_string(day) + " " + kMonths[month - 1] + " " + std::string(iso.substr(0, 4));
}

std::string format_value(const forms::FieldDef& f, const forms::Value& v) {
    if (const bool* b = std::get_if<bool>(&v)) return *b ? "Yes" : "No";
    if (const auto* list = std::get_if<std::vector<std::string>>(&v)) {
        std::string out;
        for (const auto& item : *list) out += (out.empty() ? "" : ", ") + one_line(item);
        return out;
    }
    const std::string& s = std::get<std::string>(v);
    if (f.type == forms::FieldType::date) return long_date(s);
    if (f.type == forms::FieldType::long_text) return unix_lines(s);
    return one_line(s);
}

std::string value_of(const forms::Referral& r, std::string_view key) {
    const forms::FieldDef* f = forms::find_field(key);
    const auto it = r.fields.find(std::string(key));
    if (f == nullptr || it == r.fields.end()) return {};
    return format_value(*f, it->second);
}

// The fields chosen from the form's lists (choices, dates) as "  • value (Label)" lines in form
// order; `office` stands for the local office the referral was routed to when given.
std::string chosen(const forms::Referral& r, std::string_view office) {
    std::string lines;
    for (const forms::FieldDef& f : forms::referral_form()) {
        const bool listed = f.type == forms::FieldType::choice ||
                            f.type == forms::FieldType::multi_choice ||
                            f.type == forms::FieldType::date;
        if (!listed) continue;
        std::string value;
        if (f.key == "local_office" && !office.empty()) {
            value = one_line(office);
        } else if (const auto it = r.fields.find(std::string(f.key)); it != r.fields.end()) {
            value = format_value(f, it->second);
        }
        if (!value.empty()) lines += "  \u2022 " + value + " (" + std::string(f.label) + ")\n";
    }
    return lines;
}

// The labels of the fields given, as one sentence (no values).
std::string given_labels(const forms::Referral& r) {
    std::string out;
    for (const forms::FieldDef& f : forms::referral_form()) {
        if (r.fields.count(std::string(f.key)) == 0) continue;
        out += (out.empty() ? "" : ", ") + std::string(f.label);
    }
    return out;
}

// Greedy word wrap of one paragraph of prose, ending with a blank line.
std::string paragraph(std::string_view text) {
    std::istringstream words{std::string(text)};
    std::string out;
    std::string word;
    std::size_t column = 0;
    while (words >> word) {
        if (column > 0 && column + 1 + word.size() > kWrapColumn) {
            out += '\n';
            column = 0;
        } else if (column > 0) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
    }
    return out + "\n\n";
}

// Automatic replies greet nobody by name: the name is free text from an unverified sender.
std::string greeting() {
    return "Hello,\n\n";
}

std::string team_of(std::string_view office_name) {
    const std::string office = one_line(office_name);
    return office.empty() ? "the local office's case-management team"
                          : "the " + office + " local office's case-management team";
}

// Starts with the signature marker: it ends a long-text value for the form parser (the details
// are echoed last), and mail programs leave what follows it out of quoted replies.
std::string sign_off() {
    return "-- \nKind regards,\nCase management team\n"
           "(This email was sent automatically; replies are read by the team.)\n";
}

std::string bracketed(std::string_view reference) {
    return "[" + std::string(reference) + "]";
}

// One "  - " line per missing or invalid field, in form order. The reason goes in brackets, not
// after a colon: forms/ reads "- Label: value" bullets as fields, and a reply that carries this
// email unquoted (as Outlook sends it) must not feed the reason back in as the value.
std::string problems(const forms::Referral& r) {
    std::string out;
    const auto line = [](std::string_view label, std::string_view message) {
        std::string l = "  - " + one_line(label);
        if (!message.empty()) l += " (" + one_line(message) + ")";
        return l + "\n";
    };
    // A list field's error quotes what was written; the reply says what is allowed instead.
    const auto message = [](const forms::FieldDef& f, const std::string& m) {
        if (f.type != forms::FieldType::choice && f.type != forms::FieldType::multi_choice)
            return m;
        std::string options;
        for (std::string_view o : f.options)
            options += (options.empty() ? "" : ", ") + std::string(o);
        return "not one of the options, which are " + options;
    };
    for (const forms::FieldDef& f : forms::referral_form()) {
        if (std::find(r.missing.begin(), r.missing.end(), f.key) != r.missing.end()) {
            out += line(f.label, "");
        }
        for (const forms::FieldError& e : r.errors) {
            if (e.field == f.key) out += line(f.label, message(f, e.message));
        }
    }
    // A key the form does not know is still named rather than silently left out.
    for (const auto& key : r.missing) {
        if (forms::find_field(key) == nullptr) out += line(key, "");
    }
    for (const auto& e : r.errors) {
        if (forms::find_field(e.field) == nullptr) out += line(e.field, e.message);
    }
    return out;
}

}  // namespace

Text acknowledgement(std::string_view reference, const forms::Referral& r,
                     std::string_view office_name) {
    const std::string ref(reference);
    std::string body = greeting();
    body += paragraph(
        "Thank you for your referral. We have received it and recorded it under "
        "the reference " +
        ref + ".");
    if (const std::string lines = chosen(r, office_name); !lines.empty()) {
        body += "We recorded it as:\n\n" + lines + "\n";
    }
    body += "What happens next\n\n";
    body += paragraph("Your referral has been passed to " + team_of(office_name) +
                      ", which triages new referrals at its weekly meeting. You will hear from "
                      "us when a case manager is assigned, or if the referral is returned to you.");
    body += paragraph(
        "If you would like to add information or correct anything, please reply to this "
        "email and keep " +
        bracketed(ref) +
        " in the subject line. For your privacy and the doctor's, this email "
        "does not repeat what you wrote.");
    return {"Referral received " + bracketed(ref), body + sign_off()};
}

Text office_alert(std::string_view reference, const forms::Referral& r,
                  std::string_view office_name, bool include_details) {
    const std::string ref(reference);
    const std::string route = value_of(r, "concern_route");
    const std::string type = value_of(r, "concern_type");
    std::string subject = "New referral " + bracketed(ref);
    if (!route.empty()) subject += " " + route;
    if (!type.empty()) subject += (route.empty() ? " " : " \u2013 ") + type;

    std::string body =
        paragraph("A new referral has been received for " + team_of(office_name) + ".");
    body += "Reference: " + ref + "\n";
    body += label_of("local_office") + ": " + one_line(office_name) + "\n";
    for (std::string_view key : {"trainee_name", "gmc_number", "concern_route", "concern_type"}) {
        body += label_of(key) + ": " + value_of(r, key) + "\n";
    }
    std::string referrer = value_of(r, "referrer_name");
    for (std::string_view key : {"referrer_role", "referrer_email"}) {
        if (const std::string v = value_of(r, key); !v.empty()) referrer += ", " + v;
    }
    // Not "Referred by:" - that is an alias of the referrer's name in the form.
    body += "Referral made by: " + referrer + "\n";
    for (std::string_view key : {"incident_date", "support_requested"}) {
        if (const std::string v = value_of(r, key); !v.empty())
            body += label_of(key) + ": " + v + "\n";
    }
    body += "\n";
    if (include_details) {
        body += label_of("details") + ": " + value_of(r, "details") + "\n\n";
    } else {
        body += paragraph(
            "The details of the concern are held in casegate and are not included "
            "in this email; open the case to read them.");
    }
    body += paragraph("Please add this referral to the agenda of the next weekly triage meeting.");
    return {subject, body + "-- \nSent automatically by casegate.\n"};
}

Text incomplete_reply(std::string_view reference, const forms::Referral& r) {
    const std::string ref(reference);
    std::string body = greeting();
    body += paragraph(
        "Thank you for your referral. We cannot accept it yet because some "
        "required information is missing or could not be used. We have kept what "
        "you sent under the reference " +
        ref + ".");
    body += "Still needed:\n\n" + problems(r) + "\n";
    body += "How to complete your referral\n\n";
    body += paragraph("Please reply to this email, keeping " + bracketed(ref) +
                      " in the subject line, and add each item listed above on a line of its own "
                      "in the form \"Label: value\", using the label exactly as it is written "
                      "above. You need not repeat what you sent before: your answer is added to "
                      "it. Or fill in the PDF form attached to this email (any PDF reader "
                      "that can fill forms will do) and send it back with your reply.");
    if (const std::string given = given_labels(r); !given.empty()) {
        body += paragraph(
            "We have kept what you gave for these items (not repeated here, for "
            "your privacy and the doctor's): " +
            given + ".");
    }
    return {"Referral incomplete \u2013 please complete " + bracketed(ref), body + sign_off()};
}

namespace {

std::string staff_sign_off() {
    return "-- \nSent automatically by casegate.\n";
}

// The sender's words, when the office lets emails carry them.
std::string text_or_pointer(const CaseMail& m) {
    if (m.include_text && !m.text.empty())
        return "Their message:\n\n" + unix_lines(m.text) + "\n\n";
    return paragraph(
        "Their message is held in casegate and is not included in this email; "
        "open the case to read it.");
}

std::string documents_line(std::size_t n) {
    if (n == 0) return {};
    return paragraph(std::to_string(n) + (n == 1 ? " attachment was" : " attachments were") +
                     " kept as documents of the case.");
}

}  // namespace

Text follow_up_notice(const CaseMail& m) {
    std::string body = paragraph("A follow-up about case " + m.reference + " (" +
                                 team_of(m.office_name) + ") was received from " + m.from_role +
                                 ", " + one_line(m.from_address) + ", and added to the case.");
    body += text_or_pointer(m);
    body += documents_line(m.documents);
    return {"Follow-up received " + bracketed(m.reference), body + staff_sign_off()};
}

Text duplicate_notice(const CaseMail& m) {
    std::string body = paragraph(
        "A referral that repeats case " + m.reference +
        " (the same doctor, referrer and details) was received from " + one_line(m.from_address) +
        ". No new case was opened: it was recorded on the case as a possible duplicate.");
    body += documents_line(m.documents);
    return {"Possible duplicate referral " + bracketed(m.reference), body + staff_sign_off()};
}

Text triage_digest(const TriageDigest& d, std::size_t max_listed) {
    const std::string office = one_line(d.office_name);
    std::string body = paragraph("The weekly triage digest of " + team_of(office) +
                                 ": references only; open each case to read it.");
    const auto section = [&](const std::string& heading, const std::vector<std::string>& refs) {
        std::string out = heading + " (" + std::to_string(refs.size()) + ")\n";
        for (std::size_t i = 0; i < refs.size() && i < max_listed; ++i)
            out += "  " + refs[i] + "\n";
        if (refs.size() > max_listed) {
            out += "  \u2026 and " + std::to_string(refs.size() - max_listed) + " more\n";
        }
        return out + "\n";
    };
    body += section("New since the last digest", d.new_cases);
    body += section("Awaiting triage (not yet accepted or returned)", d.awaiting_triage);
    body += section("Open cases with follow-ups since the last digest", d.with_follow_ups);
    body += section("Accepted or under review with no case manager", d.no_case_manager);
    return {"Weekly triage \u2013 " + office + ": " + std::to_string(d.awaiting_triage.size()) +
                " awaiting triage, " + std::to_string(d.new_cases.size()) + " new",
            body + staff_sign_off()};
}

Text command_result(std::string_view reference, bool done, std::string_view what) {
    const std::string ref(reference);
    std::string body;
    if (done) {
        body = paragraph("Your command was carried out:") + unix_lines(what) + "\n\n";
    } else {
        body = paragraph("Your command was not carried out and nothing was changed:") +
               unix_lines(what) + "\n\n";
    }
    body += paragraph("To act on " + ref +
                      " again, reply to this email with one command on the "
                      "first line: accept, return REASON, assign EMAIL, review, close OUTCOME or "
                      "note TEXT.");
    return {std::string(done ? "Done: " : "Not done: ") + bracketed(ref), body + staff_sign_off()};
}

Text held_notice(std::string_view reference, std::string_view office_name, std::int64_t item,
                 std::string_view why) {
    const std::string ref(reference);
    std::string body = paragraph(
        "A message" + (ref.empty() ? std::string() : " about " + ref) + " for " +
        team_of(office_name) + " was held for review and not added to any case: " + one_line(why) +
        ". Nothing was sent to its sender.");
    body += paragraph("Review it with `casegate review list`; it is inbound item " +
                      std::to_string(item) + ".");
    std::string subject = "Message held for review";
    if (!ref.empty()) subject += " " + bracketed(ref);
    return {subject, body + staff_sign_off()};
}

namespace {

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// The items as indented lines, at most `max` of them, then how many were left out.
std::string listed(const std::vector<std::string>& items, std::size_t max) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < max; ++i) out += "  " + items[i] + "\n";
    if (items.size() > max) {
        out += "  \u2026 and " + std::to_string(items.size() - max) + " more\n";
    }
    return out;
}

std::string failed_line(const RevalFailedRequest& r) {
    std::string line = one_line(r.gmc_number) + "  " + one_line(r.action) + " " +
                       (r.action == "remove" ? "from " : "to ") + one_line(r.designated_body) +
                       ": " + one_line(r.state);
    line += r.return_code.empty() ? " (no answer from GMC Connect; retried)"
                                  : " (GMC return code " + one_line(r.return_code) + ")";
    return line;
}

}  // namespace

Text reval_digest(const RevalDigest& d, std::size_t max_listed) {
    const std::string office = one_line(d.office_name);
    std::string subject =
        "Revalidation connections \u2013 " + office + " \u2013 " + one_line(d.date) + ": " +
        plural(d.new_discrepancies.size(), "new discrepancy", "new discrepancies") + ", " +
        std::to_string(d.resolved.size()) + " resolved";
    if (!d.failed_requests.empty()) {
        subject +=
            ", " + plural(d.failed_requests.size(), "failed GMC update", "failed GMC updates");
    }
    std::string body = paragraph("The revalidation connection check of " + one_line(d.date) +
                                 " compared TIS with GMC Connect for " + team_of(office) + ".");
    body += "New discrepancies: " + std::to_string(d.new_discrepancies.size()) + "\n";
    body += "Resolved: " + std::to_string(d.resolved.size()) + "\n";
    body += "Failed GMC updates: " + std::to_string(d.failed_requests.size()) + "\n";
    body += "Open discrepancies now: " + std::to_string(d.open_discrepancies) + "\n\n";
    if (!d.new_discrepancies.empty()) {
        body +=
            "New discrepancies (GMC numbers):\n" + listed(d.new_discrepancies, max_listed) + "\n";
    }
    if (!d.resolved.empty()) {
        body += "Resolved (GMC numbers):\n" + listed(d.resolved, max_listed) + "\n";
    }
    if (!d.failed_requests.empty()) {
        std::vector<std::string> lines;
        lines.reserve(d.failed_requests.size());
        for (const RevalFailedRequest& r : d.failed_requests) lines.push_back(failed_line(r));
        body += "Failed GMC updates:\n" + listed(lines, max_listed) + "\n";
    }
    if (d.without_gmc_number > 0) {
        body += paragraph(plural(d.without_gmc_number, "change concerns", "changes concern") +
                          " a TIS record without a usable GMC number; it is counted above but "
                          "not listed.");
    }
    body += paragraph(
        "Names and other details are not sent by email. Use casegate's revalidation list "
        "(casegate reval list) to see each doctor and act on it.");
    return {subject, body + "-- \nSent automatically by casegate.\n"};
}

Text reval_feed_refused(std::string_view office_name, std::string_view designated_body,
                        std::string_view reason, std::string_view date) {
    const std::string feed =
        designated_body.empty()
            ? std::string("the TIS extract")
            : "GMC Connect's list of doctors connected to " + one_line(designated_body);
    const std::string subject = "Revalidation feed refused \u2013 " +
                                (designated_body.empty() ? std::string("TIS extract")
                                                         : "GMC " + one_line(designated_body)) +
                                " \u2013 " + one_line(date);
    std::string body = paragraph("The revalidation connection check of " + one_line(date) +
                                 " for " + team_of(office_name) + " did not use " + feed +
                                 ", because it did not look right:");
    body += "Reason: " + one_line(reason) + "\n\n";
    body += paragraph(
        "The previous snapshot of this feed stays in force, so the connection lists still show "
        "the data from before, and the next run will try again. If the change is real (for "
        "example many doctors really left), please tell casegate's operator: such a change "
        "is refused until the plausibility limits allow it.");
    return {subject, body + "-- \nSent automatically by casegate.\n"};
}

namespace {

// The referrer's name is free text from an unverified sender and its address unverified too,
// so the referrer is not greeted by name (module comment).
std::string dear(std::string_view /*name*/) {
    return greeting();
}

}  // namespace

Text referral_accepted(std::string_view reference, std::string_view referrer_name,
                       std::string_view office_name) {
    const std::string ref(reference);
    std::string body = dear(referrer_name);
    body += paragraph("Your referral " + ref + " has been accepted by " + team_of(office_name) +
                      ". A case manager will be assigned and we will tell you who it is.");
    body += paragraph("If you need to add information, please reply to this email and keep " +
                      bracketed(ref) + " in the subject line.");
    return {"Referral accepted " + bracketed(ref), body + sign_off()};
}

Text referral_returned(std::string_view reference, std::string_view referrer_name,
                       std::string_view office_name, std::string_view reason) {
    const std::string ref(reference);
    std::string body = dear(referrer_name);
    body += paragraph("Your referral " + ref + " has been returned to you by " +
                      team_of(office_name) + ", for this reason:");
    body += unix_lines(reason) + "\n\n";
    body += paragraph(
        "If you would like to discuss it or send it again with more information, "
        "please reply to this email and keep " +
        bracketed(ref) + " in the subject line.");
    return {"Referral returned " + bracketed(ref), body + sign_off()};
}

Text case_manager_named(std::string_view reference, std::string_view referrer_name,
                        std::string_view case_manager_name) {
    const std::string ref(reference);
    std::string body = dear(referrer_name);
    body += paragraph("A case manager has been assigned to your referral " + ref + ":");
    body += "  " + one_line(case_manager_name) + "\n\n";
    body += paragraph("They may contact you about it.");
    return {"Case manager assigned " + bracketed(ref), body + sign_off()};
}

Text meeting_arranged(std::string_view reference, std::string_view referrer_name) {
    const std::string ref(reference);
    std::string body = dear(referrer_name);
    body += paragraph("This is to let you know that, following your referral " + ref +
                      ", the doctor has been invited to a meeting with the case team.");
    return {"Update on your referral " + bracketed(ref), body + sign_off()};
}

Text engagement_recorded(std::string_view reference, std::string_view referrer_name) {
    const std::string ref(reference);
    std::string body = dear(referrer_name);
    body += paragraph(
        "This is to let you know that the case team has recorded an update on "
        "the doctor's engagement with the support following your referral " +
        ref + ".");
    return {"Update on your referral " + bracketed(ref), body + sign_off()};
}

Text case_changed(const CaseChange& c, bool include_details) {
    const std::string ref = c.reference;
    std::string body = paragraph("A case of " + team_of(c.office_name) + " has changed.");
    body += "Reference: " + ref + "\n";
    body += "Change: " + one_line(c.what) + "\n";
    body += "By: " + one_line(c.by) + "\n";
    body += "Status: " + one_line(c.status) + "\n";
    if (!c.case_manager.empty()) body += "Case manager: " + one_line(c.case_manager) + "\n";
    body += "\n";
    if (!c.detail.empty()) {
        if (include_details) {
            body += "Detail:\n" + unix_lines(c.detail) + "\n\n";
        } else {
            body += paragraph(
                "The detail of this change is held in casegate and is not "
                "included in this email; open the case to read it.");
        }
    }
    return {"Case " + one_line(c.what) + " " + bracketed(ref), body + staff_sign_off()};
}

Text case_assigned(std::string_view reference, std::string_view office_name,
                   std::string_view assigned_by) {
    const std::string ref(reference);
    std::string body =
        paragraph("You have been assigned as the case manager of case " + ref + " of " +
                  team_of(office_name) + " by " + one_line(assigned_by) + ".");
    body += paragraph("Open the case in casegate (casegate cases show " + ref +
                      ") to read the referral.");
    return {"Case assigned to you " + bracketed(ref), body + staff_sign_off()};
}

}  // namespace casegate::notifier
