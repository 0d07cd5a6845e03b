// The settings table as text: the example file, and the reference in Markdown or as a manual
// page (man(7) macros), so that none of them is written by hand.
#include <algorithm>
#include <sstream>
#include <vector>

#include "common/settings.hpp"

namespace casegate::common {

namespace {

constexpr std::size_t kWidth = 98;

// What the example file and the reference say first.
constexpr std::string_view kIntro[] = {
    "casegate reads one TOML file, /etc/casegate/casegate.toml unless --config names another. "
    "Every key is in casegate's table of settings, which `casegate config-reference` prints "
    "with its type, default, allowed values and what a reload does; `casegate config-example` "
    "prints an example file made from the same table.",
    "`casegate check-config --config FILE` checks a file as the daemon reads it (`--program "
    "console` or `--program form-service` as those programs do). Unknown keys and bad values "
    "are errors that name the key. A program reads only the sections it uses.",
    "A reload (SIGHUP) applies every changed key except those marked \"restart to change\", "
    "which keep their running value, with a warning, until the program restarts.",
    "Secrets are never written in the file: `*_file` keys name a file, or, as a bare name, a "
    "systemd credential (LoadCredential=) read from $CREDENTIALS_DIRECTORY. They are read "
    "again at each reload and never logged.",
};

// Words of `text` in lines of at most kWidth characters, each starting with `prefix`.
std::string wrap(std::string_view text, std::string_view prefix) {
    std::string out;
    std::string line(prefix);
    bool empty = true;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t j = std::min(text.find(' ', i), text.size());
        const std::string_view word = text.substr(i, j - i);
        i = j + 1;
        if (word.empty()) continue;
        if (!empty && line.size() + 1 + word.size() > kWidth) {
            out += line + "\n";
            line = std::string(prefix);
            empty = true;
        }
        if (!empty) line += ' ';
        line += word;
        empty = false;
    }
    if (!empty) out += line + "\n";
    return out;
}

bool is_textual(SettingType t) {
    switch (t) {
        case SettingType::integer:
        case SettingType::fraction:
        case SettingType::boolean:
        case SettingType::string_list:
        case SettingType::email_list:
            return false;
        default:
            return true;
    }
}

std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

// A value of the table (unquoted; a list as `a, b`) as TOML.
std::string toml_value(const Setting& s, std::string_view text) {
    if (is_textual(s.type)) return quoted(text);
    if (s.type != SettingType::string_list && s.type != SettingType::email_list)
        return std::string(text);
    std::string out = "[";
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t j = text.find(", ", i);
        if (j == std::string_view::npos) j = text.size();
        if (out.size() > 1) out += ", ";
        out += quoted(text.substr(i, j - i));
        i = j + 2;
    }
    return out + "]";
}

// "(5 to 86400 seconds; default 60; restart to change)" or "".
std::string facts(const Setting& s) {
    std::vector<std::string> parts;
    if (s.type != SettingType::secret_file) {
        if (std::string a = allowed_values(s); !a.empty()) parts.push_back(std::move(a));
    }
    if (s.need == Need::required) parts.emplace_back("required");
    if (!s.default_value.empty()) parts.push_back("default " + toml_default(s));
    if (s.reload == Reload::restart) parts.emplace_back("restart to change");
    if (parts.empty()) return "";
    std::string out = "(";
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "; " : "") + parts[i];
    return out + ")";
}

// The help with its facts: "How often ... (5 to 86400 seconds; default 60)."
std::string help_with_facts(const Setting& s) {
    std::string help(s.help);
    const std::string f = facts(s);
    if (f.empty()) return help;
    if (!help.empty() && help.back() == '.') {
        help.pop_back();
        return help + " " + f + ".";
    }
    return help + " " + f;
}

std::vector<const Setting*> settings_of(std::span<const Setting> settings,
                                        std::string_view section) {
    std::vector<const Setting*> out;
    for (const Setting& s : settings) {
        if (s.section == section) out.push_back(&s);
    }
    return out;
}

std::vector<const SectionInfo*> children(std::span<const SectionInfo> sections,
                                         std::string_view parent) {
    std::vector<const SectionInfo*> out;
    for (const SectionInfo& s : sections) {
        if (s.name.size() > parent.size() && s.name.starts_with(parent) &&
            s.name[parent.size()] == '.')
            out.push_back(&s);
    }
    return out;
}

std::string commented(bool yes, std::string_view line) {
    return (yes ? "# " : "") + std::string(line) + "\n";
}

void example_section(std::ostringstream& out, std::span<const SectionInfo> sections,
                     std::span<const Setting> settings, const SectionInfo& info, bool off,
                     ExampleSections which) {
    off = off || (info.example_commented && which == ExampleSections::as_documented);
    out << "\n" << wrap(info.help, "# ") << commented(off, section_header(info));
    for (const Setting* s : settings_of(settings, info.name)) {
        out << wrap(help_with_facts(*s), "# ");
        const std::string_view value = s->example.empty() ? s->default_value : s->example;
        out << commented(off || s->example_commented,
                         std::string(s->key) + " = " + toml_value(*s, value));
    }
    for (const SectionInfo* child : children(sections, info.name))
        example_section(out, sections, settings, *child, off, which);
    out << info.example_more;
}

