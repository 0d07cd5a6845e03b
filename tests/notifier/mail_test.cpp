// Tests of notifier/mail.cpp. The rendered bytes are read back with small decoders written here
// (quoted-printable, base64, RFC 2047, RFC 2231) and, for the MIME structure, with mimetic, so
// that the checks do not trust the encoder they are checking.
#include "notifier/mail.hpp"

#include <mimetic/mimetic.h>

#include <boost/test/unit_test.hpp>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace n = casegate::notifier;

namespace {

std::vector<std::string> crlf_lines(const std::string& raw) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t pos; (pos = raw.find("\r\n", start)) != std::string::npos; start = pos + 2) {
        out.push_back(raw.substr(start, pos - start));
    }
    if (start < raw.size()) out.push_back(raw.substr(start));
    return out;
}

// Every line ends CRLF, no lone CR or LF, no NUL, none longer than 998 octets.
void check_line_discipline(const std::string& raw) {
    BOOST_TEST_REQUIRE(raw.size() >= 2);
    BOOST_TEST(raw.substr(raw.size() - 2) == "\r\n");
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\n') BOOST_TEST_REQUIRE((i > 0 && raw[i - 1] == '\r'), "bare LF at " << i);
        if (raw[i] == '\r') BOOST_TEST_REQUIRE((i + 1 < raw.size() && raw[i + 1] == '\n'));
        BOOST_TEST_REQUIRE(raw[i] != '\0');
    }
    for (const auto& line : crlf_lines(raw)) BOOST_TEST(line.size() <= 998u);
}

std::string header_block(const std::string& raw) {
    return raw.substr(0, raw.find("\r\n\r\n") + 2);
}

// Unfolded headers: name (as written) → values, in order.
std::multimap<std::string, std::string> headers_of(const std::string& raw) {
    std::multimap<std::string, std::string> out;
    std::string current;
    for (const auto& line : crlf_lines(header_block(raw))) {
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            current += line;
            continue;
        }
        if (!current.empty()) {
            const auto colon = current.find(':');
            out.emplace(current.substr(0, colon), current.substr(colon + 2));
        }
        current = line;
    }
    if (!current.empty()) {
        const auto colon = current.find(':');
        out.emplace(current.substr(0, colon), current.substr(colon + 2));
    }
    return out;
}

std::string only(const std::multimap<std::string, std::string>& h, const std::string& name) {
    BOOST_TEST_REQUIRE(h.count(name) == 1u, name << " appears " << h.count(name) << " times");
    return h.find(name)->second;
}

std::string b64_decode(const std::string& s) {
    static const std::string kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : s) {
        const auto pos = kAlphabet.find(c);
        if (pos == std::string::npos) continue;  // padding, line breaks
        buffer = (buffer << 6) | static_cast<unsigned>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;  // lower case is not what RFC 2045 asks an encoder to write
}

std::string qp_decode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '=' && s.compare(i + 1, 2, "\r\n") == 0) {
            i += 2;
        } else if (s[i] == '=') {
            BOOST_TEST_REQUIRE(i + 2 < s.size());
            const int hi = hex_value(s[i + 1]);
            const int lo = hex_value(s[i + 2]);
            BOOST_TEST_REQUIRE((hi >= 0 && lo >= 0), "bad escape at " << i);
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (s.compare(i, 2, "\r\n") == 0) {
            out += '\n';
            ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

// Decodes B-encoded UTF-8 words; white space between two adjacent encoded words is dropped.
std::string rfc2047_decode(const std::string& s) {
    std::string out;
    std::string pending_space;
    bool last_was_word = false;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s.compare(i, 10, "=?UTF-8?B?") == 0) {
            const auto end = s.find("?=", i + 10);
            BOOST_TEST_REQUIRE(end != std::string::npos);
            if (!last_was_word) out += pending_space;
            out += b64_decode(s.substr(i + 10, end - i - 10));
            pending_space.clear();
            last_was_word = true;
            i = end + 2;
        } else if (s[i] == ' ' || s[i] == '\t') {
            pending_space += s[i++];
        } else {
            out += pending_space;
            pending_space.clear();
            out += s[i++];
            last_was_word = false;
        }
    }
    return out + pending_space;
}

bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80         ? 1
                              : (c >> 5) == 6  ? 2
                              : (c >> 4) == 14 ? 3
                              : (c >> 3) == 30 ? 4
                                               : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += n;
    }
    return true;
}

