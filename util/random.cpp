#include "util/random.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace casegate::util {

namespace {

void fill(unsigned char* out, std::size_t n) {
    if (RAND_bytes(out, static_cast<int>(n)) != 1) {
        throw std::runtime_error("the random number generator gave no bytes");
    }
}

}  // namespace

std::string random_hex(std::size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::vector<unsigned char> bytes(n);
    fill(bytes.data(), n);
    std::string out;
    out.reserve(2 * n);
    for (unsigned char b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 0x0F];
    }
    return out;
}

std::string random_uuid() {
    std::array<unsigned char, 16> b{};
    fill(b.data(), b.size());
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
    char out[37];
    std::snprintf(out, sizeof out,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                  b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return out;
}

}  // namespace casegate::util
