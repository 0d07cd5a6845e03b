// Removing quoted replies and signatures from a message body.
//
// SECURITY: the body is untrusted text. The rules are deliberately narrow (exact signature
// separators, '>' at the very start of a line, English attribution lines) so that they can
// only remove text that a mail client put there, never guess at the sender's own words.
#include <vector>

#include "parsers/headers.hpp"
#include "parsers/text.hpp"

namespace casegate::parsers {

namespace {

constexpr std::size_t kMaxAttributionLength = 300;

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos < text.size()) lines.push_back(next_line(text, pos));
    return lines;
}

bool ends_with_wrote(std::string_view s) {
    s = trim(s);
    return s.size() >= 6 && iequals(s.substr(s.size() - 6), "wrote:");
}

// "On Tue, 3 Nov 2026 at 10:00, Jane Smith <j@x> wrote:", possibly wrapped onto two lines.
bool starts_attribution(const std::vector<std::string_view>& lines, std::size_t i) {
    const std::string_view line = trim(lines[i]);
    if (!istarts_with(line, "On ") || line.size() > kMaxAttributionLength) return false;
    if (ends_with_wrote(line)) return true;
    return i + 1 < lines.size() && ends_with_wrote(lines[i + 1]) &&
           trim(lines[i + 1]).size() <= kMaxAttributionLength;
}

bool is_original_message_marker(std::string_view line) {
    line = trim(line);
    if (!line.starts_with("--") || !line.ends_with("--")) return false;
    while (!line.empty() && line.front() == '-') line.remove_prefix(1);
    while (!line.empty() && line.back() == '-') line.remove_suffix(1);
    return iequals(trim(line), "Original Message");
}

// Outlook's reply header: "From: …" directly followed by "Sent: …" (bold markers allowed).
bool is_outlook_header(const std::vector<std::string_view>& lines, std::size_t i) {
    auto label = [](std::string_view s, std::string_view name) {
        s = trim(s);
        if (!s.empty() && s.front() == '*') s.remove_prefix(1);
        return istarts_with(s, name);
    };
    return i + 1 < lines.size() && label(lines[i], "From:") && label(lines[i + 1], "Sent:");
}

bool is_underscore_rule(std::string_view line) {
    line = trim(line);
    return line.size() >= 10 && line.find_first_not_of('_') == std::string_view::npos;
}

}  // namespace

std::string strip_quotes_and_signature(std::string_view body, bool strip_original_blocks) {
    const std::vector<std::string_view> lines = split_lines(body);
    std::vector<std::string_view> kept;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        if (line == "-- " || line == "--") break;
        if (starts_attribution(lines, i)) break;
        if (strip_original_blocks &&
            (is_original_message_marker(line) || is_outlook_header(lines, i))) {
            if (!kept.empty() && is_underscore_rule(kept.back())) kept.pop_back();
            break;
        }
        if (!line.empty() && line.front() == '>') continue;
        kept.push_back(line);
    }
    while (!kept.empty() && trim(kept.back()).empty()) kept.pop_back();
    std::string out;
    for (std::string_view line : kept) {
        out.append(line);
        out += '\n';
    }
    if (!out.empty()) out.pop_back();
    return out;
}

}  // namespace casegate::parsers
