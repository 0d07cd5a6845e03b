// Unpredictable identifiers (Message-IDs, MIME boundaries, request ids, tokens), all from
// OpenSSL's CSPRNG. Throws std::runtime_error when it has no entropy to give.
#pragma once

#include <cstddef>
#include <string>

namespace casegate::util {

/// `n` random bytes as 2n lower-case hex digits.
std::string random_hex(std::size_t n);

/// A random (version 4) UUID, e.g. "3f2b…-…", as RFC 4122 writes it.
std::string random_uuid();

}  // namespace casegate::util