std::vector<std::string> encoded_words_in(const std::string& s) {
    std::vector<std::string> out;
    for (std::size_t i = s.find("=?"); i != std::string::npos; i = s.find("=?", i + 2)) {
        const auto end = s.find("?=", i + 10);
        out.push_back(s.substr(i, end + 2 - i));
        i = end;
    }
    return out;
}

n::OutgoingMessage sample() {
    n::OutgoingMessage m;
    m.from = {"Referrals", "referrals@casegate.example"};
    m.to = {{"Jane Smith", "jane.smith@nhs.example"}};
    m.subject = "Referral received [CG-2026-000123]";
    m.message_id = "cg.1.abc@casegate.example";
    m.date = 1795253400;
    m.text_body = "Hello,\nThank you.\n";
    return m;
}

std::string body_of(const std::string& raw) {
    return raw.substr(raw.find("\r\n\r\n") + 4);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mail)

// Addresses that could break out of a header or an SMTP command are refused; ordinary ones pass.
BOOST_AUTO_TEST_CASE(safe_address_rules) {
    BOOST_TEST(n::is_safe_address("jane.smith@nhs.example"));
    BOOST_TEST(n::is_safe_address("o'brien+tag@sub.trust.nhs.uk"));
    for (const std::string& bad : std::vector<std::string>{
             "", "@nhs.uk", "jane@", "jane", "a@b@c", "jane smith@nhs.uk",
             "jane@nhs.uk\r\nBcc: x@y", "jane@nhs.uk\n", std::string("jane@nhs.uk\0x", 13),
             "<jane@nhs.uk>", "a,b@c", "a;b@c", "\"a\"@c", "a\\b@c", "a\tb@c", "a\x7f@c"}) {
        BOOST_TEST(!n::is_safe_address(bad), "accepted: " << bad);
    }
    BOOST_TEST(n::is_safe_address(std::string(64, 'a') + "@" + std::string(189, 'b')));
    BOOST_TEST(!n::is_safe_address(std::string(64, 'a') + "@" + std::string(190, 'b')));
}

// An RFC 2047 encoded word is header text, never an address: one in a local part or a domain
// (whatever it decodes to) is refused, as are controls other than those already listed.
BOOST_AUTO_TEST_CASE(encoded_words_are_not_addresses) {
    for (const std::string& bad : std::vector<std::string>{
             "=?utf-8?q?victim3=40evil.example=0D=0ABcc=3A_x=40y.example?=@attacker.example",
             "=?UTF-8?B?dmljdGltQGV2aWwuZXhhbXBsZQ==?=@attacker.example",
             "jane=?utf-8?q?x?=@nhs.uk", "jane@=?utf-8?q?nhs.uk?=", "jane@nhs.uk\x1b",
             std::string("jane@nhs.uk\0", 12), "jane\x01@nhs.uk"}) {
        BOOST_TEST(!n::is_safe_address(bad), "accepted: " << bad);
    }
    // '=' and '?' on their own are ordinary atext.
    BOOST_TEST(n::is_safe_address("a=b?c@nhs.example"));
    BOOST_TEST(n::is_safe_address("list-request=?@nhs.example"));
}

// Two spellings of one address differ only in letter case, local part included.
BOOST_AUTO_TEST_CASE(same_address_ignores_letter_case) {
    BOOST_TEST(n::same_address("casegate@casegate.test", "CaseGate@CaseGate.TEST"));
    BOOST_TEST(n::same_address("casegate@casegate.test", "casegate@casegate.test"));
    BOOST_TEST(!n::same_address("casegate@casegate.test", "casegate2@casegate.test"));
    BOOST_TEST(!n::same_address("casegate@casegate.test", "casegate@casegate.test.evil"));
    BOOST_TEST(!n::same_address("", "casegate@casegate.test"));
}

