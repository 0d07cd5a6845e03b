// Internal to casegate_parsers: Content-Transfer-Encoding decoding and line-end handling.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace casegate::parsers {

/// Base64 with any junk (line breaks, stray characters) ignored, as mail readers do.
std::string decode_base64(std::string_view encoded);

/// Quoted-printable: `=XX`, soft line breaks (`=` at the end of a line), hard line breaks
/// become "\n"; malformed `=` sequences are kept literally.
std::string decode_quoted_printable(std::string_view encoded);

/// Decodes a body by its Content-Transfer-Encoding value (case-insensitive; empty, 7bit,
/// 8bit and binary pass through). An unknown encoding passes through with a defect.
std::string decode_transfer(std::string_view body, std::string_view encoding,
                            std::vector<std::string>* defects);

/// CRLF and lone CR become "\n".
std::string normalise_line_ends(std::string_view text);

/// Lone LF and lone CR become CRLF, the only line break RFC 5322 allows.
std::string crlf_line_ends(std::string_view text);

}  // namespace casegate::parsers
