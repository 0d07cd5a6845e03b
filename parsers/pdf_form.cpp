// read_pdf_form: size limit, PoDoFo load, the AcroForm walk (pdf_walk.cpp), and one retry on
// a copy rewritten by libqpdf (pdf_repair.cpp) when PoDoFo cannot read the file or it is
// encrypted.
//
// SECURITY: `bytes` are an untrusted attachment or upload. PoDoFo 0.9.x has a long CVE
// history, so this runs in the sandboxed parser child; here it is only ever given memory,
// never a path, and its output to stdout/stderr is switched off. PoDoFo's PdfError (which
// does not derive from std::exception) and std::exception are caught and become
// `unreadable` with a reason. Nothing here throws for bad input.
#include <podofo/podofo.h>

#include <climits>
#include <exception>
#include <mutex>

#include "parsers/pdf_internal.hpp"
#include "parsers/text.hpp"

namespace casegate::parsers {
namespace {

// The header may follow some junk (ISO 32000-1 says at the start; readers allow 1024 bytes).
constexpr std::size_t kHeaderWindow = 1024;

void quiet_podofo() {
    static std::once_flag once;
    std::call_once(once, [] {
        PoDoFo::PdfError::EnableDebug(false);
        PoDoFo::PdfError::EnableLogging(false);
    });
}

PdfFormOutcome outcome(PdfFormKind kind, std::string reason) {
    PdfFormOutcome out;
    out.kind = kind;
    out.reason = std::move(reason);
    return out;
}

std::string describe(const PoDoFo::PdfError& e) {
    const char* message = PoDoFo::PdfError::ErrorMessage(e.GetError());
    const char* name = PoDoFo::PdfError::ErrorName(e.GetError());
    std::string text = (message && *message) ? message : (name ? name : "unknown PoDoFo error");
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text;
}

enum class Read { done, encrypted, damaged };

// One read of `bytes` into `out`. An encrypted file is not read here: PoDoFo 0.9.8 leaves the
// AES padding on decrypted strings, so qpdf decrypts it first. `error` says why a file is
// damaged.
Read try_read(std::string_view bytes, const PdfLimits& limits, PdfFormOutcome& out,
              std::string& error) {
    try {
        PoDoFo::PdfMemDocument doc;
        doc.LoadFromBuffer(bytes.data(), static_cast<long>(bytes.size()));
        if (doc.GetEncrypted()) return Read::encrypted;
        read_acroform(doc, limits, out);
        return Read::done;
    } catch (const PoDoFo::PdfError& e) {
        // Under OpenSSL 3 PoDoFo also fails to set up RC4 (even for AES-128 files).
        if (e.GetError() == PoDoFo::ePdfError_InvalidPassword ||
            bytes.find("/Encrypt") != std::string_view::npos) {
            return Read::encrypted;
        }
        error = describe(e);
    } catch (const std::exception& e) {
        error = e.what();
    }
    out = PdfFormOutcome{};
    return Read::damaged;
}

}  // namespace

const PdfField* PdfFormOutcome::field(std::string_view name) const {
    for (const PdfField& f : fields) {
        if (f.name == name) return &f;
    }
    return nullptr;
}

std::string PdfFormOutcome::info_value(std::string_view key) const {
    for (const auto& [k, v] : info) {
        if (k == key) return v;
    }
    return {};
}

std::string_view to_string(PdfFormKind kind) {
    switch (kind) {
        case PdfFormKind::form:
            return "form";
        case PdfFormKind::no_fields:
            return "no_fields";
        case PdfFormKind::needs_password:
            return "needs_password";
        case PdfFormKind::xfa_only:
            return "xfa_only";
        case PdfFormKind::unreadable:
            return "unreadable";
    }
    return "unreadable";
}

std::string_view to_string(PdfFieldType type) {
    switch (type) {
        case PdfFieldType::text:
            return "text";
        case PdfFieldType::checkbox:
            return "checkbox";
        case PdfFieldType::radio:
            return "radio";
        case PdfFieldType::choice:
            return "choice";
    }
    return "text";
}

PdfFormOutcome read_pdf_form(std::string_view bytes, const PdfLimits& limits) {
    quiet_podofo();
    const std::string size_limit = "limit max_bytes=" + std::to_string(limits.max_bytes);
    if (bytes.size() > limits.max_bytes || bytes.size() > static_cast<std::size_t>(LONG_MAX)) {
        return outcome(PdfFormKind::unreadable,
                       "PDF size " + std::to_string(bytes.size()) + " exceeds " + size_limit);
    }
    if (bytes.substr(0, kHeaderWindow).find("%PDF-") == std::string_view::npos) {
        return outcome(PdfFormKind::unreadable, "not a PDF: no %PDF- header");
    }
    PdfFormOutcome out;
    std::string error;
    const Read first = try_read(bytes, limits, out, error);
    if (first == Read::done) return out;

    const std::string what =
        first == Read::encrypted ? "encrypted PDF" : "damaged PDF (" + error + ")";
    const PdfRepair rewritten = repair_pdf(bytes);
    if (rewritten.result == PdfRepair::Result::needs_password) {
        return outcome(PdfFormKind::needs_password, "the PDF needs a password to open");
    }
    if (rewritten.result == PdfRepair::Result::failed) {
        return outcome(PdfFormKind::unreadable,
                       what + " that could not be rewritten: " + repair_utf8(rewritten.error));
    }
    if (rewritten.bytes.size() > limits.max_bytes) {
        return outcome(PdfFormKind::unreadable, "rewritten PDF size " +
                                                    std::to_string(rewritten.bytes.size()) +
                                                    " exceeds " + size_limit);
    }
    if (try_read(rewritten.bytes, limits, out, error) != Read::done) {
        return outcome(PdfFormKind::unreadable,
                       what + " still unreadable after rewriting: " + error);
    }
    if (first == Read::damaged) {
        out.repaired = true;
        out.defects.insert(out.defects.begin(), what + " repaired");
    } else {
        out.decrypted = true;
    }
    return out;
}

}  // namespace casegate::parsers
