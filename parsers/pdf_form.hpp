// The fields of a filled PDF form (AcroForm), as read by read_pdf_form().
//
// SECURITY: the PDF is untrusted. Names and values are valid UTF-8 (converted from the PDF's
// UTF-16BE or PDFDocEncoding text strings, bad sequences replaced) but may contain any
// characters, including line breaks: callers must not copy them into headers or logs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace casegate::parsers {

/// Hard limits applied while reading a PDF form. Each one, when hit, makes the outcome
/// `unreadable` with a reason naming it (e.g. "... exceeds limit max_fields=500").
struct PdfLimits {
    std::size_t max_bytes = 25UL * 1024 * 1024;  ///< the whole file, before and after repair
    std::size_t max_fields = 500;                ///< terminal fields reported
    std::size_t max_field_objects = 5000;        ///< field and widget dictionaries visited
    int max_depth = 16;                          ///< nesting of /Kids below /AcroForm /Fields
    std::size_t max_value_bytes = 256UL * 1024;  ///< one field's value, as UTF-8
};

enum class PdfFieldType { text, checkbox, radio, choice };

/// One terminal field of the form.
struct PdfField {
    std::string name;  ///< full name: the partial names (/T) of its ancestors joined with '.'
    PdfFieldType type = PdfFieldType::text;
    /// text: the value, if any; choice: the selected values (several for a multi-select list);
    /// checkbox / radio: the name of the selected state (e.g. "Yes", "Ja", "1"), if not Off.
    std::vector<std::string> values;
    bool checked = false;  ///< checkbox: ticked; radio: one of its buttons is on
};

enum class PdfFormKind {
    form,            ///< AcroForm fields found (possibly all empty)
    no_fields,       ///< a document without form fields (scanned, flattened, or plain)
    needs_password,  ///< encrypted with a user password
    xfa_only,        ///< an XFA form with no AcroForm fields
    unreadable,      ///< not a PDF, damaged beyond repair, or a limit was hit; see reason
};

struct PdfFormOutcome {
    PdfFormKind kind = PdfFormKind::unreadable;
    std::string reason;            ///< for unreadable (and why no_fields / xfa_only); "" for form
    std::vector<PdfField> fields;  ///< in document order; only for kind == form
    /// String entries of the document information dictionary (Title, Producer, and any
    /// custom key such as a form version marker), UTF-8.
    std::vector<std::pair<std::string, std::string>> info;
    bool repaired = false;   ///< the cross-reference table was rebuilt before reading
    bool decrypted = false;  ///< encrypted with an owner password only; decrypted to read
    /// Survivable problems, e.g. "field without /FT skipped", "XFA ignored".
    std::vector<std::string> defects;

    /// The first field with this full name, or nullptr.
    const PdfField* field(std::string_view name) const;
    /// The value of the info entry `key`, or "".
    std::string info_value(std::string_view key) const;
};

std::string_view to_string(PdfFormKind kind);
std::string_view to_string(PdfFieldType type);

/// Reads the AcroForm fields of a PDF held in memory. Never throws for bad input: a file that
/// cannot be read gives kind == unreadable with a reason. A damaged cross-reference table is
/// rebuilt, and an encrypted file with an empty user password decrypted, in memory (no program
/// is run, no file is opened) and the read tried once more.
PdfFormOutcome read_pdf_form(std::string_view bytes, const PdfLimits& limits);

/// Reads two small PDFs made on the spot (one encrypted, one truncated) so that the libraries'
/// lazy set-up, such as OpenSSL reading its configuration file, happens before a sandbox
/// forbids opening files. Call once at start-up, like prepare_charsets(). Returns false if a
/// warm-up read did not give the expected form (reading still works). Does not throw.
bool prepare_pdf_reader();

/// Converts a PDF text string (UTF-16BE with a byte-order mark, UTF-8 with a byte-order mark,
/// or PDFDocEncoding) to valid UTF-8.
std::string pdf_text_to_utf8(std::string_view bytes);

}  // namespace casegate::parsers