// An unsafe address in From, To or Cc, or no recipient at all, stops rendering with the field
// named.
BOOST_AUTO_TEST_CASE(render_refuses_unsafe_addresses) {
    const std::string evil = "victim@nhs.example\r\nBcc: spy@evil.example";
    auto m = sample();
    m.to.push_back({"x", evil});
    BOOST_CHECK_EXCEPTION(n::render(m), std::invalid_argument, [](const std::invalid_argument& e) {
        return std::string(e.what()).find("To") != std::string::npos;
    });
    m = sample();
    m.cc = {{"", evil}};
    BOOST_CHECK_EXCEPTION(n::render(m), std::invalid_argument, [](const std::invalid_argument& e) {
        return std::string(e.what()).find("Cc") != std::string::npos;
    });
    m = sample();
    m.from.email = evil;
    BOOST_CHECK_EXCEPTION(n::render(m), std::invalid_argument, [](const std::invalid_argument& e) {
        return std::string(e.what()).find("From") != std::string::npos;
    });
    m = sample();
    m.to.clear();
    BOOST_CHECK_THROW(n::render(m), std::invalid_argument);
}

// CR, LF and NUL in the subject and display names cannot start a header of their own.
BOOST_AUTO_TEST_CASE(header_injection_is_neutralised) {
    auto m = sample();
    m.subject = "Hello\r\nBcc: spy@evil.example\r\n\r\nInjected body";
    m.to[0].name = "Jane\r\nBcc: spy2@evil.example";
    m.cc = {{std::string("Bob\0\nX-Evil: 1", 14), "bob@nhs.example"}};
    m.from.name = "Team\nReply-To: spy3@evil.example";
    const std::string raw = n::render(m);
    check_line_discipline(raw);
    const auto h = headers_of(raw);
    BOOST_TEST(h.count("Bcc") == 0u);
    BOOST_TEST(h.count("X-Evil") == 0u);
    BOOST_TEST(h.count("Reply-To") == 0u);
    for (const auto& line : crlf_lines(header_block(raw))) {
        BOOST_TEST(line.find("Bcc:") != 0u);
        BOOST_TEST(line.find("Injected") == std::string::npos);
    }
    const std::string subject = rfc2047_decode(only(h, "Subject"));
    BOOST_TEST(subject.find_first_of(std::string("\r\n\0", 3)) == std::string::npos);
    BOOST_TEST(subject.find("Bcc: spy@evil.example") != std::string::npos);
}

// Message ids copied from inbound mail are written in angle brackets, and unsafe ones left out.
BOOST_AUTO_TEST_CASE(threading_headers) {
    auto m = sample();
    m.in_reply_to = "CAF=abc+1@mail.gmail.com";
    m.references = {"root@a.example", "bad id\r\nBcc: x@y", "<nested@b>",
                    "CAF=abc+1@mail.gmail.com"};
    auto h = headers_of(n::render(m));
    BOOST_TEST(only(h, "Message-ID") == "<cg.1.abc@casegate.example>");
    BOOST_TEST(only(h, "In-Reply-To") == "<CAF=abc+1@mail.gmail.com>");
    std::string refs = only(h, "References");
    BOOST_TEST(refs == "<root@a.example> <CAF=abc+1@mail.gmail.com>");

    m.in_reply_to = "x@y>\r\nBcc: spy@evil.example";
    m.references.clear();
    const std::string raw = n::render(m);
    h = headers_of(raw);
    BOOST_TEST(h.count("In-Reply-To") == 0u);
    BOOST_TEST(h.count("References") == 0u);
    BOOST_TEST(h.count("Bcc") == 0u);
}

// A long thread keeps its first and latest ids and stays within the line limits.
BOOST_AUTO_TEST_CASE(long_reference_chains_are_trimmed_and_folded) {
    auto m = sample();
    for (int i = 0; i < 50; ++i) m.references.push_back("id" + std::to_string(i) + "@host.example");
    const std::string raw = n::render(m);
    check_line_discipline(raw);
    for (const auto& line : crlf_lines(header_block(raw))) BOOST_TEST(line.size() <= 78u);
    const std::string refs = only(headers_of(raw), "References");
    BOOST_TEST(refs.find("<id0@host.example>") == 0u);
    BOOST_TEST(refs.find("<id49@host.example>") != std::string::npos);
    BOOST_TEST(refs.find("<id1@host.example>") == std::string::npos);
}

