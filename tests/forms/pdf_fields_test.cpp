#include <boost/test/unit_test.hpp>

#include "forms/evaluate.hpp"
#include "forms/form_pdf.hpp"
#include "forms/pdf_fields.hpp"

namespace f = casegate::forms;
namespace p = casegate::parsers;

namespace {

const f::ValidateContext kCtx{"2025-06-15", ""};

p::PdfField field(std::string name, p::PdfFieldType type, std::vector<std::string> values,
                  bool checked = false) {
    return p::PdfField{std::move(name), type, std::move(values), checked};
}

p::PdfFormOutcome form(std::vector<p::PdfField> fields) {
    p::PdfFormOutcome out;
    out.kind = p::PdfFormKind::form;
    out.fields = std::move(fields);
    return out;
}

// Every required field, as the writer's form gives them once filled.
p::PdfFormOutcome complete_form() {
    using T = p::PdfFieldType;
    return form({
        field("trainee_name", T::text, {"Si\xC3\xA2n N\xC3\xAD Bhriain"}),
        field("gmc_number", T::text, {"7654321"}),
        field("referrer_name", T::text, {"Dafydd ap Gw\xC5\xB5n"}),
        field("referrer_email", T::text, {"dafydd@example.org"}),
        field("referrer_role", T::choice, {"Clinical Supervisor"}),
        field("concern_route", T::choice, {"Personal"}),
        field("concern_type", T::choice, {"Health"}),
        field("details", T::text, {"Unwell for weeks \xE2\x80\x94 missed shifts."}),
        field("terms_accepted", T::checkbox, {"Yes"}, true),
        field(std::string(f::kFormVersionField), T::text, {"1"}),
    });
}

p::PdfFormOutcome of_kind(p::PdfFormKind kind, std::string reason = {}) {
    p::PdfFormOutcome out;
    out.kind = kind;
    out.reason = std::move(reason);
    return out;
}

using V = std::vector<std::string>;
using T = p::PdfFieldType;

}  // namespace

BOOST_AUTO_TEST_SUITE(pdf_fields)

// A ticked checkbox on a yes/no field is "yes" whatever its on-state name; unticked is not given.
BOOST_AUTO_TEST_CASE(checkbox_to_yes) {
    const f::RawFields raw = f::pdf_form_fields(form({
        field("terms_accepted", T::checkbox, {"Ja"}, true),
        field("trainee_aware", T::checkbox, {}, false),
    }));
    BOOST_TEST_REQUIRE(raw.size() == 1u);
    BOOST_TEST(raw[0].first == "terms_accepted");
    BOOST_TEST(raw[0].second == "yes");
    BOOST_TEST(std::get<bool>(f::validate(raw, kCtx).fields.at("terms_accepted")));
}

// Several list choices become lines, which the multi-choice normaliser splits.
BOOST_AUTO_TEST_CASE(multi_choice_lines) {
    const f::RawFields raw = f::pdf_form_fields(
        form({field("support_requested", T::choice, {"Exam support", "Coaching"})}));
    BOOST_TEST_REQUIRE(raw.size() == 1u);
    BOOST_TEST(raw[0].second == "Exam support\nCoaching");
    const f::Referral r = f::validate(raw, kCtx);
    BOOST_TEST(std::get<V>(r.fields.at("support_requested")) == (V{"Exam support", "Coaching"}));
}

// Radio groups and checkboxes on other fields give their state name.
BOOST_AUTO_TEST_CASE(radio_and_named_states) {
    const f::RawFields raw = f::pdf_form_fields(form({
        field("concern_route", T::radio, {"Professional"}, true),
        field("trainee_aware", T::radio, {"No"}, true),
        field("concern_type", T::checkbox, {"Conduct"}, true),
    }));
    const f::Referral r = f::validate(raw, kCtx);
    BOOST_TEST(r.text("concern_route") == "Professional");
    BOOST_TEST(r.text("concern_type") == "Conduct");
    BOOST_TEST(std::get<bool>(r.fields.at("trainee_aware")) == false);
}

// Names that are not form keys (the version marker among them) and empty values are left out.
BOOST_AUTO_TEST_CASE(unknown_and_empty_left_out) {
    const f::RawFields raw = f::pdf_form_fields(form({
        field(std::string(f::kFormVersionField), T::text, {"1"}),
        field("Text1", T::text, {"hello"}),
        field("person.trainee_name", T::text, {"x"}),
        field("programme", T::text, {}),
        field("grade", T::text, {""}),
        field("site", T::text, {"Ward 7"}),
    }));
    // A qualified name stands for its last part (see names_from_other_tools).
    const f::RawFields expected = {{"trainee_name", "x"}, {"site", "Ward 7"}};
    BOOST_TEST((raw == expected));
}

