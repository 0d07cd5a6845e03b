// PDF text strings to UTF-8 (ISO 32000-1 7.9.2.2): UTF-16BE after a byte-order mark, UTF-8
// after a byte-order mark (PDF 2.0), else PDFDocEncoding (Annex D).
//
// TRUST: the bytes come from an untrusted PDF. Unpaired surrogates, a dangling odd byte and
// code points PDFDocEncoding leaves undefined become U+FFFD; the result is always valid UTF-8.
#include <array>
#include <cstdint>

#include "parsers/pdf_form.hpp"
#include "parsers/pdf_internal.hpp"
#include "parsers/text.hpp"

namespace casegate::parsers {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// PDFDocEncoding 0x18-0x1F and 0x80-0xA0, where it differs from Latin-1; 0 = undefined.
constexpr std::array<char32_t, 8> kLow = {0x02D8, 0x02C7, 0x02C6, 0x02D9,
                                          0x02DD, 0x02DB, 0x02DA, 0x02DC};
constexpr std::array<char32_t, 33> kHigh = {
    0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203A, 0x2212,
    0x2030, 0x201E, 0x201C, 0x201D, 0x2018, 0x2019, 0x201A, 0x2122, 0xFB01, 0xFB02, 0x0141,
    0x0152, 0x0160, 0x0178, 0x017D, 0x0131, 0x0142, 0x0153, 0x0161, 0x017E, 0,      0x20AC};

char32_t pdfdoc_code_point(unsigned char c) {
    if (c >= 0x18 && c <= 0x1F) return kLow[c - 0x18];
    if (c >= 0x80 && c <= 0xA0) {
        const char32_t cp = kHigh[c - 0x80];
        return cp == 0 ? kReplacement : cp;
    }
    if (c == 0x7F || c == 0xAD) return kReplacement;
    return c;
}

std::uint16_t unit_at(std::string_view b, std::size_t i) {
    return static_cast<std::uint16_t>((static_cast<unsigned char>(b[i]) << 8) |
                                      static_cast<unsigned char>(b[i + 1]));
}

}  // namespace

std::string utf16be_to_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    bool in_language_tag = false;
    std::size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2) {
        const std::uint16_t u = unit_at(bytes, i);
        // U+001B brackets a language code (7.9.2.2); it is not text.
        if (u == 0x001B) {
            in_language_tag = !in_language_tag;
            continue;
        }
        if (in_language_tag) continue;
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < bytes.size()) {
            const std::uint16_t low = unit_at(bytes, i + 2);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                const char32_t high_bits = char32_t{u} - char32_t{0xD800};  // 0..0x3FF
                const char32_t low_bits = char32_t{low} - char32_t{0xDC00};
                append_utf8(out, char32_t{0x10000} + (high_bits << 10) + low_bits);
                i += 2;
                continue;
            }
        }
        append_utf8(out, (u >= 0xD800 && u <= 0xDFFF) ? kReplacement : char32_t{u});
    }
    if (i < bytes.size()) append_utf8(out, kReplacement);
    return out;
}

std::string pdfdoc_to_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (const char c : bytes) append_utf8(out, pdfdoc_code_point(static_cast<unsigned char>(c)));
    return out;
}

std::string pdf_text_to_utf8(std::string_view bytes) {
    if (bytes.starts_with("\xFE\xFF")) return utf16be_to_utf8(bytes.substr(2));
    if (bytes.starts_with("\xEF\xBB\xBF")) return repair_utf8(bytes.substr(3));
    return pdfdoc_to_utf8(bytes);
}

}  // namespace casegate::parsers
