// Normalising raw field values, one function per field type.
//
// TRUST: raw values are untrusted UTF-8 from a referrer. A value that cannot be normalised is
// never guessed at (no silent "Other", no partial dates): it becomes an error message that
// names what is expected. Echoed fragments of the value are shortened.
#include "forms/normalise.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "forms/strings.hpp"
#include "parsers/text.hpp"

namespace casegate::forms {
namespace {

Normalised fail(std::string message) {
    return Normalised{std::string(), std::move(message)};
}

std::string join(const std::vector<std::string_view>& items, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += sep;
        out += items[i];
    }
    return out;
}

std::string quoted(std::string_view item) {
    return "\"" + shorten(item, 60) + "\"";
}

// The options `raw` picks: one exact match (ignoring case and punctuation), else every option
// it is a prefix of. Empty when it picks none.
std::vector<std::string_view> matching_options(std::string_view raw,
                                               const std::vector<std::string_view>& options) {
    const std::string wanted = normalise_label(raw);
    if (wanted.empty()) return {};
    for (std::string_view o : options) {
        if (normalise_label(o) == wanted) return {o};
    }
    std::vector<std::string_view> found;
    for (std::string_view o : options) {
        if (normalise_label(o).starts_with(wanted)) found.push_back(o);
    }
    return found;
}

// One item of a choice: the option label, or the reason it matched none or several.
Normalised match_one(std::string_view item, const FieldDef& field) {
    if (field.key == "local_office") {
        if (const LocalOffice* o = find_office_by_designated_body(item)) {
            return Normalised{std::string(o->name), {}};
        }
    }
    const std::vector<std::string_view> found = matching_options(item, field.options);
    if (found.size() == 1) return Normalised{std::string(found.front()), {}};
    if (found.empty()) return fail(quoted(trim(item)) + " is not an option");
    return fail(quoted(trim(item)) + " matches more than one option (" + join(found, ", ") + ")");
}

std::string options_hint(const FieldDef& field) {
    std::string hint = "must be one of: " + join(field.options, ", ");
    if (field.key == "local_office") hint += " (or its designated body code)";
    return hint;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

struct Ymd {
    int year = 0;
    int month = 0;
    int day = 0;
};

// Splits on any of `seps`, dropping empty pieces.
std::vector<std::string_view> split_any(std::string_view s, std::string_view seps) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= s.size()) {
        const std::size_t end = std::min(s.find_first_of(seps, start), s.size());
        if (end > start) parts.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

int to_int(std::string_view digits) {
    int n = 0;
    for (const char c : digits) n = n * 10 + (c - '0');
    return n;
}

// "1/2/2024", "01.02.2024", "1-2-2024" (day first, as in the UK) or "2024-02-01".
std::optional<Ymd> parse_numeric_date(std::string_view s) {
    if (s.find_first_not_of("0123456789/.-") != std::string_view::npos) return std::nullopt;
    const std::size_t sep1 = s.find_first_of("/.-");
    const std::size_t sep2 = s.find_last_of("/.-");
    const std::vector<std::string_view> p = split_any(s, "/.-");
    // Exactly two separators, both the same: "1/2-2024" and "1//2/2024" are not dates.
    if (p.size() != 3 || sep1 == sep2 || s[sep1] != s[sep2] ||
        s.find_first_of("/.-", sep1 + 1) != sep2) {
        return std::nullopt;
    }
    const auto short_num = [](std::string_view x) { return x.size() <= 2; };
    if (p[0].size() == 4 && short_num(p[1]) && short_num(p[2]) && s.find('-') == 4) {
        return Ymd{to_int(p[0]), to_int(p[1]), to_int(p[2])};
    }
    if (short_num(p[0]) && short_num(p[1]) && p[2].size() == 4) {
        return Ymd{to_int(p[2]), to_int(p[1]), to_int(p[0])};
    }
    return std::nullopt;
}

int month_number(std::string_view word) {
    static constexpr std::string_view names[] = {"january",   "february", "march",    "april",
                                                 "may",       "june",     "july",     "august",
                                                 "september", "october",  "november", "december"};
    std::string w = ascii_lower(word);
    if (w.ends_with('.')) w.pop_back();
    if (w == "sept") return 9;
    for (int m = 0; m < 12; ++m) {
        if (w == names[m] || w == names[m].substr(0, 3)) return m + 1;
    }
    return 0;
}

// "1 March 2024", "1st Mar 2024", "21st of March, 2024".
std::optional<Ymd> parse_worded_date(std::string_view s) {
    std::vector<std::string_view> t = split_any(s, " ,");
    if (t.size() == 4 && ascii_lower(t[1]) == "of") t.erase(t.begin() + 1);
    if (t.size() != 3 || t[2].size() != 4 || !all_digits(t[2])) return std::nullopt;
    std::string_view day = t[0];
    if (day.size() > 2) {
        const std::string suffix = ascii_lower(day.substr(day.size() - 2));
        if (suffix != "st" && suffix != "nd" && suffix != "rd" && suffix != "th") {
            return std::nullopt;
        }
        day.remove_suffix(2);
    }
    const int month = month_number(t[1]);
    if (day.empty() || day.size() > 2 || !all_digits(day) || month == 0) return std::nullopt;
    return Ymd{to_int(t[2]), month, to_int(day)};
}

bool is_real_date(const Ymd& d) {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d.month < 1 || d.month > 12 || d.day < 1) return false;
    const bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
    return d.day <= days[d.month - 1] + ((leap && d.month == 2) ? 1 : 0);
}

std::string iso(const Ymd& d) {
    // Only called for a checked date, so every part fits its width.
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
    return buf;
}

}  // namespace

