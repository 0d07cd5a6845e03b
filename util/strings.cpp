#include "util/strings.hpp"

namespace casegate::util {

namespace {

bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

constexpr std::string_view kNbsp = "\xC2\xA0";

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

std::string_view trim(std::string_view s) { return trim_impl(s, false); }

std::string_view trim_text(std::string_view s) { return trim_impl(s, true); }

}  // namespace casegate::util
