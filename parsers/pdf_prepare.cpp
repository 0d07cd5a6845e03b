// Warming the PDF reader up before the parser's sandbox closes: PoDoFo decrypts with OpenSSL,
// which reads its configuration file on first use, and qpdf sets up its crypto provider
// lazily. One read of a small encrypted PDF and one of a truncated PDF, both made here, walk
// every path read_pdf_form() can take.
#include <podofo/podofo.h>

#include <sstream>

#include "parsers/pdf_internal.hpp"

namespace casegate::parsers {
namespace {

// A one-page PDF with one text field.
std::string small_form() {
    PoDoFo::PdfMemDocument doc;
    PoDoFo::PdfPage* page =
        doc.CreatePage(PoDoFo::PdfPage::CreateStandardPageSize(PoDoFo::ePdfPageSize_A4));
    PoDoFo::PdfTextField field(page, PoDoFo::PdfRect(50, 700, 200, 20), &doc);
    field.SetFieldName(PoDoFo::PdfString("warm_up"));
    field.SetText(PoDoFo::PdfString("x"));
    std::ostringstream out;
    PoDoFo::PdfOutputDevice device(&out);
    doc.Write(&device);
    return out.str();
}

}  // namespace

bool prepare_pdf_reader() {
    try {
        const PdfLimits limits;
        const std::string plain = small_form();
        const std::string encrypted = encrypted_copy(plain, "warm-up");
        const bool decrypted = read_pdf_form(encrypted, limits).kind == PdfFormKind::form;
        const bool repaired =
            read_pdf_form(plain.substr(0, plain.size() / 2), limits).kind == PdfFormKind::form;
        return decrypted && repaired;
    } catch (const PoDoFo::PdfError&) {
        return false;  // making the samples failed; reading will still work, less warmed up
    }
}

}  // namespace casegate::parsers
