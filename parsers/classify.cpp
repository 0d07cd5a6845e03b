// Recognising automatic replies and bounces from their top-level header fields.
//
// SECURITY: header values are untrusted; the reasons returned quote them only as short
// printable-ASCII excerpts, so a reason is safe to log or store.
#include "parsers/email.hpp"
#include "parsers/headers.hpp"

namespace casegate::parsers {

namespace {

// The keyword of a field value: `auto-replied; owner-email="x"` → "auto-replied".
std::string keyword(std::string_view value) {
    const std::string text = strip_comments(value);
    const std::string_view v(text);
    return to_lower_ascii(trim(v.substr(0, v.find(';'))));
}

std::string reason(std::string_view name, std::string_view value) {
    return "header " + std::string(name) + ": " + printable_excerpt(trim(value));
}

std::string local_part(std::string_view address) {
    return to_lower_ascii(address.substr(0, address.rfind('@')));
}

}  // namespace

std::string auto_reply_reason(const ParsedEmail& email) {
    if (email.has_header("Auto-Submitted")) {
        const std::string value = email.header("Auto-Submitted");
        if (keyword(value) != "no") return reason("Auto-Submitted", value);
    }
    for (const std::string_view name :
         {"X-Auto-Response-Suppress", "List-Id", "X-Autoreply", "X-Autorespond"})
        if (email.has_header(name)) return reason(name, email.header(name));
    if (email.has_header("Precedence")) {
        const std::string value = email.header("Precedence");
        const std::string word = keyword(value);
        if (word == "bulk" || word == "junk" || word == "list" || word == "auto_reply")
            return reason("Precedence", value);
    }
    return {};
}

std::string bounce_reason(const ParsedEmail& email) {
    if (email.is_delivery_report) return "delivery status notification";
    const std::string local = local_part(email.from_address);
    if (local == "mailer-daemon" || local == "postmaster")
        return "From " + printable_excerpt(email.from_address);
    if (email.has_return_path && email.return_path.empty()) return "null Return-Path <>";
    return {};
}

}  // namespace casegate::parsers
