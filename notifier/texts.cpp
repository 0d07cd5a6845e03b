// The texts of the automated notifications: what each text may say, gathered here (the
// rendering with its template file is in templates.cpp).
//
// Automatic replies (the acknowledgement, the incomplete-form reply, the referrer's updates) go
// to whatever address a message came from, which nobody has verified: their contexts carry the
// reference, the office and the fields chosen from the form's lists (route, type, dates,
// support), never a name, a GMC number or any free text from the submission, so no template can
// echo them. What they echo is laid out value first, "• Professional (Route)", so that a reply
// carrying them unquoted can never be read back as form fields (check_templates holds an
// operator's own texts to that too). Staff notifications go to configured addresses only.
//
// Field values come from referrers and are already validated by forms/, but free text may hold
// anything: single-line values are flattened to one line so that each `Label: value` line stays
// one field, and only the long-text fields keep their line breaks. Headers are made safe later by
// render(). Values are inserted as they are (text/plain: no HTML escaping).
#include "notifier/templates.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

#include "notifier/text_contexts.hpp"
#include "util/strings.hpp"

namespace casegate::notifier {
namespace detail {

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

// The labels of the fields given, as one sentence (no values).
std::string given_labels(const forms::Referral& r) {
    std::string out;
    for (const forms::FieldDef& f : forms::referral_form()) {
        if (r.fields.count(std::string(f.key)) == 0) continue;
        out += (out.empty() ? "" : ", ") + std::string(f.label);
    }
    return out;
}

std::string team_of(std::string_view office_name) {
    const std::string office = one_line(office_name);
    return office.empty() ? "the local office's case-management team"
                          : "the " + office + " local office's case-management team";
}

// The fields chosen from the form's lists (choices, dates), value first, in form order;
// `office` stands for the local office the referral was routed to when given.
mstch::array chosen(const forms::Referral& r, std::string_view office) {
    mstch::array rows;
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
        if (!value.empty())
            rows.emplace_back(mstch::map{{"value", value}, {"label", std::string(f.label)}});
    }
    return rows;
}

// Each missing or invalid field, in form order, with the reason for an invalid one. A list
// field's error quotes what was written; the reply names what is allowed instead.
mstch::array problems(const forms::Referral& r) {
    mstch::array out;
    const auto row = [&out](std::string_view label, std::string_view reason) {
        out.emplace_back(mstch::map{{"label", one_line(label)}, {"reason", one_line(reason)}});
    };
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
            row(f.label, "");
        }
        for (const forms::FieldError& e : r.errors) {
            if (e.field == f.key) row(f.label, message(f, e.message));
        }
    }
    // A key the form does not know is still named rather than silently left out.
    for (const auto& key : r.missing) {
        if (forms::find_field(key) == nullptr) row(key, "");
    }
    for (const auto& e : r.errors) {
        if (forms::find_field(e.field) == nullptr) row(e.field, e.message);
    }
    return out;
}

