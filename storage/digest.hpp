// SHA-256 of stored bytes (raw items, documents), for de-duplication and integrity.
#pragma once

#include <string>
#include <string_view>

namespace casegate::storage {

/// The 32-byte SHA-256 digest of data.
std::string sha256(std::string_view data);

/// Lower-case hex of bytes.
std::string to_hex(std::string_view bytes);

}  // namespace casegate::storage
