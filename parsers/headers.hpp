// Internal to casegate_parsers: RFC 5322 header blocks, addresses, msg-ids and MIME
// parameters. Everything here reads untrusted bytes; nothing throws for bad input.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/strings.hpp"

namespace casegate::parsers {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

inline bool iequals(std::string_view a, std::string_view b) {
    return util::iequals(a, b);
}
bool istarts_with(std::string_view s, std::string_view prefix);
inline std::string to_lower_ascii(std::string_view s) {
    return util::ascii_lower(s);
}
/// Drops leading and trailing ASCII white space (util::trim).
inline std::string_view trim(std::string_view s) {
    return util::trim(s);
}

/// The line starting at `pos` without its terminator (CRLF, LF or a lone CR); moves `pos`
/// past the terminator.
std::string_view next_line(std::string_view raw, std::size_t& pos);

/// As mimetic reads lines, for predicting its structure: a CR LF or LF CR pair, or a lone CR
/// or LF, ends a line.
std::string_view next_mime_line(std::string_view raw, std::size_t& pos);

/// Value of the first field called `name` (case-insensitive), or nullptr.
const std::string* find_header(const HeaderList& fields, std::string_view name);

/// One entity's header block, read from the start of `raw`.
struct HeaderBlock {
    HeaderList fields;             ///< names as written, values unfolded (CR/LF removed)
    std::size_t header_bytes = 0;  ///< bytes of the block, without the blank line
    std::size_t body_offset = 0;   ///< where the body starts in `raw`
    /// Bytes read to find the end: also the non-field line that ended the block, which
    /// mimetic buffers as a would-be field name before giving up on it.
    std::size_t scanned_bytes = 0;
};

/// Splits the header block the way mimetic does: it ends at the first empty line or at the
/// first line that is neither a field nor a continuation (that line is then the body);
/// lines starting with ':' are skipped.
/// Stops reading fields once `max_bytes` is passed; header_bytes then exceeds it.
HeaderBlock split_header_block(std::string_view raw, std::size_t max_bytes);

/// A raw header value made valid UTF-8 without decoding it: 8-bit bytes that are not UTF-8
/// are read as windows-1252 (with a defect), as in decode_rfc2047.
std::string header_text(std::string_view value, std::vector<std::string>* defects);

/// Removes RFC 5322 comments (nested, with quoted-pairs) outside quoted strings.
std::string strip_comments(std::string_view value);

struct Mailbox {
    std::string address;       ///< addr-spec, domain lower-cased
    std::string display_name;  ///< still RFC 2047 encoded
};

/// The first mailbox of an address-list (`"Smith, Jane" <j@x>`, `j@x (Jane)`, groups...).
std::optional<Mailbox> first_mailbox(std::string_view value);

/// msg-ids of Message-ID / In-Reply-To / References, without angle brackets. Bracketed ids
/// win; without any, bare tokens containing '@' are taken.
std::vector<std::string> parse_msg_ids(std::string_view value);

/// `type/subtype; a=b; c="d"` split into a lower-cased token and its parameters.
struct StructuredValue {
    std::string token;                                        ///< lower-cased, no spaces
    std::vector<std::pair<std::string, std::string>> params;  ///< lower-cased names, unquoted
};

StructuredValue parse_structured(std::string_view value);

/// The decoded UTF-8 value of parameter `name`: RFC 2231 `name*` and `name*0*`, `name*1`...
/// continuations first, then a plain `name` (RFC 2047 words in it are decoded too).
/// Returns "" when absent.
std::string param_value(const StructuredValue& sv, std::string_view name,
                        std::vector<std::string>* defects = nullptr);

/// Appends `defect` unless it is already listed; the list is capped so that a hostile
/// message cannot grow it without bound.
void add_defect(std::vector<std::string>* defects, std::string defect);

/// Printable ASCII only, at most `max` characters: for untrusted text put into reasons.
std::string printable_excerpt(std::string_view s, std::size_t max = 64);

}  // namespace casegate::parsers
