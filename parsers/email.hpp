// Parsed form of one RFC 5322 message, as produced by parse_email().
//
// SECURITY: everything in here comes from an untrusted sender. Strings are valid UTF-8
// (converted and repaired by the parser) but may contain any characters, including CR/LF:
// callers must never copy them into headers or logs without checking.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace casegate::parsers {

/// Hard limits applied before and while parsing a message. Each one, when hit, produces an
/// error naming it (see EmailOutcome::error).
struct MimeLimits {
    std::size_t max_message_bytes = 25UL * 1024 * 1024;  ///< whole raw message
    std::size_t max_header_bytes = 256UL * 1024;         ///< one entity's header block
    int max_depth = 20;                                  ///< multipart / message nesting
    int max_parts = 1000;                                ///< MIME entities in total
};

/// A decoded attachment (or any non-body leaf part with content).
struct Attachment {
    std::string filename;      ///< decoded (RFC 2047 / 2231), UTF-8; may be empty
    std::string content_type;  ///< lower-case "type/subtype"
    std::string data;          ///< transfer-decoded bytes
};

/// A message/rfc822 part found inside the message (a forward).
struct ForwardedMessage {
    std::string from_address;
    std::string subject;
    std::string text_body;  ///< same rules as ParsedEmail::text_body
};

struct ParsedEmail {
    /// Top-level header fields in order: name as written, value unfolded but not decoded.
    std::vector<std::pair<std::string, std::string>> headers;

    std::string message_id;    ///< without angle brackets; empty when the header is absent
    std::string from_address;  ///< addr-spec of the first From mailbox, lower-cased domain
    std::string from_name;     ///< decoded display name of the From mailbox
    std::string reply_to_address;
    std::string subject;                  ///< RFC 2047 decoded, UTF-8
    std::string in_reply_to;              ///< first msg-id, without angle brackets
    std::vector<std::string> references;  ///< msg-ids without angle brackets
    bool has_return_path = false;
    std::string return_path;  ///< content of Return-Path without <>; "" for the null path <>

    /// The message text as UTF-8: the first text/plain body part, else the first text/html
    /// part converted to text. Line ends are "\n".
    std::string text_body;
    bool body_from_html = false;

    std::vector<Attachment> attachments;
    std::vector<ForwardedMessage> forwarded;

    /// True when the message is a delivery status notification (multipart/report with
    /// report-type=delivery-status, or a message/delivery-status part).
    bool is_delivery_report = false;

    /// Things that were wrong but survivable, e.g. "missing closing boundary",
    /// "invalid UTF-8 in charset utf-8 replaced", "unknown charset x-foo".
    std::vector<std::string> defects;

    /// Value of the first header with this name (case-insensitive), or "" if absent.
    std::string header(std::string_view name) const;
    bool has_header(std::string_view name) const;
};

/// Outcome of parse_email: either a parsed message or an error that says which limit or
/// which structural problem made the bytes unreadable.
struct EmailOutcome {
    bool ok = false;
    std::string error;  ///< e.g. "message size 30000000 exceeds limit max_message_bytes=26214400"
    std::string limit;  ///< the limit broken ("max_message_bytes"), "" otherwise: safe to log
    ParsedEmail email;
};

/// Why bytes were refused as a whole: the reason, and the limit broken ("" for a structural
/// problem such as a multipart without a boundary).
struct Refusal {
    std::string reason;
    std::string limit;

    bool empty() const { return reason.empty(); }
};

/// Parses raw RFC 5322 bytes. Never throws for bad input; returns ok=false with a reason.
EmailOutcome parse_email(std::string_view raw, const MimeLimits& limits);

/// If the message is an automatic reply (Auto-Submitted other than "no",
/// X-Auto-Response-Suppress, Precedence bulk/junk/list, List-Id, common vacation subjects
/// are NOT enough on their own), returns the reason, e.g. "header Auto-Submitted: auto-replied".
std::string auto_reply_reason(const ParsedEmail& email);

/// If the message is a bounce (a DSN, From MAILER-DAEMON/postmaster, or a null return path),
/// returns the reason, else "".
std::string bounce_reason(const ParsedEmail& email);

}  // namespace casegate::parsers