// Markdown: `|` would end a table cell.
std::string md_cell(std::string_view s) {
    std::string out;
    for (const char c : s) {
        if (c == '|') out += '\\';
        out += c;
    }
    return out;
}

// troff: a backslash is the escape character and a line starting with . or ' is a request;
// `code` is set in bold.
std::string troff(std::string_view s) {
    std::string out;
    if (!s.empty() && (s[0] == '.' || s[0] == '\'')) out += "\\&";
    bool bold = false;
    for (const char c : s) {
        if (c == '\\') {
            out += "\\e";
        } else if (c == '`') {
            out += bold ? "\\fR" : "\\fB";
            bold = !bold;
        } else {
            out += c;
        }
    }
    if (bold) out += "\\fR";
    return out;
}

std::string readers(const SectionInfo& info) {
    std::vector<std::string> who;
    for (const Program p : {Program::daemon, Program::console, Program::form_service}) {
        if (!section_used_by(info, p)) continue;
        const char* name = p == Program::daemon    ? "the daemon"
                           : p == Program::console ? "the staff console"
                                                   : "the form service";
        who.push_back(std::string(name) + (section_required_by(info, p) ? " (required)" : ""));
    }
    std::string out = "Read by ";
    for (std::size_t i = 0; i < who.size(); ++i) {
        if (i > 0) out += i + 1 == who.size() ? " and " : ", ";
        out += who[i];
    }
    const auto dot = info.name.rfind('.');
    if (dot != std::string_view::npos) {
        out += ", in each [[" + std::string(info.name.substr(0, dot)) + "]]";
    } else if (info.array) {
        out += "; zero or more entries";
    }
    return out + ".";
}

std::string default_cell(const Setting& s) {
    if (s.need == Need::required) return "required";
    if (!s.default_value.empty()) return toml_default(s);
    if (s.need == Need::depends) return "see help";
    return "none";
}

std::string default_phrase(const Setting& s) {
    if (s.need == Need::required) return "required";
    if (!s.default_value.empty()) return "default " + toml_default(s);
    if (s.need == Need::depends) return "required in some cases";
    return "no default";
}

}  // namespace

std::string toml_default(const Setting& s) {
    return s.default_value.empty() ? std::string() : toml_value(s, s.default_value);
}

std::string render_example(std::span<const SectionInfo> sections, std::span<const Setting> settings,
                           ExampleSections which) {
    std::ostringstream out;
    for (std::size_t i = 0; i < std::size(kIntro); ++i)
        out << (i ? "#\n" : "") << wrap(kIntro[i], "# ");
    for (const SectionInfo& info : sections) {
        if (info.name.find('.') == std::string_view::npos)
            example_section(out, sections, settings, info, false, which);
    }
    return out.str();
}

std::string render_reference(std::span<const SectionInfo> sections,
                             std::span<const Setting> settings, ReferenceFormat format) {
    std::ostringstream out;
    if (format == ReferenceFormat::markdown) {
        out << "# casegate.toml\n";
        for (const auto& p : kIntro) out << "\n" << p << "\n";
        for (const SectionInfo& info : sections) {
            out << "\n## " << section_header(info) << "\n\n"
                << info.help << "\n\n"
                << readers(info) << "\n\n"
                << "| key | type | default | allowed | reload | help |\n"
                << "|---|---|---|---|---|---|\n";
            for (const Setting* s : settings_of(settings, info.name)) {
                out << "| `" << s->key << "` | " << type_name(s->type) << " | "
                    << md_cell(s->default_value.empty() ? default_cell(*s)
                                                        : "`" + default_cell(*s) + "`")
                    << " | " << md_cell(allowed_values(*s)) << " | "
                    << (s->reload == Reload::restart ? "restart" : "applies") << " | "
                    << md_cell(s->help) << " |\n";
            }
        }
        return out.str();
    }
    out << ".TH CASEGATE.TOML 5 \"\" casegate \"File Formats\"\n"
        << ".SH NAME\ncasegate.toml \\- the configuration of casegate\n"
        << ".SH DESCRIPTION\n";
    for (std::size_t i = 0; i < std::size(kIntro); ++i)
        out << (i ? ".PP\n" : "") << troff(kIntro[i]) << "\n";
    out << ".SH SECTIONS\n";
    for (const SectionInfo& info : sections) {
        out << ".SS \"" << section_header(info) << "\"\n"
            << troff(info.help) << "\n.PP\n"
            << troff(readers(info)) << "\n";
        for (const Setting* s : settings_of(settings, info.name)) {
            std::string line = std::string(type_name(s->type)) + "; " + default_phrase(*s);
            if (const std::string a = allowed_values(*s); !a.empty()) line += "; " + a;
            line += s->reload == Reload::restart ? "; restart to change" : "";
            out << ".TP\n.B " << troff(s->key) << "\n"
                << troff(line + ".") << "\n.br\n"
                << troff(s->help) << "\n";
        }
    }
    return out.str();
}

}  // namespace casegate::common
