// Transfer decoding with mimetic's codecs.
//
// SECURITY: encoded bodies are untrusted; mimetic's decoders skip characters outside the
// alphabet and keep malformed quoted-printable escapes as text, so any input decodes to
// something no larger than itself.
#include "parsers/transfer.hpp"

#include <mimetic/codec/base64.h>
#include <mimetic/codec/code.h>
#include <mimetic/codec/qp.h>

#include <array>
#include <cstdint>
#include <iterator>

#include "parsers/headers.hpp"

namespace casegate::parsers {

namespace {

// What a byte is to a base64 body: its value (0-63), a line break (skipped), padding, or
// anything else.
constexpr std::uint8_t kLineBreak = 64;
constexpr std::uint8_t kPadding = 65;
constexpr std::uint8_t kOther = 255;

constexpr std::array<std::uint8_t, 256> base64_table() {
    std::array<std::uint8_t, 256> t{};
    for (auto& v : t) v = kOther;
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < alphabet.size(); ++i)
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
    t['\r'] = kLineBreak;
    t['\n'] = kLineBreak;
    t['='] = kPadding;
    return t;
}

constexpr std::array<std::uint8_t, 256> kBase64 = base64_table();

std::string decode_base64_mimetic(std::string_view encoded) {
    std::string out;
    out.reserve(encoded.size() / 4 * 3 + 3);
    mimetic::Base64::Decoder decoder;
    mimetic::decode(encoded.begin(), encoded.end(), decoder, std::back_inserter(out));
    return out;
}

}  // namespace

// A body of the alphabet and line breaks, padded properly at its end (what mail programs
// write), is decoded here in one pass; anything else (stray characters, padding inside or in
// odd places) by mimetic's decoder, whose results the fast pass matches exactly (a test
// compares them).
std::string decode_base64(std::string_view encoded) {
    std::string out(encoded.size() / 4 * 3 + 3, '\0');
    std::size_t o = 0;
    std::uint32_t bits = 0;
    int have = 0;
    int padding = 0;
    for (const char ch : encoded) {
        const std::uint8_t v = kBase64[static_cast<unsigned char>(ch)];
        if (v < 64) {
            if (padding != 0) return decode_base64_mimetic(encoded);
            bits = bits << 6 | v;
            if (++have == 4) {
                out[o++] = static_cast<char>(bits >> 16);
                out[o++] = static_cast<char>(bits >> 8);
                out[o++] = static_cast<char>(bits);
                have = 0;
                bits = 0;
            }
        } else if (v == kPadding) {
            ++padding;
        } else if (v != kLineBreak) {
            return decode_base64_mimetic(encoded);
        }
    }
    if (padding != 0 && !(have == 2 && padding == 2) && !(have == 3 && padding == 1))
        return decode_base64_mimetic(encoded);
    if (have == 2) {
        out[o++] = static_cast<char>(bits >> 4);
    } else if (have == 3) {
        out[o++] = static_cast<char>(bits >> 10);
        out[o++] = static_cast<char>(bits >> 2);
    }
    out.resize(o);
    return out;
}

std::string decode_quoted_printable(std::string_view encoded) {
    std::string out;
    out.reserve(encoded.size());
    mimetic::QP::Decoder decoder;
    mimetic::decode(encoded.begin(), encoded.end(), decoder, std::back_inserter(out));
    return out;
}

std::string decode_transfer(std::string_view body, std::string_view encoding,
                            std::vector<std::string>* defects) {
    const std::string name = to_lower_ascii(trim(strip_comments(encoding)));
    if (name == "base64") return decode_base64(body);
    if (name == "quoted-printable") return decode_quoted_printable(body);
    if (!name.empty() && name != "7bit" && name != "8bit" && name != "binary")
        add_defect(defects,
                   "unknown Content-Transfer-Encoding " + printable_excerpt(name) + " left as is");
    return std::string(body);
}

std::string normalise_line_ends(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\r') {
            out += text[i];
            continue;
        }
        out += '\n';
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    }
    return out;
}

std::string crlf_line_ends(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    const char* p = text.data();
    const char* const end = p + text.size();
    while (p < end) {
        const char* q = p;
        while (q < end && *q != '\r' && *q != '\n') ++q;
        out.append(p, q);
        if (q == end) break;
        out += "\r\n";
        p = q + ((*q == '\r' && q + 1 < end && q[1] == '\n') ? 2 : 1);
    }
    return out;
}

}  // namespace casegate::parsers