int count(std::size_t n) {
    return static_cast<int>(std::min<std::size_t>(n, std::numeric_limits<int>::max()));
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// A list for a digest: how many, the first `max` of them, and how many were left out.
mstch::map listing(const std::vector<std::string>& items, std::size_t max) {
    mstch::array listed;
    for (std::size_t i = 0; i < items.size() && i < max; ++i) listed.emplace_back(items[i]);
    return {{"count", count(items.size())},
            {"listed", listed},
            {"more", count(items.size() > max ? items.size() - max : 0)}};
}

// ---- the contexts: everything each text may say ----

mstch::map acknowledgement_context(std::string_view reference, const forms::Referral& r,
                                   std::string_view office) {
    const mstch::array recorded = chosen(r, office);
    return {{"reference", std::string(reference)},
            {"office", one_line(office)},
            {"team", team_of(office)},
            {"any_recorded", !recorded.empty()},
            {"recorded", recorded}};
}

mstch::map office_alert_context(std::string_view reference, const forms::Referral& r,
                                std::string_view office, bool include_details) {
    std::string referrer = value_of(r, "referrer_name");
    for (std::string_view key : {"referrer_role", "referrer_email"}) {
        if (const std::string v = value_of(r, key); !v.empty()) referrer += ", " + v;
    }
    mstch::map c{{"reference", std::string(reference)},
                 {"office", one_line(office)},
                 {"team", team_of(office)},
                 {"doctor_name", value_of(r, "trainee_name")},
                 {"gmc_number", value_of(r, "gmc_number")},
                 {"route", value_of(r, "concern_route")},
                 {"type", value_of(r, "concern_type")},
                 {"referrer", referrer},
                 {"incident_date", value_of(r, "incident_date")},
                 {"support_requested", value_of(r, "support_requested")},
                 {"include_details", include_details}};
    c.emplace("details", include_details ? value_of(r, "details") : std::string());
    return c;
}

mstch::map incomplete_context(std::string_view reference, const forms::Referral& r) {
    return {{"reference", std::string(reference)},
            {"problems", problems(r)},
            {"given", given_labels(r)}};
}

mstch::map case_mail_context(const CaseMail& m) {
    return {{"reference", m.reference},
            {"office", one_line(m.office_name)},
            {"team", team_of(m.office_name)},
            {"from_role", one_line(m.from_role)},
            {"from_address", one_line(m.from_address)},
            {"include_text", m.include_text && !m.text.empty()},
            {"text", m.include_text ? unix_lines(m.text) : std::string()},
            {"documents", count(m.documents)},
            {"one_document", m.documents == 1}};
}

mstch::map triage_context(const TriageDigest& d, std::size_t max) {
    return {{"office", one_line(d.office_name)},
            {"team", team_of(d.office_name)},
            {"new_cases", listing(d.new_cases, max)},
            {"awaiting_triage", listing(d.awaiting_triage, max)},
            {"with_follow_ups", listing(d.with_follow_ups, max)},
            {"no_case_manager", listing(d.no_case_manager, max)}};
}

mstch::map command_context(std::string_view reference, std::string_view office, bool done,
                           std::string_view what) {
    return {{"reference", std::string(reference)},
            {"office", one_line(office)},
            {"team", team_of(office)},
            {"done", done},
            {"what", unix_lines(what)}};
}

mstch::map held_context(std::string_view reference, std::string_view office, std::int64_t item,
                        std::string_view why) {
    return {{"reference", std::string(reference)},
            {"office", one_line(office)},
            {"team", team_of(office)},
            {"item", std::to_string(item)},
            {"why", one_line(why)}};
}

std::string failed_line(const RevalFailedRequest& r) {
    std::string line = one_line(r.gmc_number) + "  " + one_line(r.action) + " " +
                       (r.action == "remove" ? "from " : "to ") + one_line(r.designated_body) +
                       ": " + one_line(r.state);
    line += r.return_code.empty() ? " (no answer from GMC Connect; retried)"
                                  : " (GMC return code " + one_line(r.return_code) + ")";
    return line;
}

mstch::map reval_digest_context(const RevalDigest& d, std::size_t max) {
    mstch::map fresh = listing(d.new_discrepancies, max);
    fresh.emplace("phrase",
                  plural(d.new_discrepancies.size(), "new discrepancy", "new discrepancies"));
    std::vector<std::string> lines;
    lines.reserve(d.failed_requests.size());
    for (const RevalFailedRequest& r : d.failed_requests) lines.push_back(failed_line(r));
    mstch::map failed = listing(lines, max);
    failed.emplace("phrase",
                   plural(d.failed_requests.size(), "failed GMC update", "failed GMC updates"));
    return {{"office", one_line(d.office_name)},
            {"team", team_of(d.office_name)},
            {"date", one_line(d.date)},
            {"new_discrepancies", fresh},
            {"resolved", listing(d.resolved, max)},
            {"failed_requests", failed},
            {"open_discrepancies", count(d.open_discrepancies)},
            {"without_gmc_number", count(d.without_gmc_number)},
            {"without_gmc_number_phrase",
             plural(d.without_gmc_number, "change concerns", "changes concern")}};
}

mstch::map feed_refused_context(std::string_view office, std::string_view designated_body,
                                std::string_view reason, std::string_view date) {
    const bool tis = designated_body.empty();
    return {
        {"office", one_line(office)},
        {"team", team_of(office)},
        {"date", one_line(date)},
        {"feed", tis ? std::string("the TIS extract")
                     : "GMC Connect's list of doctors connected to " + one_line(designated_body)},
        {"feed_short", tis ? std::string("TIS extract") : "GMC " + one_line(designated_body)},
        {"reason", one_line(reason)}};
}

mstch::map oauth2_alert_context(std::string_view client, std::string_view reason,
                                std::string_view expires, int days) {
    const bool failed = !reason.empty();
    return {{"client", one_line(client)},   {"failed", failed},
            {"expiring", !failed},          {"reason", one_line(reason)},
            {"expires", one_line(expires)}, {"days", std::to_string(days)}};
}

mstch::map sign_in_context(std::string_view name, std::string_view link, int minutes) {
    return {
        {"name", one_line(name)}, {"link", one_line(link)}, {"minutes", std::to_string(minutes)}};
}

mstch::map case_context(std::string_view reference, std::string_view office) {
    return {{"reference", std::string(reference)},
            {"office", one_line(office)},
            {"team", team_of(office)}};
}

mstch::map case_changed_context(const CaseChange& c, bool include_details) {
    mstch::map m = case_context(c.reference, c.office_name);
    m.emplace("what", one_line(c.what));
    m.emplace("by", one_line(c.by));
    m.emplace("status", one_line(c.status));
    m.emplace("case_manager", one_line(c.case_manager));
    m.emplace("has_detail", !c.detail.empty());
    m.emplace("include_details", include_details);
    m.emplace("detail", include_details ? unix_lines(c.detail) : std::string());
    return m;
}

}  // namespace detail

