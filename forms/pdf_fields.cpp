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

}  // namespace

RawFields pdf_form_fields(const parsers::PdfFormOutcome& pdf) {
    RawFields raw;
    if (pdf.kind != parsers::PdfFormKind::form) return raw;
    for (const parsers::PdfField& field : pdf.fields) {
        const FieldDef* def = find_field(field.name);
        if (!def) continue;
        std::string value = raw_value(*def, field);
        if (!value.empty()) raw.emplace_back(field.name, std::move(value));
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
