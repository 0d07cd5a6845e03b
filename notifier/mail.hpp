// Building outgoing RFC 5322 messages as bytes: UTF-8 headers (RFC 2047), quoted-printable
// bodies, optional attachments, CRLF line ends.
//
// SECURITY: subject, names and body text may come from referrers. No CR, LF or NUL from any of
// them can reach a header: header values are encoded-word encoded or stripped, and addresses
// are checked by is_safe_address() before use (render throws if one is not safe).
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace casegate::notifier {

struct Address {
    std::string name;   ///< display name, any UTF-8 (encoded on output); may be empty
    std::string email;  ///< addr-spec
};

struct MailAttachment {
    std::string filename;
    std::string content_type;
    std::string data;
};

struct OutgoingMessage {
    Address from;
    std::vector<Address> to;
    std::vector<Address> cc;
    std::string reply_to;  ///< addr-spec; optional (a staff notification's tokened address)
    std::string subject;
    std::string message_id;   ///< without angle brackets
    std::string in_reply_to;  ///< without angle brackets; optional
    std::vector<std::string> references;
    std::string auto_submitted = "auto-generated";  ///< or "auto-replied"
    std::time_t date = 0;
    std::string text_body;  ///< UTF-8, "\n" line ends
    std::vector<MailAttachment> attachments;
};

/// True for a plausible addr-spec: one '@', non-empty local part and domain, at most 254
/// bytes, no control characters, spaces, '<', '>', ',', ';', '"' or '\\', and no RFC 2047
/// encoded word ("=?" … "?=").
bool is_safe_address(std::string_view address);

/// True when two addr-specs name the same mailbox as mail systems treat them: equal ignoring
/// ASCII letter case, in the domain and (as every real mail system does) the local part too.
bool same_address(std::string_view a, std::string_view b);

/// Renders the message with CRLF line ends. Throws std::invalid_argument naming the field when
/// an address is unsafe or there is no recipient.
std::string render(const OutgoingMessage& m);

/// Encodes an unstructured header value: ASCII printable text as is, otherwise RFC 2047
/// B-encoded UTF-8 words; CR, LF, NUL and other controls become spaces.
std::string encode_header_text(std::string_view value);

/// Quoted-printable encoding (RFC 2045) with CRLF line ends and soft breaks at 76 columns.
std::string quoted_printable(std::string_view text);

/// RFC 5322 date in UTC, e.g. "Sat, 21 Nov 2026 09:30:00 +0000".
std::string rfc5322_date(std::time_t t);

}  // namespace casegate::notifier
