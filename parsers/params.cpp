// MIME structured header values: `type/subtype; name=value; ...` with RFC 2231 extended and
// continued parameters.
//
// SECURITY: parameter syntax comes from the sender (and, for nested parts, from mimetic's
// re-serialisation of it, which can leave stray quotes). Unterminated quotes and comments end
// at the end of the value; continuations are read only in order and only up to a fixed count.
#include <algorithm>

#include "parsers/headers.hpp"
#include "parsers/text.hpp"

namespace casegate::parsers {

namespace {

constexpr int kMaxContinuations = 100;

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The token before the first ';', without comments or spaces (`text / plain (x)` → text/plain).
std::string read_token(std::string_view value, std::size_t& i) {
    const std::size_t semi = value.find(';');
    const std::size_t end = semi == std::string_view::npos ? value.size() : semi;
    std::string token;
    for (char c : strip_comments(value.substr(0, end)))
        if (!is_space(c)) token += c;
    i = end;
    return to_lower_ascii(token);
}

// Reads `name=value` at value[i] (after any ';'); returns false at the end of the value.
bool read_param(std::string_view value, std::size_t& i, std::string& name, std::string& out) {
    while (i < value.size() && (value[i] == ';' || is_space(value[i]))) ++i;
    if (i >= value.size()) return false;
    const std::size_t name_end = std::min(value.find_first_of("=;", i), value.size());
    name = to_lower_ascii(trim(value.substr(i, name_end - i)));
    out.clear();
    i = name_end;
    if (i >= value.size() || value[i] == ';') return true;  // a name without a value
    ++i;
    while (i < value.size() && is_space(value[i])) ++i;
    if (i < value.size() && value[i] == '"') {
        for (++i; i < value.size() && value[i] != '"'; ++i) {
            if (value[i] == '\\' && i + 1 < value.size()) ++i;
            out += value[i];
        }
        if (i < value.size()) ++i;
        while (i < value.size() && value[i] != ';') ++i;  // junk after the closing quote
    } else {
        const std::size_t end = std::min(value.find(';', i), value.size());
        out = std::string(trim(strip_comments(value.substr(i, end - i))));
        i = end;
    }
    return true;
}

const std::string* find_param(const StructuredValue& sv, const std::string& name) {
    for (const auto& [param_name, param] : sv.params)
        if (param_name == name) return &param;
    return nullptr;
}

// A plain (not extended) continuation joins the extended ones: escaping '%' keeps its bytes
// literal through the percent-decoding that follows.
std::string escape_percent(std::string_view s) {
    std::string out;
    for (char c : s) out += c == '%' ? std::string("%25") : std::string(1, c);
    return out;
}

// Joins `name*0`, `name*1*`, ... into one RFC 2231 extended value; "" if there is no `name*0`.
std::string join_continuations(const StructuredValue& sv, const std::string& name, bool& found) {
    std::string joined;
    found = false;
    for (int n = 0; n < kMaxContinuations; ++n) {
        const std::string base = name + "*" + std::to_string(n);
        if (const std::string* ext = find_param(sv, base + "*")) {
            // Only the first segment carries `charset'lang'`; supply an empty one if absent.
            if (n == 0 && std::count(ext->begin(), ext->end(), '\'') < 2) joined += "''";
            joined += *ext;
        } else if (const std::string* plain = find_param(sv, base)) {
            if (n == 0) joined += "''";
            joined += escape_percent(*plain);
        } else {
            break;
        }
        found = true;
    }
    return joined;
}

}  // namespace

StructuredValue parse_structured(std::string_view value) {
    StructuredValue sv;
    std::size_t i = 0;
    sv.token = read_token(value, i);
    std::string name;
    std::string param;
    while (read_param(value, i, name, param))
        if (!name.empty()) sv.params.emplace_back(name, param);
    return sv;
}

std::string param_value(const StructuredValue& sv, std::string_view name,
                        std::vector<std::string>* defects) {
    const std::string key = to_lower_ascii(name);
    if (const std::string* ext = find_param(sv, key + "*")) return decode_rfc2231(*ext, defects);
    bool found = false;
    const std::string joined = join_continuations(sv, key, found);
    if (found) return decode_rfc2231(joined, defects);
    if (const std::string* plain = find_param(sv, key)) return decode_rfc2047(*plain, defects);
    return {};
}

}  // namespace casegate::parsers
