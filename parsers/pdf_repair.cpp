// Rebuilding a damaged PDF in memory with libqpdf, so that PoDoFo (which never repairs) can
// read it. The only file that includes qpdf headers.
//
// When the trailer itself is lost (a truncated download), qpdf cannot recover; the last
// object that declares itself /Type /Catalog is then named in an appended trailer and qpdf
// tries once more.
//
// SECURITY: the bytes are untrusted. qpdf reads them from memory and writes to a memory
// buffer: no program is run and no file is opened, so this works inside the parser's seccomp
// sandbox. Streams are copied as they are (never decoded), so a compressed bomb stays
// compressed. qpdf's warnings are suppressed; its exceptions become PdfRepair::error.
// std::shared_ptr only: none of qpdf's legacy PointerHolder API is used.
#define POINTERHOLDER_TRANSITION 4
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFWriter.hh>

#include <exception>
#include <string>

#include "parsers/pdf_internal.hpp"

namespace casegate::parsers {

namespace {

constexpr int kMaxCatalogCandidates = 16;

bool is_space(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

// The digits ending just before `end` (after skipping white space), or "".
std::string_view number_before(std::string_view b, std::size_t& end) {
    while (end > 0 && is_space(b[end - 1])) --end;
    const std::size_t last = end;
    while (end > 0 && b[end - 1] >= '0' && b[end - 1] <= '9' && last - end < 10) --end;
    return b.substr(end, last - end);
}

// "N G R" of the last object that looks like a document catalog, or "" when none does.
std::string catalog_reference(std::string_view b) {
    std::size_t pos = b.rfind("/Catalog");
    for (int tries = 0; pos != std::string_view::npos && tries < kMaxCatalogCandidates; ++tries) {
        const std::size_t obj = b.rfind("obj", pos);
        if (obj != std::string_view::npos && obj > 0 && is_space(b[obj - 1]) &&
            b.substr(obj, pos - obj).find("/Type") != std::string_view::npos) {
            std::size_t end = obj;
            const std::string_view gen = number_before(b, end);
            const std::string_view num = number_before(b, end);
            if (!gen.empty() && !num.empty()) {
                return std::string(num) + " " + std::string(gen) + " R";
            }
        }
        if (pos == 0) break;
        pos = b.rfind("/Catalog", pos - 1);
    }
    return {};
}

PdfRepair rewrite(std::string_view bytes) {
    PdfRepair r;
    try {
        QPDF pdf;
        pdf.setSuppressWarnings(true);
        pdf.setAttemptRecovery(true);
        // The empty password opens a file encrypted with an owner password only.
        pdf.processMemoryFile("submitted PDF", bytes.data(), bytes.size(), "");
        QPDFWriter writer(pdf);
        writer.setOutputMemory();
        writer.setPreserveEncryption(false);
        writer.setObjectStreamMode(qpdf_o_disable);
        writer.setCompressStreams(false);
        writer.setDecodeLevel(qpdf_dl_none);
        writer.write();
        const std::shared_ptr<Buffer> out = writer.getBufferSharedPointer();
        r.bytes.assign(reinterpret_cast<const char*>(out->getBuffer()), out->getSize());
        r.result = PdfRepair::Result::repaired;
    } catch (const QPDFExc& e) {
        r.result = e.getErrorCode() == qpdf_e_password ? PdfRepair::Result::needs_password
                                                       : PdfRepair::Result::failed;
        r.error = e.getMessageDetail();
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

}  // namespace

PdfRepair repair_pdf(std::string_view bytes) {
    PdfRepair r = rewrite(bytes);
    if (r.result != PdfRepair::Result::failed) return r;
    // A file cut short loses its trailer, without which qpdf cannot rebuild the table; the
    // catalog is usually still there, so a minimal trailer pointing at it is added.
    const std::string root = catalog_reference(bytes);
    if (root.empty()) return r;
    std::string patched(bytes);
    patched += "\ntrailer\n<< /Root " + root + " >>\n";
    PdfRepair second = rewrite(patched);
    if (second.result == PdfRepair::Result::failed) second.error = r.error;
    return second;
}

std::string encrypted_copy(std::string_view bytes, const std::string& owner_password) {
    try {
        QPDF pdf;
        pdf.setSuppressWarnings(true);
        pdf.processMemoryFile("warm-up PDF", bytes.data(), bytes.size(), "");
        QPDFWriter writer(pdf);
        writer.setOutputMemory();
        writer.setR6EncryptionParameters("", owner_password.c_str(), true, true, true, true, true,
                                         true, qpdf_r3p_full, true);
        writer.write();
        const std::shared_ptr<Buffer> out = writer.getBufferSharedPointer();
        return std::string(reinterpret_cast<const char*>(out->getBuffer()), out->getSize());
    } catch (const std::exception&) {
        return {};  // only used to warm up; the caller reports the failed read
    }
}

}  // namespace casegate::parsers
