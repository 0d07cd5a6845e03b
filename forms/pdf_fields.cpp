// Mapping the fields of a PDF form onto form keys.
//
// TRUST: the fields come from an untrusted PDF (valid UTF-8, any content). Nothing is
// normalised here: values go to validate() as they are, which refuses what it cannot read.
#include "forms/pdf_fields.hpp"

#include "forms/form_pdf.hpp"

namespace casegate::forms {
namespace {

std::string joined_lines(const std::vector<std::string>& values) {
    std::string out;
    for (const std::string& v : values) {
        if (v.empty()) continue;
        if (!out.empty()) out += '\n';
        out += v;
    }
    return out;
}

std::string raw_value(const FieldDef& def, const parsers::PdfField& field) {
    using parsers::PdfFieldType;
    switch (field.type) {
        case PdfFieldType::checkbox:
            if (!field.checked) return {};
            return def.type == FieldType::yes_no ? std::string("yes") : joined_lines(field.values);
        case PdfFieldType::radio:
        case PdfFieldType::text:
        case PdfFieldType::choice:
            return joined_lines(field.values);
    }
    return {};
}

// The last part of a qualified field name, without an array index: "form1[0].p1.gmc_number[0]"
// → "gmc_number" (names as LiveCycle / Acrobat-made forms give them).
std::string_view last_part(std::string_view name) {
    if (const auto dot = name.rfind('.'); dot != std::string_view::npos)
        name.remove_prefix(dot + 1);
    if (!name.empty() && name.back() == ']') {
        if (const auto open = name.rfind('['); open != std::string_view::npos)
            name = name.substr(0, open);
    }
    return name;
}

}  // namespace

const FieldDef* field_for_pdf_name(std::string_view name) {
    if (const FieldDef* def = find_field(name)) return def;
    const std::string_view last = last_part(name);
    if (const FieldDef* def = find_field(last)) return def;
    // A form made by another tool may name its fields by their printed labels.
    std::string spaced(last);
    for (char& c : spaced) {
        if (c == '_') c = ' ';
    }
    return find_field_by_label(spaced);
}

RawFields pdf_form_fields(const parsers::PdfFormOutcome& pdf) {
    RawFields raw;
    if (pdf.kind != parsers::PdfFormKind::form) return raw;
    for (const parsers::PdfField& field : pdf.fields) {
        if (field.name == kFormVersionField) continue;
        const FieldDef* def = field_for_pdf_name(field.name);
        if (!def) continue;
        std::string value = raw_value(*def, field);
        if (!value.empty()) raw.emplace_back(std::string(def->key), std::move(value));
    }
    return raw;
}

std::string pdf_form_version(const parsers::PdfFormOutcome& pdf) {
    if (const parsers::PdfField* f = pdf.field(kFormVersionField); f && !f->values.empty()) {
        return f->values.front();
    }
    return pdf.info_value(kFormVersionInfoKey);
}

}  // namespace casegate::forms
