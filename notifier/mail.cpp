// Building outgoing messages as bytes.
//
// SECURITY: everything in an OutgoingMessage may have come from a referrer: the subject, display
// names, attachment names and types, and the ids copied from inbound messages. Nothing is trusted
// to be well formed. CR, LF, NUL and other controls never reach a header: in text they become
// spaces and the value is encoded; unsafe addresses make render() throw; ids that are not plain
// msg-id text are left out; unusual content types become application/octet-stream. Invalid UTF-8
// in header text becomes U+FFFD so that the declared charset stays true. Every line of the output
// ends CRLF and is at most 998 octets; headers are folded at 78 columns where there is room.
#include "notifier/mail.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <stdexcept>

#include "parsers/text.hpp"
#include "util/random.hpp"
#include "util/strings.hpp"

namespace casegate::notifier {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::size_t kFoldColumn = 78;
constexpr std::size_t kMaxEncodedWord = 75;       // RFC 2047 section 2
constexpr std::size_t kEncodedWordOverhead = 12;  // "=?UTF-8?B?" + "?="
constexpr std::size_t kMaxPlainWord = 77;     // longer runs are encoded so that they can be split
constexpr std::size_t kMaxNameWord = 400;     // quoted display names stay far below 998 octets
constexpr std::size_t kQpLine = 76;           // RFC 2045 section 6.7 rule 5
constexpr std::size_t kBase64LineBytes = 57;  // 57 bytes give one 76-column base64 line
constexpr std::size_t kMaxIdLength = 250;
constexpr std::size_t kMaxReferences = 20;
constexpr std::size_t kMaxFilenameBytes = 200;
constexpr std::size_t kMaxFilenameSegment = 60;  // percent-encoded characters per RFC 2231 line

constexpr char kHex[] = "0123456789ABCDEF";

bool is_control(unsigned char c) {
    return c < 0x20 || c == 0x7f;
}

// True when every byte is an ASCII letter or digit or one of `punct`.
bool only_alnum_and(std::string_view s, std::string_view punct) {
    return std::all_of(s.begin(), s.end(), [&](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x80 && std::isalnum(u)) || punct.find(c) != std::string_view::npos;
    });
}

