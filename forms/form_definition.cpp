// The table of FORM.md (version 1). Keys, labels, aliases and option labels are spelled exactly
// as FORM.md spells them: they are the AcroForm names, the JSON keys and the values that
// `casegate parse` prints, so a change here is a change of the form version.
#include <algorithm>

#include "forms/form.hpp"
#include "forms/strings.hpp"

namespace casegate::forms {
namespace {

using T = FieldType;

std::vector<FieldDef> build_form() {
    // Option order matters: it is the order shown on the PDF and HTML forms.
    std::vector<std::string_view> offices;
    for (const LocalOffice& o : local_offices()) offices.push_back(o.name);
    return {
        {"trainee_name",
         "Doctor's full name",
         {"trainee name", "name of doctor", "trainee"},
         T::text,
         true,
         {},
         "The full name of the doctor in training the concern is about."},
        {"gmc_number",
         "GMC number",
         {"gmc no", "gmc ref", "gmc reference number"},
         T::gmc,
         true,
         {},
         "The doctor's 7-digit GMC reference number."},
        {"programme",
         "Training programme",
         {"programme", "specialty"},
         T::text,
         false,
         {},
         "The doctor's training programme or specialty."},
        {"grade",
         "Grade at the time",
         {"grade"},
         T::text,
         false,
         {},
         "The doctor's grade when the concern arose, e.g. F2, CT1, ST4."},
        {"local_office",
         "Local office",
         {"region", "deanery"},
         T::choice,
         false,
         offices,
         "The local office; if left blank, the one of the doctor's current programme."},
        {"employer",
         "Employer at the time",
         {"trust", "employing trust", "practice"},
         T::text,
         false,
         {},
         "The trust or GP practice employing the doctor when the concern arose."},
        {"site",
         "Site",
         {"hospital", "location"},
         T::text,
         false,
         {},
         "The hospital or site where the doctor was working."},
        {"referrer_name",
         "Your name",
         {"raised by", "referred by", "referrer"},
         T::text,
         true,
         {},
         "Your own name (not your job title)."},
        {"referrer_email",
         "Your email",
         {"email", "referrer email", "contact email"},
         T::email,
         true,
         {},
         "The address we reply to; for an emailed form, the address you write from."},
        {"referrer_role",
         "Your role",
         {"role", "relationship to doctor"},
         T::choice,
         true,
         {"Educational Supervisor", "Clinical Supervisor", "Training Programme Director",
          "Local Office Admin", "Doctor in training (self-referral)", "Other"},
         "Your relationship to the doctor."},
        {"referrer_phone",
         "Your phone",
         {"phone", "telephone"},
         T::text,
         false,
         {},
         "A telephone number the case team can call you on."},
        {"concern_route",
         "Route",
         {"referral route", "type of referral"},
         T::choice,
         true,
         {"Personal", "Professional", "Funding"},
         "Whether the concern is personal, professional or about funding."},
        {"concern_type",
         "Type of concern",
         {"concern type", "category"},
         T::choice,
         true,
         {"Health", "Communication and team working", "Conduct", "Clinical performance",
          "Exam failure", "Attendance and engagement", "Personal circumstances", "Other"},
         "The main kind of concern."},
        {"incident_date",
         "Date of incident",
         {"incident date", "date of event"},
         T::date,
         false,
         {},
         "When something specific happened: DD/MM/YYYY; not in the future."},
        {"support_requested",
         "Support requested",
         {"support", "support needed"},
         T::multi_choice,
         false,
         {"Occupational health", "Exam support", "Less than full time", "Out of programme",
          "Supernumerary", "Coaching", "Other"},
         "Any support you think would help; choose all that apply."},
        {"trainee_aware",
         "Doctor aware of referral",
         {"trainee aware", "doctor aware"},
         T::yes_no,
         false,
         {},
         "Whether the doctor knows about this referral."},
        {"details",
         "Details of the concern",
         {"details", "detailed information", "description", "concern"},
         T::long_text,
         true,
         {},
         "What happened and why you are concerned, in as much detail as you need."},
        {"terms_accepted",
         "I accept the terms and conditions",
         {"terms accepted", "terms", "t&cs", "declaration"},
         T::yes_no,
         true,
         {},
         "You must accept the declaration to send the referral."},
    };
}

}  // namespace

const std::vector<FieldDef>& referral_form() {
    static const std::vector<FieldDef> form = build_form();
    return form;
}

const FieldDef* find_field(std::string_view key) {
    const auto& form = referral_form();
    const auto it =
        std::find_if(form.begin(), form.end(), [&](const FieldDef& f) { return f.key == key; });
    return it == form.end() ? nullptr : &*it;
}

const std::vector<LocalOffice>& local_offices() {
    // Designated body codes as TIS holds them (FORM.md).
    static const std::vector<LocalOffice> offices = {
        {"Kent, Surrey and Sussex", "1-1RUZV1D"},
        {"North West London", "1-1RUZV6H"},
        {"North Central and East London", "1-1RUZV4H"},
        {"South London", "1-1RSSQ5L"},
        {"East Midlands", "1-1RSSPZ7"},
        {"East of England", "1-1RSSQ05"},
        {"North East", "1-1RSSQ1B"},
        {"Thames Valley", "1-1RSSQ6R"},
        {"Yorkshire and the Humber", "1-1RSG4X0"},
        {"West Midlands", "1-1RUZUYF"},
        {"South West", "1-1RUZUVB"},
        {"Wessex", "1-1RUZUSF"},
        {"North West", "1-1RSSQ2H"},
        {"Northern Ireland", "1-25U-830"},
    };
    return offices;
}

const LocalOffice* find_office_by_name(std::string_view name) {
    const std::string wanted = normalise_label(name);
    for (const LocalOffice& o : local_offices()) {
        if (normalise_label(o.name) == wanted) return &o;
    }
    return nullptr;
}

const LocalOffice* find_office_by_designated_body(std::string_view code) {
    const std::string wanted = ascii_lower(trim(code));
    for (const LocalOffice& o : local_offices()) {
        if (ascii_lower(o.designated_body) == wanted) return &o;
    }
    return nullptr;
}

std::string_view declaration_text() {
    return "I confirm that the information in this referral is accurate to the best of my "
           "knowledge, that I am sharing it so that the local office can offer the doctor "
           "support, and that I accept that it will be held and processed by the local "
           "office's case management team for that purpose.";
}

}  // namespace casegate::forms
