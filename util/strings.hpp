// Trimming, written once. Never fails; malformed UTF-8 passes through unchanged.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace casegate::util {

/// Drops leading and trailing ASCII white space (space, tab, CR, LF, FF, VT).
std::string_view trim(std::string_view s);

/// The same, also dropping U+00A0 (which HTML mail turns &nbsp; into): for text a person
/// typed.
std::string_view trim_text(std::string_view s);

/// The words of `s` separated by spaces (several spaces count as one), in order.
std::vector<std::string_view> words(std::string_view s);

/// ASCII lower-casing; other bytes (UTF-8 included) are left alone.
std::string ascii_lower(std::string_view s);

/// The parts joined, in one allocation (for messages of many pieces).
std::string concat(std::initializer_list<std::string_view> parts);

/// Equal ignoring the case of ASCII letters (as mail systems compare addresses and header
/// names).
bool iequals(std::string_view a, std::string_view b);

/// Percent-encodes all but RFC 3986's unreserved characters: a value in a query or an
/// application/x-www-form-urlencoded body, an IMAP mailbox name in a URL path.
std::string percent_encode(std::string_view s);

}  // namespace casegate::util
