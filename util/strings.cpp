#include "util/strings.hpp"

#include <algorithm>

namespace casegate::util {

namespace {

bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

constexpr std::string_view kNbsp = "\xC2\xA0";

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trim_impl(std::string_view s, bool nbsp) {
    for (;;) {
        if (!s.empty() && is_ascii_space(s.front())) {
            s.remove_prefix(1);
        } else if (nbsp && s.starts_with(kNbsp)) {
            s.remove_prefix(kNbsp.size());
        } else {
            break;
        }
    }
    for (;;) {
        if (!s.empty() && is_ascii_space(s.back())) {
            s.remove_suffix(1);
        } else if (nbsp && s.ends_with(kNbsp)) {
            s.remove_suffix(kNbsp.size());
        } else {
            break;
        }
    }
    return s;
}

}  // namespace

std::string_view trim(std::string_view s) {
    return trim_impl(s, false);
}

std::string_view trim_text(std::string_view s) {
    return trim_impl(s, true);
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower(c);
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

std::string concat(std::initializer_list<std::string_view> parts) {
    std::size_t size = 0;
    for (std::string_view p : parts) size += p.size();
    std::string out;
    out.reserve(size);
    for (std::string_view p : parts) out += p;
    return out;
}

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t j = std::min(s.find(' ', i), s.size());
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

std::string percent_encode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0x0F];
        }
    }
    return out;
}

}  // namespace casegate::util