// Forms made by other tools: qualified names with indexes, and fields named by their labels.
BOOST_AUTO_TEST_CASE(names_from_other_tools) {
    using T = p::PdfFieldType;
    const f::RawFields raw = f::pdf_form_fields(form({
        field("form1[0].page1[0].gmc_number[0]", T::text, {"7654321"}),
        field("Doctor's full name", T::text, {"Aoife Byrne"}),
        field("topmostSubform.Your_role", T::choice, {"Clinical Supervisor"}),
        field("form1[0].page1[0].Remarks[0]", T::text, {"not a form field"}),
    }));
    const f::RawFields expected = {{"gmc_number", "7654321"},
                                   {"trainee_name", "Aoife Byrne"},
                                   {"referrer_role", "Clinical Supervisor"}};
    BOOST_TEST((raw == expected));
    BOOST_TEST(f::field_for_pdf_name("casegate_form_version") == nullptr);
}

// Nothing comes out of a PDF that is not a readable form.
BOOST_AUTO_TEST_CASE(not_a_form_gives_nothing) {
    p::PdfFormOutcome out = complete_form();
    out.kind = p::PdfFormKind::unreadable;
    BOOST_TEST(f::pdf_form_fields(out).empty());
}

// The version marker: the hidden field first, else the information entry.
BOOST_AUTO_TEST_CASE(form_version) {
    BOOST_TEST(f::pdf_form_version(complete_form()) == "1");
    p::PdfFormOutcome out = form({});
    BOOST_TEST(f::pdf_form_version(out).empty());
    out.info = {{std::string(f::kFormVersionInfoKey), "2"}};
    BOOST_TEST(f::pdf_form_version(out) == "2");
}

// A filled form is a complete referral on the pdf channel.
BOOST_AUTO_TEST_CASE(evaluate_complete) {
    const f::Evaluation e = f::evaluate_pdf(complete_form(), kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "complete");
    BOOST_TEST(f::to_string(e.channel) == "pdf");
    BOOST_TEST(e.referral.text("trainee_name") == "Si\xC3\xA2n N\xC3\xAD Bhriain");
    BOOST_TEST(e.notes.empty());
}

// Without the ticked declaration the referral is incomplete: terms_accepted is missing.
BOOST_AUTO_TEST_CASE(evaluate_unticked_declaration) {
    p::PdfFormOutcome out = complete_form();
    for (p::PdfField& fld : out.fields) {
        if (fld.name == "terms_accepted") {
            fld.checked = false;
            fld.values.clear();
        }
    }
    const f::Evaluation e = f::evaluate_pdf(out, kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "incomplete");
    BOOST_TEST(e.referral.missing == V{"terms_accepted"});
}

// No fields, a password, XFA only, unreadable, or nothing filled in: not a referral, with why.
BOOST_AUTO_TEST_CASE(evaluate_not_a_referral) {
    const auto reason = [](const p::PdfFormOutcome& out) {
        const f::Evaluation e = f::evaluate_pdf(out, kCtx);
        BOOST_TEST(f::to_string(e.verdict) == "not_a_referral");
        BOOST_TEST(f::to_string(e.channel) == "none");
        return e.reason;
    };
    BOOST_TEST(reason(of_kind(p::PdfFormKind::no_fields)).find("no form fields") !=
               std::string::npos);
    BOOST_TEST(reason(of_kind(p::PdfFormKind::needs_password)).find("password") !=
               std::string::npos);
    BOOST_TEST(reason(of_kind(p::PdfFormKind::xfa_only)).find("XFA") != std::string::npos);
    BOOST_TEST(reason(of_kind(p::PdfFormKind::unreadable, "not a PDF: no %PDF- header")) ==
               "unreadable PDF: not a PDF: no %PDF- header");
    BOOST_TEST(reason(form({field("casegate_form_version", T::text, {"1"}),
                            field("terms_accepted", T::checkbox, {}, false)}))
                   .find("no referral form fields") != std::string::npos);
}

// Another form version and a repaired file are noted.
BOOST_AUTO_TEST_CASE(evaluate_notes) {
    p::PdfFormOutcome out = complete_form();
    out.fields.back().values = {"2"};
    out.repaired = true;
    const f::Evaluation e = f::evaluate_pdf(out, kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "complete");
    BOOST_TEST_REQUIRE(e.notes.size() == 2u);
    BOOST_TEST(e.notes[0].find("form version 2") != std::string::npos);
    BOOST_TEST(e.notes[1].find("repaired") != std::string::npos);
}

// The PDF's fields feed evaluate_email too: PDF over body, channel email-pdf.
BOOST_AUTO_TEST_CASE(feeds_evaluate_email) {
    p::ParsedEmail email;
    email.from_address = "dafydd@example.org";
    email.text_body = "Please see the attached form.\n";
    const f::Evaluation e = f::evaluate_email(email, f::pdf_form_fields(complete_form()), kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "complete");
    BOOST_TEST(f::to_string(e.channel) == "email-pdf");
}

BOOST_AUTO_TEST_SUITE_END()
