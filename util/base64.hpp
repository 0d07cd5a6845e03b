// Base64 (RFC 4648, standard alphabet, padded; OpenSSL's codec) for documents carried inside
// JSON: a web submission's supporting documents as the daemon stores them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace casegate::util {

std::string base64_encode(std::string_view bytes);

/// The decoded bytes, or nullopt when `text` is not padded base64 (whitespace is not allowed).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace casegate::util