// Length of the valid UTF-8 sequence at s[i], or 0 when the bytes there are not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) return 1;
    std::size_t n = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((lead & 0xE0) == 0xC0) {
        n = 2, cp = lead & 0x1F, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        n = 3, cp = lead & 0x0F, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        n = 4, cp = lead & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

bool is_c1_control(std::string_view s, std::size_t i, std::size_t n) {
    return n == 2 && static_cast<unsigned char>(s[i]) == 0xC2 &&
           static_cast<unsigned char>(s[i + 1]) < 0xA0;
}

// Controls (C0, DEL, C1) become spaces; invalid UTF-8 becomes U+FFFD, one per bad byte.
std::string clean_text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_length(s, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else if ((n == 1 && is_control(static_cast<unsigned char>(s[i]))) ||
                   is_c1_control(s, i, n)) {
            out += ' ';
            i += n;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

bool is_ascii_printable(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

std::size_t longest_word(std::string_view s) {
    std::size_t longest = 0;
    std::size_t run = 0;
    for (char c : s) {
        run = c == ' ' ? 0 : run + 1;
        longest = std::max(longest, run);
    }
    return longest;
}

// Plain text can go into an unstructured header unchanged only if folding can keep it within
// 78 columns and a reader cannot mistake part of it for an encoded word.
bool can_stay_plain(std::string_view s, std::size_t first_budget) {
    if (!is_ascii_printable(s) || s.find("=?") != std::string_view::npos) return false;
    if (!s.empty() && (s.front() == ' ' || s.back() == ' ')) return false;
    if (s.find("  ") != std::string_view::npos) return false;
    return longest_word(s) <= kMaxPlainWord && s.substr(0, s.find(' ')).size() <= first_budget;
}

std::string base64(std::string_view data) {
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(data.data()),
                                  static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// RFC 2047 B-encoded words of whole UTF-8 sequences; the first word fits first_budget columns
// so that it can share a line with the header name. `s` must be clean UTF-8.
std::string encoded_words(std::string_view s, std::size_t first_budget) {
    std::string out;
    std::size_t budget = std::max(first_budget, kEncodedWordOverhead + 8);
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t max_bytes = (budget - kEncodedWordOverhead) / 4 * 3;
        std::size_t j = i;
        while (j < s.size() && j - i + utf8_length(s, j) <= max_bytes) j += utf8_length(s, j);
        if (!out.empty()) out += ' ';
        out += "=?UTF-8?B?" + base64(s.substr(i, j - i)) + "?=";
        i = j;
        budget = kMaxEncodedWord;
    }
    return out;
}

std::string encode_text(std::string_view value, std::size_t first_budget) {
    const std::string clean = clean_text(value);
    return can_stay_plain(clean, first_budget) ? clean : encoded_words(clean, first_budget);
}

// "Name: value" folded before spaces so that lines stay within 78 columns where the words allow.
std::string fold_header(std::string_view name, std::string_view value) {
    std::string out(name);
    out += ':';
    const std::string full = " " + std::string(value);
    std::size_t line = out.size();
    for (std::size_t start = 0; start < full.size();) {
        std::size_t end = full.find_first_not_of(' ', start);
        end = end == std::string::npos ? full.size() : full.find(' ', end);
        if (end == std::string::npos) end = full.size();
        const std::string_view segment = std::string_view(full).substr(start, end - start);
        const bool blank = segment.find_first_not_of(' ') == std::string_view::npos;
        if (line > name.size() + 1 && !blank && line + segment.size() > kFoldColumn) {
            out += kCrlf;
            line = 0;
        }
        out += segment;
        line += segment.size();
        start = end;
    }
    return out += kCrlf;
}

std::string quoted_string(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out += '"';
}

std::string format_address(const Address& a, std::size_t first_budget) {
    const std::string name = std::string(util::trim(clean_text(a.name)));
    if (name.empty()) return a.email;
    const bool quotable = is_ascii_printable(name) && longest_word(name) <= kMaxNameWord;
    const std::string phrase = quotable ? quoted_string(name) : encoded_words(name, first_budget);
    return phrase + " <" + a.email + ">";
}

void require_safe(const Address& a, std::string_view field) {
    if (!is_safe_address(a.email)) {
        throw std::invalid_argument("unsafe address in " + std::string(field));
    }
}

std::string address_header(std::string_view field, const std::vector<Address>& list) {
    std::string value;
    for (const Address& a : list) {
        require_safe(a, field);
        if (!value.empty()) value += ", ";
        const std::size_t budget = kFoldColumn - field.size() - 2;
        value += format_address(a, value.empty() ? budget : kMaxEncodedWord);
    }
    return fold_header(field, value);
}

bool is_safe_id(std::string_view id) {
    // atext, '.', '@' and the brackets of a domain literal: nothing that can end the <...>.
    return !id.empty() && id.size() <= kMaxIdLength &&
           only_alnum_and(id, "!#$%&'*+-/=?^_`{|}~.@[]");
}

// Keeps the thread root and the most recent ids, as RFC 5322 section 3.6.4 suggests.
std::string references_value(const std::vector<std::string>& ids) {
    std::vector<std::string_view> safe;
    for (const auto& id : ids) {
        if (is_safe_id(id)) safe.push_back(id);
    }
    if (safe.size() > kMaxReferences) {
        safe.erase(safe.begin() + 1, safe.end() - static_cast<std::ptrdiff_t>(kMaxReferences - 1));
    }
    std::string value;
    for (auto id : safe) {
        if (!value.empty()) value += ' ';
        value += "<" + std::string(id) + ">";
    }
    return value;
}

std::string auto_submitted_value(std::string_view v) {
    return v == "auto-replied" ? "auto-replied" : "auto-generated";
}

std::string headers(const OutgoingMessage& m) {
    require_safe(m.from, "From");
    if (m.to.empty() && m.cc.empty()) throw std::invalid_argument("no recipient in To or Cc");
    std::string out = address_header("From", {m.from});
    if (!m.to.empty()) out += address_header("To", m.to);
    if (!m.cc.empty()) out += address_header("Cc", m.cc);
    if (!m.reply_to.empty()) {
        require_safe({"", m.reply_to}, "Reply-To");
        out += address_header("Reply-To", {{"", m.reply_to}});
    }
    out += fold_header("Subject",
                       encode_text(m.subject, kFoldColumn - std::string_view("Subject: ").size()));
    out += "Date: " + rfc5322_date(m.date) + std::string(kCrlf);
    if (is_safe_id(m.message_id)) out += "Message-ID: <" + m.message_id + ">\r\n";
    if (is_safe_id(m.in_reply_to)) out += "In-Reply-To: <" + m.in_reply_to + ">\r\n";
    if (const std::string refs = references_value(m.references); !refs.empty()) {
        out += fold_header("References", refs);
    }
    out += "MIME-Version: 1.0\r\n";
    out += "Auto-Submitted: " + auto_submitted_value(m.auto_submitted) + std::string(kCrlf);
    // Stops Exchange and Outlook sending out-of-office and other automatic answers back.
    out += "X-Auto-Response-Suppress: All\r\n";
    return out;
}

std::string text_part_headers() {
    return "Content-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: quoted-printable\r\n";
}

std::string qp_body(std::string_view text) {
    std::string body = quoted_printable(text);
    if (body.size() < 2 || body.compare(body.size() - 2, 2, kCrlf) != 0) body += kCrlf;
    return body;
}

std::string base64_lines(std::string_view data) {
    std::string out;
    for (std::size_t i = 0; i < data.size(); i += kBase64LineBytes) {
        out += base64(data.substr(i, kBase64LineBytes));
        out += kCrlf;
    }
    return out;
}

std::string safe_content_type(std::string_view type) {
    // type "/" subtype of RFC 6838 name characters, no parameters.
    const auto slash = type.find('/');
    const bool ok = type.size() <= 100 && slash != std::string_view::npos && slash > 0 &&
                    slash + 1 < type.size() &&
                    type.find('/', slash + 1) == std::string_view::npos &&
                    only_alnum_and(type, "/!#$&^_.+-");
    return ok ? std::string(type) : "application/octet-stream";
}

// The name a recipient's mail program will save under: no controls, no directories, bounded.
std::string clean_filename(std::string_view name) {
    std::string clean = std::string(util::trim(clean_text(name)));
    std::replace(clean.begin(), clean.end(), '/', '_');
    std::replace(clean.begin(), clean.end(), '\\', '_');
    std::size_t end = 0;
    while (end < clean.size() && end + utf8_length(clean, end) <= kMaxFilenameBytes) {
        end += utf8_length(clean, end);
    }
    return clean.substr(0, end);
}

// RFC 2231 parameter lines (after "attachment;"), split between whole UTF-8 sequences.
std::string rfc2231_filename(std::string_view name) {
    constexpr std::string_view kAttrPunct = "!#$&+-.^_`|~";
    std::vector<std::string> segments(1);
    for (std::size_t i = 0; i < name.size();) {
        const std::size_t n = utf8_length(name, i);
        std::string piece;
        for (std::size_t k = i; k < i + n; ++k) {
            const auto u = static_cast<unsigned char>(name[k]);
            if (only_alnum_and(name.substr(k, 1), kAttrPunct)) {
                piece += name[k];
            } else {
                piece += {'%', kHex[u >> 4], kHex[u & 0x0F]};
            }
        }
        if (segments.back().size() + piece.size() > kMaxFilenameSegment) segments.emplace_back();
        segments.back() += piece;
        i += n;
    }
    if (segments.size() == 1) return " filename*=utf-8''" + segments[0] + std::string(kCrlf);
    std::string out;
    for (std::size_t k = 0; k < segments.size(); ++k) {
        out += " filename*" + std::to_string(k) + "*=" + (k == 0 ? "utf-8''" : "") + segments[k];
        out += k + 1 < segments.size() ? ";\r\n" : "\r\n";
    }
    return out;
}

std::string attachment_part(const MailAttachment& a) {
    std::string out = "Content-Type: " + safe_content_type(a.content_type) + std::string(kCrlf);
    const std::string name = clean_filename(a.filename);
    if (name.empty()) {
        out += "Content-Disposition: attachment\r\n";
    } else if (is_ascii_printable(name)) {
        out += "Content-Disposition: attachment;\r\n filename=" + quoted_string(name) + "\r\n";
    } else {
        out += "Content-Disposition: attachment;\r\n" + rfc2231_filename(name);
    }
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    return out += base64_lines(a.data);
}

std::string random_boundary() {
    // "=_" cannot appear in quoted-printable or base64 text, so no encoded part can hold it.
    return "=_casegate_" + util::random_hex(16);
}

std::string multipart(std::string_view body, const std::vector<std::string>& parts) {
    std::string boundary;
    do {
        boundary = random_boundary();
    } while (body.find(boundary) != std::string_view::npos ||
             std::any_of(parts.begin(), parts.end(), [&](const std::string& p) {
                 return p.find(boundary) != std::string::npos;
             }));
    std::string out = "Content-Type: multipart/mixed;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
    out += "--" + boundary + "\r\n" + text_part_headers() + "\r\n";
    out += body;
    for (const auto& p : parts) {
        out += "--" + boundary + "\r\n";
        out += p;
    }
    return out += "--" + boundary + "--\r\n";
}

}  // namespace

bool is_safe_address(std::string_view address) {
    constexpr std::string_view kForbidden = " <>,;\"\\";
    if (address.empty() || address.size() > 254) return false;
    // An encoded word is header text: whatever it decodes to (CR LF and a Bcc, say), a mail
    // server or client may decode it, so it never goes into an address.
    if (parsers::contains_encoded_word(address)) return false;
    const auto at = address.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return false;
    if (address.find('@', at + 1) != std::string_view::npos) return false;
    return std::none_of(address.begin(), address.end(), [&](char c) {
        return is_control(static_cast<unsigned char>(c)) ||
               kForbidden.find(c) != std::string_view::npos;
    });
}

bool same_address(std::string_view a, std::string_view b) {
    return util::iequals(a, b);
}

std::string render(const OutgoingMessage& m) {
    std::string out = headers(m);
    const std::string body = qp_body(m.text_body);
    if (m.attachments.empty()) return out + text_part_headers() + "\r\n" + body;
    std::vector<std::string> parts;
    for (const auto& a : m.attachments) parts.push_back(attachment_part(a));
    return out + multipart(body, parts);
}

std::string encode_header_text(std::string_view value) {
    return encode_text(value, kMaxEncodedWord);
}

std::string quoted_printable(std::string_view text) {
    std::string out;
    std::size_t column = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            out += kCrlf;
            column = 0;
            continue;
        }
        const bool line_end = i + 1 == text.size() || text[i + 1] == '\n' || text[i + 1] == '\r';
        const auto u = static_cast<unsigned char>(c);
        const bool literal =
            (u >= 33 && u <= 126 && c != '=') || ((c == ' ' || c == '\t') && !line_end);
        const std::string piece =
            literal ? std::string(1, c) : std::string{'=', kHex[u >> 4], kHex[u & 0x0F]};
        // A line that will end in a soft break needs one column for the '='.
        const std::size_t limit = line_end ? kQpLine : kQpLine - 1;
        if (column + piece.size() > limit) {
            out += "=\r\n";
            column = 0;
        }
        out += piece;
        column += piece.size();
    }
    return out;
}

std::string rfc5322_date(std::time_t t) {
    static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                         "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr) {
        const std::time_t epoch = 0;
        gmtime_r(&epoch, &tm);
    }
    // Formatted by hand: strftime's %a and %b follow the process locale.
    std::array<char, 64> buf{};
    std::snprintf(buf.data(), buf.size(), "%s, %02d %s %04d %02d:%02d:%02d +0000",
                  kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
                  tm.tm_min, tm.tm_sec);
    return buf.data();
}

}  // namespace casegate::notifier