Normalised normalise_text(std::string_view raw) {
    const std::string cleaned = remove_controls(raw, false);
    const std::string_view text = trim(cleaned);
    if (text.empty()) return fail("must not be empty");
    if (utf8_length(text) > kTextLimit) {
        return fail("must be at most " + std::to_string(kTextLimit) + " characters");
    }
    return Normalised{std::string(text), {}};
}

Normalised normalise_long_text(std::string_view raw) {
    const std::string cleaned = remove_controls(raw, true);
    std::vector<std::string_view> lines = split_lines(cleaned);
    while (!lines.empty() && trim(lines.front()).empty()) lines.erase(lines.begin());
    while (!lines.empty() && trim(lines.back()).empty()) lines.pop_back();
    if (lines.empty()) return fail("must not be empty");
    return Normalised{std::string(trim(join(lines, "\n"))), {}};
}

Normalised normalise_gmc(std::string_view raw) {
    std::string digits;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == ' ' || raw[i] == '\t') continue;
        if (raw.substr(i).starts_with("\xC2\xA0")) {
            ++i;
            continue;
        }
        digits += raw[i];
    }
    if (digits.size() != 7 || !all_digits(digits)) return fail("must be exactly 7 digits");
    return Normalised{digits, {}};
}

Normalised normalise_email(std::string_view raw) {
    std::string_view s = trim(raw);
    if (s.ends_with('>') && s.find('<') != std::string_view::npos) {
        s = s.substr(s.rfind('<') + 1);
        s.remove_suffix(1);
    }
    if (ascii_lower(s.substr(0, 7)) == "mailto:") s.remove_prefix(7);
    // Header text that decodes to anything (CR LF and another header included), or a control
    // character: not an address, whatever the rest looks like.
    const auto control = [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7F;
    };
    if (parsers::contains_encoded_word(s) || std::any_of(s.begin(), s.end(), control)) {
        return fail(
            "must be a plain email address such as name@example.org, not encoded text "
            "or control characters");
    }
    const auto bad = [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7F ||
               std::string_view("<>,;:\"\\()[]").find(c) != std::string_view::npos;
    };
    const std::size_t at = s.find('@');
    const bool plausible = s.size() <= 254 && at != std::string_view::npos && at > 0 &&
                           s.find('@', at + 1) == std::string_view::npos &&
                           std::none_of(s.begin(), s.end(), bad);
    const std::string_view domain = plausible ? s.substr(at + 1) : std::string_view();
    if (!plausible || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
        domain.back() == '.' || domain.find("..") != std::string_view::npos) {
        return fail("must be an email address such as name@example.org");
    }
    return Normalised{std::string(s.substr(0, at + 1)) + ascii_lower(domain), {}};
}

