// Transfer decoding with mimetic's codecs.
//
// SECURITY: encoded bodies are untrusted; mimetic's decoders skip characters outside the
// alphabet and keep malformed quoted-printable escapes as text, so any input decodes to
// something no larger than itself.
#include "parsers/transfer.hpp"

#include <mimetic/codec/base64.h>
#include <mimetic/codec/code.h>
#include <mimetic/codec/qp.h>

#include <iterator>

#include "parsers/headers.hpp"

namespace casegate::parsers {

std::string decode_base64(std::string_view encoded) {
    std::string out;
    out.reserve(encoded.size() / 4 * 3 + 3);
    mimetic::Base64::Decoder decoder;
    mimetic::decode(encoded.begin(), encoded.end(), decoder, std::back_inserter(out));
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
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            out += "\r\n";
            ++i;
        } else if (text[i] == '\r' || text[i] == '\n') {
            out += "\r\n";
        } else {
            out += text[i];
        }
    }
    return out;
}

}  // namespace casegate::parsers
