// Finding `Label: value` lines in an email body.
//
// TRUST: the body is untrusted UTF-8 of any size. Nothing here fails: text that is not a label
// line is skipped, and only the first kMaxLabelBytes of a line are searched for a label so a
// huge line costs linear time. Quoted lines ('>') never match and end a value: they are
// someone else's words.
#include <map>
#include <optional>

#include "forms/form.hpp"
#include "forms/strings.hpp"

namespace casegate::forms {
namespace {

// Longer than the longest label with generous punctuation ("I accept the terms and conditions").
constexpr std::size_t kMaxLabelBytes = 100;

bool is_ascii_punct(unsigned char c) {
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

// Length of the U+2010..U+2026 punctuation sequence at i (dashes, quotes, bullet, ellipsis) or 0.
std::size_t unicode_punct_len(std::string_view s, std::size_t i) {
    if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 &&
        static_cast<unsigned char>(s[i + 1]) == 0x80) {
        const auto c = static_cast<unsigned char>(s[i + 2]);
        if (c >= 0x90 && c <= 0xA6) return 3;
    }
    return 0;
}

const std::map<std::string, const FieldDef*>& label_index() {
    static const std::map<std::string, const FieldDef*> index = [] {
        std::map<std::string, const FieldDef*> m;
        for (const FieldDef& f : referral_form()) {
            m.emplace(normalise_label(f.label), &f);
            for (std::string_view alias : f.aliases) m.emplace(normalise_label(alias), &f);
        }
        return m;
    }();
    return index;
}

// Length of a label/value separator at i: ':', a tab, an en or em dash, or a hyphen with a
// space before it and a space or the end of the line after it ("GMC number - 1234567").
std::size_t separator_len(std::string_view s, std::size_t i) {
    const char c = s[i];
    if (c == ':' || c == '\t') return 1;
    if (c == '-' && i > 0 && s[i - 1] == ' ' && (i + 1 == s.size() || s[i + 1] == ' ')) return 1;
    if (s.substr(i).starts_with("\xE2\x80\x93") || s.substr(i).starts_with("\xE2\x80\x94")) {
        return 3;
    }
    return 0;
}

// Drops leading white space, '*' / '•' / "- " bullets and markdown bold markers.
std::string_view strip_line_decoration(std::string_view s) {
    for (;;) {
        s = trim(s);
        if (s.starts_with('*')) {
            s.remove_prefix(1);
        } else if (s.starts_with("\xE2\x80\xA2")) {
            s.remove_prefix(3);
        } else if (s.starts_with("- ")) {
            s.remove_prefix(2);
        } else {
            return s;
        }
    }
}

// A value written in markdown bold ("**Professional**") or after "**Label:**" loses the stars.
std::string_view strip_value_decoration(std::string_view v) {
    v = trim(v);
    while (v.starts_with('*')) v = trim(v.substr(1));
    while (v.ends_with("**")) v = trim(v.substr(0, v.size() - 2));
    return v;
}

struct LabelLine {
    const FieldDef* field;
    std::string_view value;  ///< rest of the line after the separator, decoration removed
};

bool is_quoted_line(std::string_view line) {
    return trim(line).starts_with('>');
}

std::optional<LabelLine> match_label_line(std::string_view line) {
    if (is_quoted_line(line)) return std::nullopt;
    const std::string_view s = strip_line_decoration(line);
    std::optional<LabelLine> best;
    const std::size_t end = std::min(s.size(), kMaxLabelBytes);
    // Every separator position is tried and the longest matching label kept, so
    // "Referrer - email: x" is referrer_email, not referrer_name with the value "email: x".
    for (std::size_t i = 1; i < end; ++i) {
        const std::size_t len = separator_len(s, i);
        if (len == 0) continue;
        if (const FieldDef* f = find_field_by_label(s.substr(0, i))) {
            best = LabelLine{f, strip_value_decoration(s.substr(i + len))};
        }
    }
    return best;
}

bool is_signature_line(std::string_view line) {
    return line == "-- " || line == "--";
}

std::string join_lines(const std::vector<std::string_view>& lines) {
    std::size_t first = 0;
    std::size_t last = lines.size();
    while (first < last && trim(lines[first]).empty()) ++first;
    while (last > first && trim(lines[last - 1]).empty()) --last;
    std::string out;
    for (std::size_t i = first; i < last; ++i) {
        if (i > first) out += '\n';
        out += lines[i];
    }
    return out;
}

}  // namespace

std::string normalise_label(std::string_view label) {
    std::string out;
    bool pending_space = false;
    for (std::size_t i = 0; i < label.size();) {
        const auto c = static_cast<unsigned char>(label[i]);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            pending_space = !out.empty();
            ++i;
        } else if (c == 0xC2 && i + 1 < label.size() &&
                   static_cast<unsigned char>(label[i + 1]) == 0xA0) {
            pending_space = !out.empty();
            i += 2;
        } else if (is_ascii_punct(c)) {
            ++i;  // dropped, not a word break: "G.M.C." is "gmc", "Doctor's" is "doctors"
        } else if (const std::size_t n = unicode_punct_len(label, i); n > 0) {
            i += n;
        } else {
            if (pending_space) out += ' ';
            pending_space = false;
            out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
            ++i;
        }
    }
    return out;
}

const FieldDef* find_field_by_label(std::string_view label) {
    const auto& index = label_index();
    const auto it = index.find(normalise_label(label));
    return it == index.end() ? nullptr : it->second;
}

RawFields extract_body_fields(std::string_view body) {
    const std::vector<std::string_view> lines = split_lines(body);
    RawFields out;
    std::size_t i = 0;
    while (i < lines.size()) {
        const std::optional<LabelLine> m = match_label_line(lines[i]);
        ++i;
        if (!m) continue;
        std::vector<std::string_view> value{m->value};
        // long_text runs to the next label; other fields continue onto the lines directly
        // below only when the label line itself had no value (a form laid out in two rows).
        const bool long_text = m->field->type == FieldType::long_text;
        if (long_text || m->value.empty()) {
            while (i < lines.size() && !is_signature_line(lines[i]) && !is_quoted_line(lines[i]) &&
                   !match_label_line(lines[i]) && (long_text || !trim(lines[i]).empty())) {
                value.push_back(long_text ? lines[i] : trim(lines[i]));
                ++i;
            }
        }
        out.emplace_back(std::string(m->field->key), join_lines(value));
    }
    return out;
}

}  // namespace casegate::forms