// The fixed headers that keep robots quiet and declare the body are all there, once.
BOOST_AUTO_TEST_CASE(standard_headers) {
    auto m = sample();
    m.auto_submitted = "auto-replied";
    const std::string raw = n::render(m);
    check_line_discipline(raw);
    const auto h = headers_of(raw);
    BOOST_TEST(only(h, "From") == "\"Referrals\" <referrals@casegate.example>");
    BOOST_TEST(only(h, "To") == "\"Jane Smith\" <jane.smith@nhs.example>");
    BOOST_TEST(h.count("Cc") == 0u);
    BOOST_TEST(only(h, "Subject") == "Referral received [CG-2026-000123]");
    BOOST_TEST(only(h, "Date") == "Sat, 21 Nov 2026 09:30:00 +0000");
    BOOST_TEST(only(h, "MIME-Version") == "1.0");
    BOOST_TEST(only(h, "Auto-Submitted") == "auto-replied");
    BOOST_TEST(only(h, "X-Auto-Response-Suppress") == "All");
    BOOST_TEST(only(h, "Content-Type") == "text/plain; charset=utf-8");
    BOOST_TEST(only(h, "Content-Transfer-Encoding") == "quoted-printable");
    BOOST_TEST(qp_decode(body_of(raw)) == m.text_body);

    m.auto_submitted = "auto-replied\r\nBcc: x@y";
    BOOST_TEST(only(headers_of(n::render(m)), "Auto-Submitted") == "auto-generated");
}