using namespace detail;

Text acknowledgement(std::string_view reference, const forms::Referral& r,
                     std::string_view office_name) {
    return render("acknowledgement", office_name,
                  acknowledgement_context(reference, r, office_name));
}

Text office_alert(std::string_view reference, const forms::Referral& r,
                  std::string_view office_name, bool include_details) {
    return render("office_alert", office_name,
                  office_alert_context(reference, r, office_name, include_details));
}

Text incomplete_reply(std::string_view reference, const forms::Referral& r) {
    const auto it = r.fields.find("local_office");
    const std::string office =
        it != r.fields.end() && std::holds_alternative<std::string>(it->second)
            ? std::get<std::string>(it->second)
            : std::string();
    return render("incomplete_reply", office, incomplete_context(reference, r));
}

Text follow_up_notice(const CaseMail& m) {
    return render("follow_up_notice", m.office_name, case_mail_context(m));
}

Text duplicate_notice(const CaseMail& m) {
    return render("duplicate_notice", m.office_name, case_mail_context(m));
}

Text triage_digest(const TriageDigest& d, std::size_t max_listed) {
    return render("triage_digest", d.office_name, triage_context(d, max_listed));
}

Text command_result(std::string_view reference, std::string_view office_name, bool done,
                    std::string_view what) {
    return render("command_result", office_name,
                  command_context(reference, office_name, done, what));
}

Text held_notice(std::string_view reference, std::string_view office_name, std::int64_t item,
                 std::string_view why) {
    return render("held_notice", office_name, held_context(reference, office_name, item, why));
}

Text reval_digest(const RevalDigest& d, std::size_t max_listed) {
    return render("reval_digest", d.office_name, reval_digest_context(d, max_listed));
}

Text reval_feed_refused(std::string_view office_name, std::string_view designated_body,
                        std::string_view reason, std::string_view date) {
    return render("reval_feed_refused", office_name,
                  feed_refused_context(office_name, designated_body, reason, date));
}

Text oauth2_alert(std::string_view office_name, std::string_view client, std::string_view reason,
                  std::string_view expires, int days) {
    return render("oauth2_alert", office_name, oauth2_alert_context(client, reason, expires, days));
}

Text referral_accepted(std::string_view reference, std::string_view office_name) {
    return render("referral_accepted", office_name, case_context(reference, office_name));
}

Text referral_returned(std::string_view reference, std::string_view office_name,
                       std::string_view reason) {
    mstch::map c = case_context(reference, office_name);
    c.emplace("reason", unix_lines(reason));
    return render("referral_returned", office_name, c);
}

Text case_manager_named(std::string_view reference, std::string_view office_name,
                        std::string_view case_manager_name) {
    mstch::map c = case_context(reference, office_name);
    c.emplace("case_manager", one_line(case_manager_name));
    return render("case_manager_named", office_name, c);
}

Text meeting_arranged(std::string_view reference, std::string_view office_name) {
    return render("meeting_arranged", office_name, case_context(reference, office_name));
}

Text engagement_recorded(std::string_view reference, std::string_view office_name) {
    return render("engagement_recorded", office_name, case_context(reference, office_name));
}

Text case_changed(const CaseChange& c, bool include_details) {
    return render("case_changed", c.office_name, case_changed_context(c, include_details));
}

Text sign_in_link(std::string_view name, std::string_view link, int minutes) {
    return render("sign_in_link", "", sign_in_context(name, link, minutes));
}

Text case_assigned(std::string_view reference, std::string_view office_name,
                   std::string_view assigned_by) {
    mstch::map c = case_context(reference, office_name);
    c.emplace("assigned_by", one_line(assigned_by));
    return render("case_assigned", office_name, c);
}

}  // namespace casegate::notifier
