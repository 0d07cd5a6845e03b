// RFC 2047 encoded-words in header values and RFC 2231 extended parameter values.
//
// SECURITY: header text is untrusted. A malformed encoded-word is kept as literal text; raw
// 8-bit bytes outside encoded-words are kept when they are UTF-8 (RFC 6532) and read as
// windows-1252 otherwise. The result is always well-formed UTF-8.
#include <optional>

#include "parsers/headers.hpp"
#include "parsers/text.hpp"
#include "parsers/transfer.hpp"

namespace casegate::parsers {

namespace {

constexpr std::size_t kMaxCharsetName = 64;

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// `=XX` → byte; with `underscore_space` also `_` → ' ' (the Q encoding). Bad escapes stay.
std::string decode_escapes(std::string_view s, char marker, bool underscore_space) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == marker && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
            hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += (underscore_space && s[i] == '_') ? ' ' : s[i];
        }
    }
    return out;
}

struct EncodedWord {
    std::string charset;
    std::string bytes;  // decoded, still in `charset`
    std::size_t end = 0;
};

// Parses `=?charset[*lang]?B|Q?text?=` at value[start]. Encoded text may not contain
// white space or '?', which bounds the search.
std::optional<EncodedWord> parse_encoded_word(std::string_view value, std::size_t start) {
    const std::size_t q1 = value.find('?', start + 2);
    if (q1 == std::string_view::npos || q1 == start + 2 || q1 - start > kMaxCharsetName)
        return std::nullopt;
    if (q1 + 3 >= value.size() || value[q1 + 2] != '?') return std::nullopt;
    const char encoding = value[q1 + 1];
    const std::size_t text_start = q1 + 3;
    // Stopping at the first '?' or space keeps the total work linear in the value's length.
    const std::size_t close = value.find_first_of("? \t\r\n", text_start);
    if (close == std::string_view::npos || value[close] != '?' || close + 1 >= value.size() ||
        value[close + 1] != '=')
        return std::nullopt;
    const std::string_view text = value.substr(text_start, close - text_start);
    std::string_view charset = value.substr(start + 2, q1 - start - 2);
    for (char c : charset)
        if (is_space(c) || c == '=') return std::nullopt;
    charset = charset.substr(0, charset.find('*'));  // RFC 2231 language suffix
    EncodedWord word{std::string(charset), {}, close + 2};
    if (encoding == 'B' || encoding == 'b') {
        word.bytes = decode_base64(text);
    } else if (encoding == 'Q' || encoding == 'q') {
        word.bytes = decode_escapes(text, '=', true);
    } else {
        return std::nullopt;
    }
    return word;
}

// Accumulates decoded output; bytes of adjacent encoded-words in one charset are converted
// together so that a character split between two words survives.
struct Assembler {
    std::vector<std::string>* defects;
    std::string out;
    std::string pending_charset;
    std::string pending_bytes;
    bool have_pending = false;

    void flush() {
        if (have_pending) out += to_utf8(pending_bytes, pending_charset, defects);
        pending_bytes.clear();
        have_pending = false;
    }
    void literal(std::string_view text) {
        flush();
        out += to_utf8(text, "", defects);
    }
    void word(const EncodedWord& w) {
        if (have_pending && !iequals(pending_charset, w.charset)) flush();
        pending_charset = w.charset;
        pending_bytes += w.bytes;
        have_pending = true;
    }
};

bool all_space(std::string_view s) {
    for (char c : s)
        if (!is_space(c)) return false;
    return true;
}

}  // namespace

std::string decode_rfc2047(std::string_view value, std::vector<std::string>* defects) {
    Assembler assembler{defects, {}, {}, {}, false};
    std::size_t literal_start = 0;
    bool last_was_word = false;
    std::size_t search = 0;
    while (true) {
        const std::size_t start = value.find("=?", search);
        if (start == std::string_view::npos) break;
        const std::optional<EncodedWord> word = parse_encoded_word(value, start);
        if (!word) {
            search = start + 2;
            continue;
        }
        const std::string_view between = value.substr(literal_start, start - literal_start);
        // White space between two encoded-words is not part of the text (RFC 2047 6.2).
        if (!(last_was_word && all_space(between))) assembler.literal(between);
        assembler.word(*word);
        last_was_word = true;
        literal_start = search = word->end;
    }
    assembler.literal(value.substr(literal_start));
    return assembler.out;
}

bool contains_encoded_word(std::string_view s) {
    const std::size_t open = s.find("=?");
    return open != std::string_view::npos && s.find("?=", open + 2) != std::string_view::npos;
}

std::string decode_rfc2231(std::string_view value, std::vector<std::string>* defects) {
    const std::size_t q1 = value.find('\'');
    const std::size_t q2 = q1 == std::string_view::npos ? q1 : value.find('\'', q1 + 1);
    if (q2 == std::string_view::npos)
        return to_utf8(decode_escapes(value, '%', false), "", defects);
    return to_utf8(decode_escapes(value.substr(q2 + 1), '%', false), value.substr(0, q1), defects);
}

}  // namespace casegate::parsers
