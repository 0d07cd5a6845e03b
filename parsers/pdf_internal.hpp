// Internal to casegate_parsers: the pieces read_pdf_form() is made of.
#pragma once

#include <string>
#include <string_view>

#include "parsers/pdf_form.hpp"

namespace PoDoFo {
class PdfMemDocument;
}

namespace casegate::parsers {

/// UTF-16BE (without its byte-order mark) to UTF-8; language tags dropped.
std::string utf16be_to_utf8(std::string_view bytes);
/// PDFDocEncoding to UTF-8.
std::string pdfdoc_to_utf8(std::string_view bytes);

/// A PDF rewritten by libqpdf in memory: cross-reference table rebuilt, encryption with an
/// empty user password removed, object streams expanded (pdf_repair.cpp).
struct PdfRepair {
    enum class Result { repaired, needs_password, failed };
    Result result = Result::failed;
    std::string bytes;  ///< the rewritten PDF when repaired
    std::string error;  ///< why it failed
};
PdfRepair repair_pdf(std::string_view bytes);

/// `bytes` encrypted with AES-256, an empty user password and `owner_password`; "" on failure.
/// Only for prepare_pdf_reader(): PoDoFo 0.9.8 cannot encrypt under OpenSSL 3 (no RC4).
std::string encrypted_copy(std::string_view bytes, const std::string& owner_password);

/// Reads /AcroForm /Fields (and the info dictionary) of a loaded document into `out`, setting
/// out.kind. Limits make it unreadable with a reason. Throws PoDoFo::PdfError when an object
/// cannot be loaded (pdf_walk.cpp).
void read_acroform(const PoDoFo::PdfMemDocument& doc, const PdfLimits& limits, PdfFormOutcome& out);

}  // namespace casegate::parsers
