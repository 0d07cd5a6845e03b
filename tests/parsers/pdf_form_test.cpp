#include <sys/wait.h>

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "parsers/pdf_form.hpp"
#include "tests/support/tools.hpp"

namespace p = casegate::parsers;
namespace fs = std::filesystem;

namespace {

const p::PdfLimits kLimits{};

// A PDF made of `objects` numbered from 1 (object 1 is the catalog), with a correct
// cross-reference table.
std::string build_pdf(const std::vector<std::string>& objects) {
    std::string out = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const std::size_t xref = out.size();
    out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const std::size_t offset : offsets) {
        char line[32];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
        out += line;
    }
    out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
           " /Root 1 0 R /Info 2 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return out;
}

// A one-page PDF: 1 catalog (with `acroform`, e.g. "<< /Fields [5 0 R] >>"), 2 info, 3 pages,
// 4 the page (with `annots`), then `more` as objects 5, 6, …
std::string one_page(const std::string& acroform, const std::vector<std::string>& more,
                     const std::string& annots = "[]") {
    std::vector<std::string> objects = {
        "<< /Type /Catalog /Pages 3 0 R" +
            (acroform.empty() ? std::string() : " /AcroForm " + acroform) + " >>",
        "<< /Title (Referral) /Producer <FEFF00530069> >>",
        "<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 3 0 R /MediaBox [0 0 300 300] /Annots " + annots + " >>"};
    objects.insert(objects.end(), more.begin(), more.end());
    return build_pdf(objects);
}

// Extra entries for the objects of form_with_parents().
struct ParentForm {
    std::string details;   // on the parent text field 5
    std::string terms;     // on the checkbox field 8
    std::string terms_as;  // the checkbox widget's /AS
    std::string route;     // on the radio group 13
    std::string support;   // on the multi-select list 12
};

// The structure pdftk and most viewers write: values on parent fields whose kids are widgets
// without /T; a checkbox whose on state is /Ja; a field group `person` with merged kids; a
// radio group with states /Personal and /Professional.
std::string form_with_parents(const ParentForm& v = {}) {
    const std::string widget = "/Type /Annot /Subtype /Widget /P 4 0 R ";
    const std::string ap = "/AP << /N << /Ja 16 0 R /Off 16 0 R >> >>";
    return one_page(
        "<< /Fields [5 0 R 8 0 R 10 0 R 13 0 R] /DA (/Helv 0 Tf 0 g) "
        "/DR << /Font << /Helv 15 0 R >> >> >>",
        {
            "<< /FT /Tx /T (details) /Kids [6 0 R 7 0 R] " + v.details + " >>",  // 5
            "<< " + widget + "/Parent 5 0 R /Rect [10 260 290 280] >>",          // 6
            "<< " + widget + "/Parent 5 0 R /Rect [10 230 290 250] >>",          // 7
            "<< /FT /Btn /T (terms_accepted) /Kids [9 0 R] " + v.terms + " >>",  // 8
            "<< " + widget + "/Parent 8 0 R /Rect [10 200 22 212] /AS /" +
                (v.terms_as.empty() ? "Off" : v.terms_as) + " " + ap + " >>",               // 9
            "<< /T (person) /Kids [11 0 R 12 0 R] >>",                                      // 10
            "<< " + widget + "/FT /Tx /T (name) /Parent 10 0 R /Rect [10 170 290 190] >>",  // 11
            "<< " + widget +
                "/FT /Ch /Ff 2097152 /T (support) /Opt [(Coaching) (Exam support) (Other)] "
                "/Parent 10 0 R /Rect [10 110 290 160] " +
                v.support + " >>",                                                        // 12
            "<< /FT /Btn /Ff 49152 /T (route) /Kids [14 0 R 17 0 R] " + v.route + " >>",  // 13
            "<< " + widget +
                "/Parent 13 0 R /Rect [10 80 22 92] /AS /Off "
                "/AP << /N << /Personal 16 0 R /Off 16 0 R >> >> >>",  // 14
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",  // 15
            "<< /Type /XObject /Subtype /Form /BBox [0 0 12 12] /Length 0 >>\nstream\n\n"
            "endstream",  // 16
            "<< " + widget +
                "/Parent 13 0 R /Rect [40 80 52 92] /AS /Off "
                "/AP << /N << /Professional 16 0 R /Off 16 0 R >> >> >>",  // 17
        },
        "[6 0 R 7 0 R 9 0 R 11 0 R 12 0 R 14 0 R 17 0 R]");
}

