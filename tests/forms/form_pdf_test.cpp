#include <sys/wait.h>

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "forms/evaluate.hpp"
#include "forms/form_pdf.hpp"
#include "forms/pdf_fields.hpp"
#include "tests/support/tools.hpp"

namespace f = casegate::forms;
namespace p = casegate::parsers;
namespace fs = std::filesystem;

namespace {

const f::ValidateContext kCtx{"2025-06-15", ""};

using namespace casegate::test_tools;

// What a referrer types into the form, as XFDF (values UTF-8).
const std::vector<std::pair<std::string, std::vector<std::string>>> kFilled = {
    {"trainee_name", {"Si\xC3\xA2n N\xC3\xAD Bhriain"}},
    {"gmc_number", {"1234 567"}},
    {"programme", {"Core Surgical Training"}},
    {"grade", {"CT1"}},
    {"local_office", {"Wessex"}},
    {"employer", {"Ysbyty Gwynedd \xE2\x80\x94 Betsi Cadwaladr"}},
    {"site", {"Ward 7"}},
    {"referrer_name", {"Dafydd ap Gw\xC5\xB5n"}},
    {"referrer_email", {"dafydd@Example.org"}},
    {"referrer_role", {"Educational Supervisor"}},
    {"referrer_phone", {"01248 384384"}},
    {"concern_route", {"Professional"}},
    {"concern_type", {"Communication and team working"}},
    {"incident_date", {"03/02/2025"}},
    {"support_requested", {"Coaching", "Exam support"}},
    {"trainee_aware", {"Yes"}},
    {"details", {"Missed handovers \xE2\x80\x94 three times.\nTeam worried."}},
    {"terms_accepted", {"Yes"}},
};

std::string xfdf() {
    std::string out =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<xfdf xmlns=\"http://ns.adobe.com/xfdf/\" xml:space=\"preserve\"><fields>\n";
    for (const auto& [key, values] : kFilled) {
        out += "<field name=\"" + key + "\">";
        for (const std::string& v : values) out += "<value>" + v + "</value>";
        out += "</field>\n";
    }
    return out + "</fields></xfdf>\n";
}

// The form filled by pdftk from kFilled.
std::string filled_by_pdftk(const TempDir& dir, const std::vector<std::string>& employers = {}) {
    write_file(dir.file("form.pdf"), f::form_pdf_bytes(employers));
    write_file(dir.file("values.xfdf"), xfdf());
    const int rc =
        run(quoted(tool("pdftk")) + " " + quoted(dir.file("form.pdf")) + " fill_form " +
            quoted(dir.file("values.xfdf")) + " output " + quoted(dir.file("filled.pdf")));
    BOOST_TEST_REQUIRE(rc == 0, "pdftk fill_form exit " << rc);
    return read_file(dir.file("filled.pdf"));
}

std::string encrypted(const TempDir& dir, const std::string& bytes, const std::string& user) {
    write_file(dir.file("plain.pdf"), bytes);
    const int rc =
        run(quoted(tool("qpdf")) + " --encrypt " + quoted(user) + " owner-secret 256 -- " +
            quoted(dir.file("plain.pdf")) + " " + quoted(dir.file("enc.pdf")));
    BOOST_TEST_REQUIRE((rc == 0 || rc == 3), "qpdf --encrypt exit " << rc);
    return read_file(dir.file("enc.pdf"));
}

// The referral a complete filled form must give, normalised.
void check_filled_referral(const f::Evaluation& e) {
    BOOST_TEST(f::to_string(e.verdict) == "complete");
    BOOST_TEST(f::to_string(e.channel) == "pdf");
    const f::Referral& r = e.referral;
    BOOST_TEST(r.missing.empty());
    BOOST_TEST(r.errors.empty());
    BOOST_TEST(r.text("trainee_name") == "Si\xC3\xA2n N\xC3\xAD Bhriain");
    BOOST_TEST(r.text("gmc_number") == "1234567");
    BOOST_TEST(r.text("programme") == "Core Surgical Training");
    BOOST_TEST(r.text("grade") == "CT1");
    BOOST_TEST(r.text("local_office") == "Wessex");
    BOOST_TEST(r.text("employer") == "Ysbyty Gwynedd \xE2\x80\x94 Betsi Cadwaladr");
    BOOST_TEST(r.text("site") == "Ward 7");
    BOOST_TEST(r.text("referrer_name") == "Dafydd ap Gw\xC5\xB5n");
    BOOST_TEST(r.text("referrer_email") == "dafydd@example.org");
    BOOST_TEST(r.text("referrer_role") == "Educational Supervisor");
    BOOST_TEST(r.text("referrer_phone") == "01248 384384");
    BOOST_TEST(r.text("concern_route") == "Professional");
    BOOST_TEST(r.text("concern_type") == "Communication and team working");
    BOOST_TEST(r.text("incident_date") == "2025-02-03");
    BOOST_TEST(std::get<std::vector<std::string>>(r.fields.at("support_requested")) ==
               (std::vector<std::string>{"Coaching", "Exam support"}));
    BOOST_TEST(std::get<bool>(r.fields.at("trainee_aware")) == true);
    BOOST_TEST(r.text("details") == "Missed handovers \xE2\x80\x94 three times.\nTeam worried.");
    BOOST_TEST(std::get<bool>(r.fields.at("terms_accepted")) == true);
    BOOST_TEST(r.fields.size() == kFilled.size());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(form_pdf)

// Every form field is an AcroForm field named by its key, of the kind the reader expects, and
// the blank form holds no values.
BOOST_AUTO_TEST_CASE(every_field_named_by_key) {
    const p::PdfFormOutcome out = p::read_pdf_form(f::form_pdf_bytes(), p::PdfLimits{});
    BOOST_TEST_REQUIRE(p::to_string(out.kind) == "form", out.reason);
    for (const f::FieldDef& def : f::referral_form()) {
        const p::PdfField* fld = out.field(def.key);
        BOOST_TEST_REQUIRE(fld != nullptr, "no field " << def.key);
        const std::string_view expected =
            def.key == "terms_accepted" ? "checkbox"
            : (def.type == f::FieldType::choice || def.type == f::FieldType::multi_choice ||
               def.type == f::FieldType::yes_no)
                ? "choice"
                : "text";
        BOOST_TEST(p::to_string(fld->type) == expected, def.key);
        BOOST_TEST(fld->values.empty(), def.key);
        BOOST_TEST(!fld->checked, def.key);
    }
    BOOST_TEST(out.fields.size() == f::referral_form().size() + 1);
    BOOST_TEST(out.defects.empty());
}

// The version marker is in a hidden field and the information dictionary, not in the fields.
BOOST_AUTO_TEST_CASE(version_marker) {
    const p::PdfFormOutcome out = p::read_pdf_form(f::form_pdf_bytes(), p::PdfLimits{});
    BOOST_TEST_REQUIRE(out.field(f::kFormVersionField) != nullptr);
    BOOST_TEST(out.field(f::kFormVersionField)->values == std::vector<std::string>{"1"});
    BOOST_TEST(out.info_value(f::kFormVersionInfoKey) == "1");
    BOOST_TEST(f::pdf_form_version(out) == "1");
    BOOST_TEST(f::pdf_form_fields(out).empty());
}

// The blank form sent back unfilled is not a referral.
BOOST_AUTO_TEST_CASE(blank_form_is_not_a_referral) {
    const f::Evaluation e = f::evaluate_pdf(f::form_pdf_bytes(), kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "not_a_referral");
    BOOST_TEST(e.reason.find("no referral form fields") != std::string::npos);
}

// qpdf finds no syntax or stream errors.
BOOST_AUTO_TEST_CASE(qpdf_check_passes) {
    TempDir dir;
    f::write_form_pdf(dir.file("form.pdf"));
    const int rc = run(quoted(tool("qpdf")) + " --check " + quoted(dir.file("form.pdf")),
                       dir.file("check.txt"));
    BOOST_TEST(rc == 0, "qpdf --check exit " << rc << ":\n" << read_file(dir.file("check.txt")));
}

// pdftk lists every field with its key as name and its label as the alternate name.
BOOST_AUTO_TEST_CASE(pdftk_lists_every_field) {
    TempDir dir;
    f::write_form_pdf(dir.file("form.pdf"));
    const int rc =
        run(quoted(tool("pdftk")) + " " + quoted(dir.file("form.pdf")) + " dump_data_fields_utf8",
            dir.file("fields.txt"));
    BOOST_TEST_REQUIRE(rc == 0);
    const std::string dump = read_file(dir.file("fields.txt"));
    for (const f::FieldDef& def : f::referral_form()) {
        BOOST_TEST(dump.find("FieldName: " + std::string(def.key) + "\n") != std::string::npos,
                   def.key);
        BOOST_TEST(dump.find("FieldNameAlt: " + std::string(def.label) + "\n") != std::string::npos,
                   def.key);
    }
    BOOST_TEST(dump.find("FieldStateOption: Northern Ireland") != std::string::npos);
    BOOST_TEST(dump.find("FieldStateOption: Yes") != std::string::npos);
}

// Writer, pdftk fill from XFDF, reader, validation: a complete referral with the values filled.
BOOST_AUTO_TEST_CASE(round_trip_through_pdftk) {
    TempDir dir;
    const std::string filled = filled_by_pdftk(dir);
    const p::PdfFormOutcome out = p::read_pdf_form(filled, p::PdfLimits{});
    BOOST_TEST_REQUIRE(p::to_string(out.kind) == "form", out.reason);
    BOOST_TEST(out.field("terms_accepted")->checked);
    check_filled_referral(f::evaluate_pdf(out, kCtx));
}

// With the region's employers, the employer is a combo box offering them that still takes any
// other name: kFilled's employer is not on the list and comes back as written.
BOOST_AUTO_TEST_CASE(employers_offered_and_any_other_kept) {
    const std::vector<std::string> employers = {
        "NORFOLK AND NORWICH UNIVERSITY HOSPITALS NHS FOUNDATION TRUST",
        "WEST SUFFOLK NHS FOUNDATION TRUST"};
    const std::string blank = f::form_pdf_bytes(employers);
    const p::PdfFormOutcome form = p::read_pdf_form(blank, p::PdfLimits{});
    BOOST_TEST_REQUIRE(p::to_string(form.kind) == "form", form.reason);
    BOOST_TEST(p::to_string(form.field("employer")->type) == "choice");
    BOOST_TEST(blank.find("WEST SUFFOLK NHS FOUNDATION TRUST") != std::string::npos);
    TempDir dir;
    const p::PdfFormOutcome out = p::read_pdf_form(filled_by_pdftk(dir, employers), p::PdfLimits{});
    BOOST_TEST_REQUIRE(p::to_string(out.kind) == "form", out.reason);
    check_filled_referral(f::evaluate_pdf(out, kCtx));
}

// The filled form encrypted with an owner password only still reads; with a user password it
// is not a referral, and says why.
BOOST_AUTO_TEST_CASE(round_trip_encrypted) {
    TempDir dir;
    const std::string filled = filled_by_pdftk(dir);
    const f::Evaluation owner_only = f::evaluate_pdf(encrypted(dir, filled, ""), kCtx);
    check_filled_referral(owner_only);
    const f::Evaluation locked = f::evaluate_pdf(encrypted(dir, filled, "user-secret"), kCtx);
    BOOST_TEST(f::to_string(locked.verdict) == "not_a_referral");
    BOOST_TEST(locked.reason.find("password") != std::string::npos);
}

// The filled form cut short (trailer lost) is repaired, read, and the repair noted.
BOOST_AUTO_TEST_CASE(round_trip_truncated) {
    TempDir dir;
    const std::string filled = filled_by_pdftk(dir);
    const f::Evaluation e = f::evaluate_pdf(filled.substr(0, filled.size() - 100), kCtx);
    check_filled_referral(e);
    BOOST_TEST(e.notes == std::vector<std::string>{"the PDF was damaged and has been repaired"});
}

BOOST_AUTO_TEST_SUITE_END()
