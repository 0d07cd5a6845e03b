// The settings table read and written out: programs by name, sections and keys looked up,
// and a key's type and allowed values as check-config, the example and the manual page say
// them. The table itself is settings.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "common/settings.hpp"
#include "util/strings.hpp"

namespace casegate::common {

std::string_view program_name(Program p) {
    switch (p) {
        case Program::daemon:
            return "daemon";
        case Program::console:
            return "console";
        case Program::form_service:
            return "form-service";
    }
    return "?";
}

std::optional<Program> program_from_name(std::string_view name) {
    for (const Program p : {Program::daemon, Program::console, Program::form_service}) {
        if (program_name(p) == name) return p;
    }
    return std::nullopt;
}

const SectionInfo* find_section(std::string_view name) {
    for (const SectionInfo& s : config_sections()) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

const Setting* find_setting(std::string_view section, std::string_view key) {
    for (const Setting& s : config_settings()) {
        if (s.section == section && s.key == key) return &s;
    }
    return nullptr;
}

std::string section_header(const SectionInfo& s) {
    const std::string name(s.name);
    return s.array ? "[[" + name + "]]" : "[" + name + "]";
}

std::string_view type_name(SettingType t) {
    switch (t) {
        case SettingType::string:
            return "string";
        case SettingType::integer:
            return "integer";
        case SettingType::boolean:
            return "bool";
        case SettingType::fraction:
            return "fraction";
        case SettingType::string_list:
            return "string list";
        case SettingType::secret_file:
            return "secret file";
        case SettingType::url:
            return "url";
        case SettingType::enumeration:
            return "enum";
        case SettingType::email:
            return "email";
        case SettingType::email_list:
            return "email list";
        case SettingType::listen:
            return "host:port";
        case SettingType::path:
            return "path";
    }
    return "?";
}

std::string format_number(double d) {
    if (std::floor(d) == d && std::fabs(d) < 1e15) {
        return std::to_string(static_cast<long long>(d));
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", d);
    return buf;
}

namespace {

// "a, b or c" from the blank-separated choices.
std::string choice_list(std::string_view choices, std::string_view last_joiner) {
    const std::vector<std::string_view> items = util::words(choices);
    std::string out;
    for (std::size_t k = 0; k < items.size(); ++k) {
        if (k > 0) out += k + 1 == items.size() ? last_joiner : std::string_view(", ");
        out += items[k];
    }
    return out;
}

}  // namespace

std::string allowed_values(const Setting& s) {
    const std::string unit = s.unit.empty() ? "" : " " + std::string(s.unit);
    switch (s.type) {
        case SettingType::integer:
        case SettingType::fraction:
            return format_number(s.min) + " to " + format_number(s.max) + unit;
        case SettingType::enumeration:
            return "one of " + choice_list(s.choices, ", ");
        case SettingType::url:
            return "starts with " + choice_list(s.choices, " or ");
        case SettingType::string_list:
        case SettingType::email_list:
            return s.min >= 1 ? "at least " + format_number(s.min) : std::string();
        case SettingType::string:
            return s.min >= 1 ? "not empty" : std::string();
        case SettingType::listen:
            return s.min >= 1 ? "HOST:PORT or [IPv6]:PORT"
                              : "HOST:PORT or [IPv6]:PORT, or \"\" for none";
        case SettingType::path:
            return "an absolute path";
        case SettingType::secret_file:
            return "a file, or a systemd credential's name";
        case SettingType::boolean:
        case SettingType::email:
            return "";
    }
    return "";
}

}  // namespace casegate::common