// Display names: quoted-string with escapes when ASCII, RFC 2047 otherwise; both decode back.
BOOST_AUTO_TEST_CASE(display_names) {
    auto m = sample();
    m.to = {{"Smith, \"Jo\" \\ Dr", "jo@nhs.example"},
            {"Siân Ó Ceallaigh", "sian@nhs.example"},
            {"", "bare@nhs.example"}};
    const std::string raw = n::render(m);
    check_line_discipline(raw);
    const std::string to = only(headers_of(raw), "To");
    BOOST_TEST(to.find(R"("Smith, \"Jo\" \\ Dr" <jo@nhs.example>)") == 0u);
    const auto sian = to.find("<sian@nhs.example>");
    BOOST_TEST_REQUIRE(sian != std::string::npos);
    const auto start = to.find("=?UTF-8?B?");
    BOOST_TEST(rfc2047_decode(to.substr(start, sian - 1 - start)) == "Siân Ó Ceallaigh");
    BOOST_TEST(to.find(", bare@nhs.example") != std::string::npos);
}

// Long non-ASCII text becomes encoded words of at most 75 characters, each holding whole UTF-8
// sequences, and decodes back to the original.
BOOST_AUTO_TEST_CASE(rfc2047_round_trip) {
    std::string text;
    for (int i = 0; i < 12; ++i) text += "Référral ü 医生 😀 – ";
    const std::string encoded = n::encode_header_text(text);
    BOOST_TEST(rfc2047_decode(encoded) == text);
    const auto words = encoded_words_in(encoded);
    BOOST_TEST(words.size() > 3u);
    for (const auto& w : words) {
        BOOST_TEST(w.size() <= 75u);
        BOOST_TEST(valid_utf8(b64_decode(w.substr(10, w.size() - 12))), "split sequence in " << w);
    }
    BOOST_TEST(n::encode_header_text("Plain ASCII subject") == "Plain ASCII subject");
}

// Controls become spaces, invalid UTF-8 a replacement character, and "=?" is never left plain.
BOOST_AUTO_TEST_CASE(header_text_cleaning) {
    BOOST_TEST(rfc2047_decode(n::encode_header_text("a\tb\x01"
                                                    "c")) == "a b c");
    BOOST_TEST(rfc2047_decode(n::encode_header_text("caf\xE9")) == "caf\xEF\xBF\xBD");
    const std::string tricky = "=?UTF-8?B?SGk=?=";
    BOOST_TEST(n::encode_header_text(tricky) != tricky);
    BOOST_TEST(rfc2047_decode(n::encode_header_text(tricky)) == tricky);
}

// Long subjects fold at spaces within 78 columns and unfold to the original text.
BOOST_AUTO_TEST_CASE(long_subjects_fold) {
    auto m = sample();
    m.subject.clear();
    for (int i = 0; i < 30; ++i) m.subject += "word" + std::to_string(i) + " ";
    m.subject += "end";
    std::string raw = n::render(m);
    for (const auto& line : crlf_lines(header_block(raw))) BOOST_TEST(line.size() <= 78u);
    BOOST_TEST(only(headers_of(raw), "Subject") == m.subject);

    // Words far longer than a line, ASCII or not, are split into encoded words.
    for (const std::string& subject : {std::string(3000, 'x'), std::string(3000, 'x') + " Réf"}) {
        m.subject = subject;
        raw = n::render(m);
        check_line_discipline(raw);
        for (const auto& line : crlf_lines(header_block(raw))) BOOST_TEST(line.size() <= 78u);
        BOOST_TEST(rfc2047_decode(only(headers_of(raw), "Subject")) == m.subject);
    }
}

// Quoted-printable: non-ASCII and '=' escaped, trailing blanks encoded, soft breaks within 76
// columns, and decoding gives the text back with its line ends.
BOOST_AUTO_TEST_CASE(quoted_printable_rules) {
    BOOST_TEST(n::quoted_printable("café") == "caf=C3=A9");
    BOOST_TEST(n::quoted_printable("a=b") == "a=3Db");
    BOOST_TEST(n::quoted_printable("end  \nnext\t") == "end =20\r\nnext=09");
    BOOST_TEST(n::quoted_printable("one\r\ntwo\rthree") == "one\r\ntwo\r\nthree");

    std::string text = std::string(200, 'a') + "\n" + std::string(100, '=') + " \n";
    for (int i = 0; i < 40; ++i) text += "Schöne Grüße ";
    text += "\n\nLast line";
    const std::string qp = n::quoted_printable(text);
    BOOST_TEST(qp_decode(qp) == text);
    bool soft_break = false;
    for (const auto& line : crlf_lines(qp)) {
        BOOST_TEST(line.size() <= 76u);
        soft_break = soft_break || (!line.empty() && line.back() == '=');
        if (!line.empty()) BOOST_TEST((line.back() != ' ' && line.back() != '\t'));
    }
    BOOST_TEST(soft_break);
}

// A line of exactly 76 characters needs no soft break; 77 needs one.
BOOST_AUTO_TEST_CASE(quoted_printable_line_boundary) {
    BOOST_TEST(n::quoted_printable(std::string(76, 'a')) == std::string(76, 'a'));
    BOOST_TEST(n::quoted_printable(std::string(77, 'a')) == std::string(75, 'a') + "=\r\n" + "aa");
    // An escape is never split across a soft break.
    const std::string qp = n::quoted_printable(std::string(74, 'a') + "é");
    BOOST_TEST(qp == std::string(74, 'a') + "=\r\n=C3=A9");
}

// Whatever the input, the message keeps CRLF line ends and the 998-octet line limit.
BOOST_AUTO_TEST_CASE(hostile_inputs_keep_line_discipline) {
    auto m = sample();
    m.subject = std::string(2000, '\n') + std::string(2000, ' ') + "x";
    m.to[0].name = std::string(1500, 'N');
    m.from.name = std::string(1500, '"');
    m.text_body = std::string(5000, 'b') + "\r\n\n\r" + std::string(3000, '\xE9');
    m.attachments = {
        {std::string(1000, '\xC3'), "text/plain\r\nX-Evil: 1", std::string(3000, '\n')}};
    const std::string raw = n::render(m);
    check_line_discipline(raw);
    BOOST_TEST(raw.find("X-Evil") == std::string::npos);
}

// rfc5322_date is UTC and does not depend on the locale; the header's own example holds.
BOOST_AUTO_TEST_CASE(dates) {
    BOOST_TEST(n::rfc5322_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
    BOOST_TEST(n::rfc5322_date(1795253400) == "Sat, 21 Nov 2026 09:30:00 +0000");
    BOOST_TEST(n::rfc5322_date(1709208000 + 59) == "Thu, 29 Feb 2024 12:00:59 +0000");
}

// With attachments the message is multipart/mixed: the text first, then each attachment in
// base64 lines of 76 columns that decode to the original bytes; mimetic agrees on the structure.
BOOST_AUTO_TEST_CASE(attachments_multipart) {
    auto m = sample();
    std::string binary;
    for (int i = 0; i < 1000; ++i) binary += static_cast<char>(i * 7 % 256);
    m.attachments = {{"referral-form.pdf", "application/pdf", binary},
                     {"notes.txt", "text/plain", "line one\nline two\n"}};
    const std::string raw = n::render(m);
    check_line_discipline(raw);
    const auto h = headers_of(raw);
    const std::string type = only(h, "Content-Type");
    BOOST_TEST(type.find("multipart/mixed;") == 0u);
    const auto q = type.find("boundary=\"");
    BOOST_TEST_REQUIRE(q != std::string::npos);
    const std::string boundary = type.substr(q + 10, type.find('"', q + 10) - q - 10);
    BOOST_TEST(boundary.size() >= 20u);

    const std::string body = body_of(raw);
    const std::string delimiter = "--" + boundary;
    std::vector<std::string> parts;
    for (std::size_t pos = body.find(delimiter); pos != std::string::npos;) {
        const std::size_t next = body.find("\r\n" + delimiter, pos + delimiter.size());
        if (next == std::string::npos) break;
        parts.push_back(body.substr(pos + delimiter.size() + 2, next - pos - delimiter.size() - 2));
        pos = next + 2;
    }
    BOOST_TEST(body.find(delimiter + "--\r\n") != std::string::npos);
    BOOST_TEST_REQUIRE(parts.size() == 3u);
    BOOST_TEST(parts[0].find("Content-Type: text/plain; charset=utf-8\r\n") == 0u);
    BOOST_TEST(qp_decode(body_of(parts[0])) + "\n" == m.text_body);
    BOOST_TEST(parts[1].find("Content-Type: application/pdf\r\n") == 0u);
    BOOST_TEST(parts[1].find("filename=\"referral-form.pdf\"") != std::string::npos);
    BOOST_TEST(parts[1].find("Content-Transfer-Encoding: base64\r\n") != std::string::npos);
    const std::string encoded = body_of(parts[1]);
    for (const auto& line : crlf_lines(encoded)) BOOST_TEST(line.size() <= 76u);
    BOOST_TEST(b64_decode(encoded) == binary);
    BOOST_TEST(b64_decode(body_of(parts[2])) == m.attachments[1].data);

    mimetic::MimeEntity me(raw.begin(), raw.end());
    BOOST_TEST(me.header().contentType().isMultipart());
    const std::vector<mimetic::MimeEntity*> children(me.body().parts().begin(),
                                                     me.body().parts().end());
    BOOST_TEST_REQUIRE(children.size() == 3u);
    BOOST_TEST(children[0]->header().contentType().subtype() == "plain");
    BOOST_TEST(children[1]->header().contentType().subtype() == "pdf");
    BOOST_TEST(children[2]->header().contentDisposition().param("filename") == "notes.txt");
}

// Boundaries are random per message.
BOOST_AUTO_TEST_CASE(boundaries_differ) {
    auto m = sample();
    m.attachments = {{"a.txt", "text/plain", "x"}};
    const auto boundary = [&] {
        const std::string type = only(headers_of(n::render(m)), "Content-Type");
        return type.substr(type.find("boundary="));
    };
    BOOST_TEST(boundary() != boundary());
}

// Non-ASCII file names use RFC 2231 (split into continuations when long) and decode back; path
// separators, quotes and unusual content types are neutralised.
BOOST_AUTO_TEST_CASE(attachment_names_and_types) {
    auto m = sample();
    std::string long_name;
    for (int i = 0; i < 5; ++i) long_name += "Überweisung für Dr. Ó ";
    long_name += ".pdf";
    m.attachments = {{"Überweisung.pdf", "application/pdf", "x"},
                     {long_name, "application/pdf", "y"},
                     {"../..\\etc/\"passwd\"", "text/html; charset=\"x\"\r\nX-Evil: 1", "z"}};
    const std::string raw = n::render(m);
    check_line_discipline(raw);
    BOOST_TEST(raw.find("filename*=utf-8''%C3%9Cberweisung.pdf\r\n") != std::string::npos);

    // Reassemble filename*0*, filename*1*, ... and percent-decode.
    std::string joined;
    for (int k = 0;; ++k) {
        const std::string key = " filename*" + std::to_string(k) + "*=";
        const auto pos = raw.find(key);
        if (pos == std::string::npos) break;
        const auto start = pos + key.size() + (k == 0 ? 7 : 0);  // skip "utf-8''"
        const auto end = raw.find_first_of(";\r", start);
        joined += raw.substr(start, end - start);
    }
    std::string decoded;
    for (std::size_t i = 0; i < joined.size(); ++i) {
        if (joined[i] == '%') {
            decoded += static_cast<char>(std::stoi(joined.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            decoded += joined[i];
        }
    }
    BOOST_TEST(decoded == long_name);
    BOOST_TEST(raw.find(R"(filename=".._.._etc_\"passwd\"")") != std::string::npos);
    BOOST_TEST(raw.find("X-Evil") == std::string::npos);
    BOOST_TEST(raw.find("Content-Type: application/octet-stream\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
