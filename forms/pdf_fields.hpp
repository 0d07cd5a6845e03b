// The PDF edge of the form: the fields of a PDF form, as read by parsers::read_pdf_form(),
// turned into the raw (key, text) pairs that validate() and evaluate_email() take.
#pragma once

#include <string>

#include "forms/form.hpp"
#include "parsers/pdf_form.hpp"

namespace casegate::forms {

/// The form field a PDF field name stands for: the key itself, the last part of a qualified
/// name ("form1[0].page1.gmc_number[0]"), or a label or alias of the form ("GMC number",
/// "Doctor's full name"); nullptr for anything else.
const FieldDef* field_for_pdf_name(std::string_view name);

/// The form fields of a read PDF, in document order, keyed by form key: fields whose name
/// stands for a form field (field_for_pdf_name; others, including the form version marker,
/// are left out), with a value. Text and choice
/// values are as read, several choices on separate lines (a separator the multi-choice
/// normaliser accepts); a ticked checkbox is "yes" for a yes/no field and its state name
/// otherwise; an unticked checkbox is not given; a radio group gives its state name.
/// Empty unless pdf.kind == form.
RawFields pdf_form_fields(const parsers::PdfFormOutcome& pdf);

/// The form version the PDF says it is (the hidden version field, else the information entry),
/// or "" when it carries no marker.
std::string pdf_form_version(const parsers::PdfFormOutcome& pdf);

}  // namespace casegate::forms
