#include "util/base64.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace casegate::util {

std::string base64_encode(std::string_view bytes) {
    std::string out;
    // EVP_EncodeBlock takes an int length: encode in chunks of a multiple of 3 bytes.
    constexpr std::size_t kChunk = 3UL * 1024 * 1024;
    out.reserve((bytes.size() + 2) / 3 * 4 + 1);
    for (std::size_t at = 0; at < bytes.size(); at += kChunk) {
        const std::size_t n = std::min(kChunk, bytes.size() - at);
        std::string block(((n + 2) / 3 * 4) + 1, '\0');
        const int written = EVP_EncodeBlock(
            reinterpret_cast<unsigned char*>(block.data()),
            reinterpret_cast<const unsigned char*>(bytes.data() + at), static_cast<int>(n));
        out.append(block.data(), static_cast<std::size_t>(written));
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    const bool alphabet = std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '+' || c == '/' || c == '=';
    });
    if (!alphabet) return std::nullopt;
    const std::size_t pad = text.empty()           ? 0
                            : text.ends_with("==") ? 2
                            : text.ends_with('=')  ? 1
                                                   : 0;
    // '=' only as the final padding.
    if (text.find('=') < text.size() - pad) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    constexpr std::size_t kChunk = 4UL * 1024 * 1024;  // a multiple of 4
    for (std::size_t at = 0; at < text.size(); at += kChunk) {
        const std::size_t n = std::min(kChunk, text.size() - at);
        std::string block(n / 4 * 3, '\0');
        const int written = EVP_DecodeBlock(
            reinterpret_cast<unsigned char*>(block.data()),
            reinterpret_cast<const unsigned char*>(text.data() + at), static_cast<int>(n));
        if (written < 0) return std::nullopt;
        out.append(block.data(), static_cast<std::size_t>(written));
    }
    // EVP_DecodeBlock counts the padding as zero bytes.
    out.resize(out.size() - pad);
    return out;
}

}  // namespace casegate::util
