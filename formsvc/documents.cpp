#include "formsvc/documents.hpp"

#include <algorithm>

namespace casegate::formsvc {

namespace {

bool starts_with_bytes(std::string_view bytes, std::string_view magic) {
    return bytes.substr(0, magic.size()) == magic;
}

}  // namespace

std::string size_words(std::size_t bytes) {
    constexpr std::size_t kMB = 1024UL * 1024;
    if (bytes >= kMB && bytes % kMB == 0) return std::to_string(bytes / kMB) + " MB";
    if (bytes >= kMB) return std::to_string(bytes / kMB) + "." +
                             std::to_string(bytes % kMB * 10 / kMB) + " MB";
    return std::to_string((bytes + 1023) / 1024) + " KB";
}

std::string_view sniff_document_type(std::string_view bytes) {
    // PDF readers accept the header anywhere in the first kilobyte.
    if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos) return "application/pdf";
    if (starts_with_bytes(bytes, "\x89PNG\r\n\x1a\n")) return "image/png";
    if (starts_with_bytes(bytes, "\xff\xd8\xff")) return "image/jpeg";
    if (starts_with_bytes(bytes, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")) return "application/msword";
    // A Word document (.docx) is a zip holding word/document.xml; other zips are not accepted.
    if (starts_with_bytes(bytes, std::string_view("PK\x03\x04", 4)) &&
        bytes.find("word/document.xml") != std::string_view::npos)
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    return {};
}

std::string safe_filename(std::string_view name, std::size_t n) {
    const std::size_t slash = name.find_last_of("/\\");
    if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
    std::string out;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '"') continue;
        out += c;
    }
    if (out.size() > 120) {
        // Cut on a UTF-8 boundary, keeping the extension.
        const std::size_t dot = out.rfind('.');
        const std::string ext =
            dot != std::string::npos && out.size() - dot <= 10 ? out.substr(dot) : std::string();
        std::size_t keep = 120 - ext.size();
        while (keep > 0 && (static_cast<unsigned char>(out[keep]) & 0xc0) == 0x80) --keep;
        out = out.substr(0, keep) + ext;
    }
    if (out.empty() || out == "." || out == "..") out = "document-" + std::to_string(n);
    return out;
}

CheckedDocuments check_documents(const std::vector<http::Upload>& uploads,
                                 const std::string& field, std::size_t max_count,
                                 std::size_t max_bytes) {
    CheckedDocuments out;
    std::size_t n = 0;
    for (const http::Upload& u : uploads) {
        if (u.field != field || (u.filename.empty() && u.content.empty())) continue;
        ++n;
        const std::string name = safe_filename(u.filename, n);
        if (n > max_count) {
            out.error = max_count == 0 ? "Documents cannot be attached to this form"
                                       : "Attach up to " + std::to_string(max_count) +
                                             " documents";
            break;
        }
        if (u.content.empty()) {
            out.error = name + " is empty";
            break;
        }
        if (u.content.size() > max_bytes) {
            out.error = name + " must be " + size_words(max_bytes) + " or smaller";
            break;
        }
        const std::string_view type = sniff_document_type(u.content);
        if (type.empty()) {
            out.error = name + " must be a PDF, a Word document or an image (PNG or JPEG)";
            break;
        }
        out.documents.push_back({name, std::string(type), u.content});
    }
    if (!out.error.empty()) out.documents.clear();
    return out;
}

}  // namespace casegate::formsvc
