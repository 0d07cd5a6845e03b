// Keyed signatures (HMAC-SHA-256, OpenSSL) for what casegate hands out and must recognise later:
// the Message-IDs of its notifications and the reply tokens of staff notifications.
#pragma once

#include <string>
#include <string_view>

namespace casegate::util {

/// HMAC-SHA-256 of `data` under `key`, as 64 lower-case hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

/// Equal, in time that depends only on the lengths (for comparing signatures).
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace casegate::util
