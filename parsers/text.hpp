// Text helpers shared by the parsers: charset conversion, RFC 2047 / RFC 2231 decoding,
// HTML to text, and removing quoted replies and signatures from a message body.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace casegate::parsers {

/// Converts bytes in `charset` to valid UTF-8 with iconv. Unknown charsets are treated as
/// windows-1252 and a defect is appended; invalid sequences become U+FFFD.
std::string to_utf8(std::string_view bytes, std::string_view charset,
                    std::vector<std::string>* defects = nullptr);

/// Opens the converters for the common mail charsets ahead of use, so that a process that can
/// no longer open files (the sandboxed parser) still converts them.
void prepare_charsets();

/// Everything the parsers load or initialise lazily, done now: the charsets above and
/// libxml2's parser state. Called before a sandbox forbids opening files.
void prepare_parsers();

/// True if `s` is well-formed UTF-8.
bool is_valid_utf8(std::string_view s);

/// Replaces every ill-formed UTF-8 sequence by U+FFFD.
std::string repair_utf8(std::string_view s);

/// Decodes RFC 2047 encoded-words in an unstructured header value (adjacent encoded words
/// separated only by white space are joined). The result is UTF-8.
std::string decode_rfc2047(std::string_view value, std::vector<std::string>* defects = nullptr);

/// True if `s` holds an RFC 2047 encoded word, well formed or not: "=?" with a "?=" after it.
/// Such text is header text to be decoded, never part of an address.
bool contains_encoded_word(std::string_view s);

/// Decodes an RFC 2231 extended parameter value (`utf-8''na%C3%AFve.pdf`) to UTF-8.
std::string decode_rfc2231(std::string_view value, std::vector<std::string>* defects = nullptr);

/// Converts an HTML document (any charset already converted to UTF-8) to plain text with
/// block elements on their own lines; scripts and styles dropped. Uses libxml2's HTML parser.
std::string html_to_text(std::string_view html);

/// Returns the body without quoted reply text (lines starting with '>', and everything after
/// an "On … wrote:" attribution line) and without the signature (from a line that is exactly
/// "-- " or "--"). When `strip_original_blocks` is true, everything from an Outlook
/// "-----Original Message-----" line or a "From: …" line directly followed by "Sent: …" is
/// dropped too (a reply); pass false for a forward, where that block is the content.
std::string strip_quotes_and_signature(std::string_view body, bool strip_original_blocks = true);

}  // namespace casegate::parsers