Normalised normalise_choice(std::string_view raw, const FieldDef& field) {
    Normalised n = match_one(raw, field);
    if (!n.ok()) n.error += "; " + options_hint(field);
    return n;
}

Normalised normalise_multi_choice(std::string_view raw, const FieldDef& field) {
    // Only these separators: option labels contain spaces and "and"
    // ("Communication and team working"), so words never split items.
    std::vector<std::string> chosen;
    std::vector<std::string> problems;
    std::size_t start = 0;
    while (start <= raw.size()) {
        const std::size_t end = std::min(raw.find_first_of(",;/\n", start), raw.size());
        std::string_view item = raw.substr(start, end - start);
        start = end + 1;
        item = trim(item);
        while (item.starts_with('*') || item.starts_with('-')) item = trim(item.substr(1));
        if (item.starts_with("\xE2\x80\xA2")) item = trim(item.substr(3));
        if (item.empty()) continue;
        Normalised one = match_one(item, field);
        if (!one.ok()) {
            problems.push_back(one.error);
        } else if (const auto& label = std::get<std::string>(one.value);
                   std::find(chosen.begin(), chosen.end(), label) == chosen.end()) {
            chosen.push_back(label);
        }
    }
    if (!problems.empty()) {
        std::string message;
        for (const std::string& p : problems) message += p + "; ";
        return fail(message + options_hint(field));
    }
    if (chosen.empty()) return fail("names no option; " + options_hint(field));
    return Normalised{chosen, {}};
}

Normalised normalise_yes_no(std::string_view raw) {
    static const std::vector<std::string_view> yes = {"yes",    "y",        "true",    "x",
                                                      "ticked", "agreed",   "agree",   "i agree",
                                                      "accept", "accepted", "i accept"};
    static const std::vector<std::string_view> no = {"no", "n", "false"};
    static const std::vector<std::string_view> ticks = {"\xE2\x9C\x93", "\xE2\x9C\x94",
                                                        "\xE2\x98\x91"};  // ✓ ✔ ☑
    const std::string_view t = trim(raw);
    const std::string word = normalise_label(t);
    const auto in = [](const auto& list, std::string_view w) {
        return std::find(list.begin(), list.end(), w) != list.end();
    };
    if (in(yes, word) || in(ticks, t)) return Normalised{true, {}};
    if (in(no, word)) return Normalised{false, {}};
    return fail("must be yes or no");
}

Normalised normalise_date(std::string_view raw, std::string_view today) {
    const std::string_view s = trim(raw);
    std::optional<Ymd> d = parse_numeric_date(s);
    if (!d) d = parse_worded_date(s);
    if (!d) return fail("must be a date written DD/MM/YYYY, D Month YYYY or YYYY-MM-DD");
    if (!is_real_date(*d)) return fail("is not a real calendar date");
    if (d->year < 1900) return fail("must be in 1900 or later");
    std::string date = iso(*d);
    // ISO dates compare correctly as strings.
    if (!today.empty() && date > today) return fail("must not be in the future");
    return Normalised{std::move(date), {}};
}

Normalised normalise_field(const FieldDef& field, std::string_view raw, std::string_view today) {
    switch (field.type) {
        case FieldType::text:
            return normalise_text(raw);
        case FieldType::long_text:
            return normalise_long_text(raw);
        case FieldType::gmc:
            return normalise_gmc(raw);
        case FieldType::email:
            return normalise_email(raw);
        case FieldType::choice:
            return normalise_choice(raw, field);
        case FieldType::multi_choice:
            return normalise_multi_choice(raw, field);
        case FieldType::yes_no:
            return normalise_yes_no(raw);
        case FieldType::date:
            return normalise_date(raw, today);
    }
    return fail("has an unknown field type");
}

}  // namespace casegate::forms
