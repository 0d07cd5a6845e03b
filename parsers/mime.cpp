// parse_email: limits first, then mimetic, then the top-level header fields and the walk.
//
// SECURITY: `raw` is whatever arrived in the mailbox. Its size is checked first; line breaks
// are then made CRLF (so bare CR or LF inside 8bit/binary parts become CRLF), and header
// sizes, nesting depth and part count are checked before mimetic reads it (mime_scan.cpp);
// mimetic's exceptions are caught and returned as errors. Survivable problems become
// defects. Nothing here throws for bad input.
#include <mimetic/mimetic.h>

#include <exception>

#include "parsers/email.hpp"
#include "parsers/headers.hpp"
#include "parsers/mime_scan.hpp"
#include "parsers/mime_walk.hpp"
#include "parsers/text.hpp"
#include "parsers/transfer.hpp"

namespace casegate::parsers {

namespace {

std::string first_msg_id(std::string_view value) {
    std::vector<std::string> ids = parse_msg_ids(value);
    if (!ids.empty()) return ids.front();
    std::string bare;  // e.g. `Message-ID: <local-part-only>`: keep what there is
    for (char c : value)
        if (c != '<' && c != '>' && c != ' ' && c != '\t') bare += c;
    return bare;
}

void fill_top_level_fields(HeaderList headers, ParsedEmail& email) {
    email.headers = std::move(headers);
    std::vector<std::string>* defects = &email.defects;
    for (auto& field : email.headers) field.second = header_text(field.second, defects);
    const HeaderList& h = email.headers;
    if (const std::string* v = find_header(h, "Message-ID"))
        email.message_id = first_msg_id(*v);
    else
        add_defect(defects, "missing Message-ID");
    if (const std::string* v = find_header(h, "From"); v != nullptr)
        if (auto mailbox = first_mailbox(*v)) {
            email.from_address = mailbox->address;
            email.from_name = std::string(trim(decode_rfc2047(mailbox->display_name, defects)));
        }
    if (const std::string* v = find_header(h, "Reply-To"); v != nullptr)
        if (auto mailbox = first_mailbox(*v)) email.reply_to_address = mailbox->address;
    if (const std::string* v = find_header(h, "Subject"))
        email.subject = decode_rfc2047(*v, defects);
    if (const std::string* v = find_header(h, "In-Reply-To")) {
        const std::vector<std::string> ids = parse_msg_ids(*v);
        if (!ids.empty()) email.in_reply_to = ids.front();
    }
    if (const std::string* v = find_header(h, "References")) email.references = parse_msg_ids(*v);
    if (const std::string* v = find_header(h, "Return-Path")) {
        email.has_return_path = true;
        if (auto mailbox = first_mailbox(*v)) email.return_path = mailbox->address;
    }
}

}  // namespace

std::string ParsedEmail::header(std::string_view name) const {
    const std::string* value = find_header(headers, name);
    return value != nullptr ? *value : std::string();
}

bool ParsedEmail::has_header(std::string_view name) const {
    return find_header(headers, name) != nullptr;
}

EmailOutcome parse_email(std::string_view raw, const MimeLimits& limits) {
    EmailOutcome outcome;
    try {
        ParsedEmail& email = outcome.email;
        const auto refused = [&](Refusal r) {
            outcome.error = std::move(r.reason);
            outcome.limit = std::move(r.limit);
            return !outcome.error.empty();
        };
        if (raw.size() > limits.max_message_bytes &&
            refused(limit_error("message size", raw.size(), "max_message_bytes",
                                limits.max_message_bytes)))
            return outcome;
        // mimetic pairs LF CR as one line break and then misreads the blocks around such
        // pairs (its newline trimming underflows); with only CRLF it and the pre-scan agree.
        const std::string canonical = crlf_line_ends(raw);
        if (refused(check_before_parsing(canonical, limits, &email.defects))) return outcome;
        HeaderBlock top = split_header_block(canonical, limits.max_header_bytes);
        fill_top_level_fields(std::move(top.fields), email);
        const mimetic::MimeEntity root(canonical.begin(), canonical.end());
        outcome.ok = !refused(walk_mime_tree(root, email.headers, limits, email));
    } catch (const std::exception& e) {
        // mimetic throws std::out_of_range on some malformed input; bad_alloc lands here too.
        outcome.ok = false;
        outcome.error = std::string("MIME parser failed: ") + e.what();
    }
    return outcome;
}

}  // namespace casegate::parsers