std::vector<std::string> values_of(const p::PdfFormOutcome& out, const std::string& name) {
    const p::PdfField* f = out.field(name);
    BOOST_TEST_REQUIRE(f != nullptr, "no field " << name);
    return f->values;
}

using V = std::vector<std::string>;

using namespace casegate::test_tools;

// `bytes` encrypted by qpdf with the given passwords and key length ("256", or
// "128 --use-aes=y").
std::string encrypted(const std::string& bytes, const std::string& user, const std::string& owner,
                      const std::string& key = "256") {
    TempDir dir;
    write_file(dir.file("in.pdf"), bytes);
    const int rc =
        run(quoted(tool("qpdf")) + " --encrypt " + quoted(user) + " " + quoted(owner) + " " + key +
            " -- " + quoted(dir.file("in.pdf")) + " " + quoted(dir.file("out.pdf")));
    BOOST_TEST_REQUIRE((rc == 0 || rc == 3), "qpdf --encrypt exit " << rc);
    return read_file(dir.file("out.pdf"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pdf_form)

// Values sitting on parent fields whose kids are widgets are read under the parent's name.
BOOST_AUTO_TEST_CASE(values_on_parent_fields) {
    ParentForm v;
    v.details = "/V (Two widgets, one value)";
    v.support = "/V [(Coaching) (Other)]";
    v.route = "/V /Professional";
    const p::PdfFormOutcome out = p::read_pdf_form(form_with_parents(v), kLimits);
    BOOST_TEST_REQUIRE(p::to_string(out.kind) == "form");
    BOOST_TEST(out.fields.size() == 5u);
    BOOST_TEST(values_of(out, "details") == V{"Two widgets, one value"});
    BOOST_TEST(values_of(out, "person.support") == (V{"Coaching", "Other"}));
    BOOST_TEST(p::to_string(out.field("person.support")->type) == "choice");
    BOOST_TEST(values_of(out, "route") == V{"Professional"});
    BOOST_TEST(p::to_string(out.field("route")->type) == "radio");
    BOOST_TEST(out.field("route")->checked);
    BOOST_TEST(out.field("person.name")->values.empty());
    BOOST_TEST(!out.repaired);
}

// A checkbox is ticked by any on-state name: /Ja from the widget's /AS when there is no /V.
BOOST_AUTO_TEST_CASE(checkbox_on_state_ja_from_widget) {
    ParentForm v;
    v.terms_as = "Ja";
    const p::PdfFormOutcome out = p::read_pdf_form(form_with_parents(v), kLimits);
    const p::PdfField* terms = out.field("terms_accepted");
    BOOST_TEST_REQUIRE(terms != nullptr);
    BOOST_TEST(p::to_string(terms->type) == "checkbox");
    BOOST_TEST(terms->checked);
    BOOST_TEST(terms->values == V{"Ja"});
}

// /V decides over /AS; /V /Off is unticked, /V /1 is ticked.
BOOST_AUTO_TEST_CASE(checkbox_value_decides) {
    ParentForm v;
    v.terms = "/V /Off";
    v.terms_as = "Ja";
    BOOST_TEST(!p::read_pdf_form(form_with_parents(v), kLimits).field("terms_accepted")->checked);
    v.terms = "/V /1";
    v.terms_as = "Off";
    const p::PdfFormOutcome out = p::read_pdf_form(form_with_parents(v), kLimits);
    BOOST_TEST(out.field("terms_accepted")->checked);
    BOOST_TEST(out.field("terms_accepted")->values == V{"1"});
}

// A field with no value and an unticked box are reported, empty and unticked.
BOOST_AUTO_TEST_CASE(empty_form) {
    const p::PdfFormOutcome out = p::read_pdf_form(form_with_parents(), kLimits);
    BOOST_TEST_REQUIRE(p::to_string(out.kind) == "form");
    BOOST_TEST(!out.field("terms_accepted")->checked);
    BOOST_TEST(out.field("terms_accepted")->values.empty());
    BOOST_TEST(out.field("details")->values.empty());
    BOOST_TEST(!out.field("route")->checked);
}

// Names and values in UTF-16BE (hex and literal) and PDFDocEncoding come out as UTF-8; the
// info dictionary is read too.
BOOST_AUTO_TEST_CASE(non_ascii_values) {
    const std::string pdf = one_page(
        "<< /Fields [5 0 R 6 0 R] >>",
        {"<< /FT /Tx /T (trainee_name) /V <FEFF00530069 00E2006E0020004E00ED0020004200680072 "
         "006900610069006E> >>",
         "<< /FT /Tx /T <FEFF00640065007400610069006C0073> "
         "/V (Dafydd ap Gw\\204n \\204 ST4) >>"});
    const p::PdfFormOutcome out = p::read_pdf_form(pdf, kLimits);
    BOOST_TEST_REQUIRE(p::to_string(out.kind) == "form");
    BOOST_TEST(values_of(out, "trainee_name") == V{"Si\xC3\xA2n N\xC3\xAD Bhriain"});
    BOOST_TEST(values_of(out, "details") == V{"Dafydd ap Gw\xE2\x80\x94n \xE2\x80\x94 ST4"});
    BOOST_TEST(out.info_value("Title") == "Referral");
    BOOST_TEST(out.info_value("Producer") == "Si");
}

// /FT and /Ff are inherited: kids of a radio parent are radio states, not fields of their own;
// a radio state that is an index into /Opt gives the export value there.
BOOST_AUTO_TEST_CASE(inherited_type_and_radio_export_values) {
    const std::string pdf =
        one_page("<< /Fields [5 0 R] >>",
                 {"<< /FT /Btn /Ff 32768 /T (concern_route) /Opt [(Personal) (Professional)] /V /1 "
                  "/Kids [6 0 R 7 0 R] >>",
                  "<< /Type /Annot /Subtype /Widget /Parent 5 0 R /AS /Off >>",
                  "<< /Type /Annot /Subtype /Widget /Parent 5 0 R /AS /1 >>"});
    const p::PdfFormOutcome out = p::read_pdf_form(pdf, kLimits);
    BOOST_TEST_REQUIRE(out.fields.size() == 1u);
    BOOST_TEST(p::to_string(out.fields[0].type) == "radio");
    BOOST_TEST(out.fields[0].values == V{"Professional"});
}

// A /Kids cycle (a field that is its own grandchild) ends with a defect, not a hang.
BOOST_AUTO_TEST_CASE(kids_reference_cycle) {
    const std::string pdf = one_page(
        "<< /Fields [5 0 R] >>", {"<< /T (a) /Kids [6 0 R] >>", "<< /T (b) /Kids [5 0 R 7 0 R] >>",
                                  "<< /FT /Tx /T (c) /V (deep) >>"});
    const p::PdfFormOutcome out = p::read_pdf_form(pdf, kLimits);
    BOOST_TEST_REQUIRE(p::to_string(out.kind) == "form");
    BOOST_TEST(values_of(out, "a.b.c") == V{"deep"});
    BOOST_TEST_REQUIRE(!out.defects.empty());
    BOOST_TEST(out.defects[0].find("cycle") != std::string::npos);
}

// A field that is its own kid, as the only field: no fields, no hang.
BOOST_AUTO_TEST_CASE(self_referencing_field) {
    const std::string pdf = one_page("<< /Fields [5 0 R] >>", {"<< /T (a) /Kids [5 0 R] >>"});
    const p::PdfFormOutcome out = p::read_pdf_form(pdf, kLimits);
    BOOST_TEST(p::to_string(out.kind) == "no_fields");
}

// A PDF without an AcroForm is a document, not a form.
BOOST_AUTO_TEST_CASE(scanned_document_has_no_fields) {
    const p::PdfFormOutcome out = p::read_pdf_form(one_page("", {}), kLimits);
    BOOST_TEST(p::to_string(out.kind) == "no_fields");
    BOOST_TEST(!out.reason.empty());
    BOOST_TEST(out.fields.empty());
}

// An XFA form with an empty /Fields array is xfa_only; with fields it is read as AcroForm.
BOOST_AUTO_TEST_CASE(xfa_only) {
    const std::string xfa = "<< /Length 7 >>\nstream\n<xdp/>\n\nendstream";
    const p::PdfFormOutcome out =
        p::read_pdf_form(one_page("<< /Fields [] /XFA 5 0 R >>", {xfa}), kLimits);
    BOOST_TEST(p::to_string(out.kind) == "xfa_only");
    const p::PdfFormOutcome hybrid = p::read_pdf_form(
        one_page("<< /Fields [6 0 R] /XFA 5 0 R >>", {xfa, "<< /FT /Tx /T (x) /V (1) >>"}),
        kLimits);
    BOOST_TEST(p::to_string(hybrid.kind) == "form");
    BOOST_TEST(values_of(hybrid, "x") == V{"1"});
}

// Bytes that are not a PDF, or a PDF header over garbage, are unreadable with a reason.
BOOST_AUTO_TEST_CASE(not_a_pdf) {
    const p::PdfFormOutcome text = p::read_pdf_form("Dear team, please find attached", kLimits);
    BOOST_TEST(p::to_string(text.kind) == "unreadable");
    BOOST_TEST(text.reason.find("not a PDF") != std::string::npos);
    const p::PdfFormOutcome garbage = p::read_pdf_form("%PDF-1.4\n\x01\x02 garbage (((", kLimits);
    BOOST_TEST(p::to_string(garbage.kind) == "unreadable");
    BOOST_TEST(!garbage.reason.empty());
}

// A file cut short (no cross-reference table, no trailer) is rebuilt and read.
BOOST_AUTO_TEST_CASE(truncated_file_repaired) {
    ParentForm v;
    v.details = "/V (still here)";
    const std::string whole = form_with_parents(v);
    for (const std::size_t cut :
         {whole.rfind("startxref"), whole.rfind("xref\n0 "), whole.rfind("trailer") + 12}) {
        const p::PdfFormOutcome out = p::read_pdf_form(whole.substr(0, cut), kLimits);
        BOOST_TEST_REQUIRE(p::to_string(out.kind) == "form",
                           "cut at " << cut << ": " << out.reason);
        BOOST_TEST(out.repaired);
        BOOST_TEST(values_of(out, "details") == V{"still here"});
    }
}

// Each limit, when hit, makes the PDF unreadable with a reason naming the limit.
BOOST_AUTO_TEST_CASE(limits_named) {
    ParentForm v;
    v.details = "/V (" + std::string(300, 'x') + ")";
    const std::string pdf = form_with_parents(v);
    const auto reason_with = [&](p::PdfLimits limits) {
        const p::PdfFormOutcome out = p::read_pdf_form(pdf, limits);
        BOOST_TEST(p::to_string(out.kind) == "unreadable");
        return out.reason;
    };
    p::PdfLimits l;
    l.max_bytes = 1000;
    BOOST_TEST(reason_with(l).find("max_bytes=1000") != std::string::npos);
    l = {};
    l.max_fields = 3;
    BOOST_TEST(reason_with(l).find("max_fields=3") != std::string::npos);
    l = {};
    l.max_depth = 1;
    BOOST_TEST(reason_with(l).find("max_depth=1") != std::string::npos);
    l = {};
    l.max_value_bytes = 100;
    BOOST_TEST(reason_with(l).find("max_value_bytes=100") != std::string::npos);
    l = {};
    l.max_field_objects = 4;
    BOOST_TEST(reason_with(l).find("max_field_objects=4") != std::string::npos);
    BOOST_TEST(p::to_string(p::read_pdf_form(pdf, kLimits).kind) == "form");
}

// Encrypted with an owner password only (empty user password), AES-256 or AES-128: read as
// usual, strings decrypted without their padding.
BOOST_AUTO_TEST_CASE(owner_password_only) {
    ParentForm v;
    v.details = "/V <FEFF0053006900E2006E>";
    for (const std::string key : {"256", "128 --use-aes=y"}) {
        const p::PdfFormOutcome out =
            p::read_pdf_form(encrypted(form_with_parents(v), "", "owner-secret", key), kLimits);
        BOOST_TEST_REQUIRE(p::to_string(out.kind) == "form", key << ": " << out.reason);
        BOOST_TEST(out.decrypted);
        BOOST_TEST(values_of(out, "details") == V{"Si\xC3\xA2n"});
    }
}

// Encrypted with a user password: needs_password, not unreadable.
BOOST_AUTO_TEST_CASE(user_password_needed) {
    const p::PdfFormOutcome out =
        p::read_pdf_form(encrypted(form_with_parents(), "user-secret", "owner-secret"), kLimits);
    BOOST_TEST(p::to_string(out.kind) == "needs_password");
    BOOST_TEST(out.fields.empty());
}

// Filled by pdftk from XFDF (values land on the parent fields, widgets get /AS): every value,
// including non-ASCII text, several list choices and the /Ja checkbox, is read back.
BOOST_AUTO_TEST_CASE(filled_by_pdftk) {
    TempDir dir;
    write_file(dir.file("form.pdf"), form_with_parents());
    write_file(dir.file("values.xfdf"),
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<xfdf xmlns=\"http://ns.adobe.com/xfdf/\" xml:space=\"preserve\"><fields>\n"
               "<field name=\"details\"><value>Dafydd ap Gw\xC5\xB5n \xE2\x80\x94 ST4</value>"
               "</field>\n"
               "<field name=\"terms_accepted\"><value>Ja</value></field>\n"
               "<field name=\"person\"><field name=\"name\"><value>Si\xC3\xA2n N\xC3\xAD "
               "Bhriain</value></field>\n<field name=\"support\"><value>Coaching</value>"
               "<value>Exam support</value></field></field>\n"
               "<field name=\"route\"><value>Personal</value></field>\n"
               "</fields></xfdf>\n");
    const int rc =
        run(quoted(tool("pdftk")) + " " + quoted(dir.file("form.pdf")) + " fill_form " +
            quoted(dir.file("values.xfdf")) + " output " + quoted(dir.file("filled.pdf")));
    BOOST_TEST_REQUIRE(rc == 0, "pdftk exit " << rc);
    const p::PdfFormOutcome out = p::read_pdf_form(read_file(dir.file("filled.pdf")), kLimits);
    BOOST_TEST_REQUIRE(p::to_string(out.kind) == "form", out.reason);
    BOOST_TEST(values_of(out, "details") == V{"Dafydd ap Gw\xC5\xB5n \xE2\x80\x94 ST4"});
    BOOST_TEST(values_of(out, "person.name") == V{"Si\xC3\xA2n N\xC3\xAD Bhriain"});
    BOOST_TEST(values_of(out, "person.support") == (V{"Coaching", "Exam support"}));
    BOOST_TEST(out.field("terms_accepted")->checked);
    BOOST_TEST(values_of(out, "terms_accepted") == V{"Ja"});
    BOOST_TEST(values_of(out, "route") == V{"Personal"});
}

// The start-up warm-up reads its encrypted and its truncated sample.
BOOST_AUTO_TEST_CASE(prepare_reads_its_samples) {
    BOOST_TEST(p::prepare_pdf_reader());
}

BOOST_AUTO_TEST_SUITE_END()
