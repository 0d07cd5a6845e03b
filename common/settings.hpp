// The configuration's one table: every key of every section of casegate.toml, with its type,
// default, bounds, whether a reload may change it, whether it is required and one line of
// help (settings.cpp). Everything else follows from it: parsing and validation (config.cpp),
// the example file (`casegate config-example`, committed as examples/casegate.toml), the
// reference (`casegate config-reference`, Markdown or a casegate.toml(5) manual page) and the
// comparison made at a reload.
//
// No TOML here: this header is plain data and may be included anywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace casegate::common {

/// The programs that read the configuration. Each section says which of them use it.
enum class Program : std::uint8_t {
    daemon = 1,        ///< `casegate run` and the operator commands
    console = 2,       ///< the staff console
    form_service = 4,  ///< the web form service, on a host of its own
};

/// "daemon", "console", "form-service" (as given to --program).
std::string_view program_name(Program p);
std::optional<Program> program_from_name(std::string_view name);

enum class SettingType : std::uint8_t {
    string,       ///< text; `min` is its least length
    integer,      ///< a whole number from `min` to `max`
    boolean,      ///< true or false
    fraction,     ///< a number from `min` to `max` (an integer is accepted too)
    string_list,  ///< an array of strings, at least `min` of them
    secret_file,  ///< a file name, or a bare systemd credential name; the secret is read from it
    url,          ///< text that starts with one of `choices` (blank separated)
    enumeration,  ///< one of `choices` (blank separated)
    email,        ///< an email address
    email_list,   ///< an array of email addresses, at least `min` of them
    listen,       ///< HOST:PORT, or [IPv6]:PORT
    path,         ///< an absolute file system path
};

/// What a reload (SIGHUP) does with a changed value.
enum class Reload : std::uint8_t {
    applies,  ///< the new value is used from the reload on
    restart,  ///< the running value is kept, with a warning, until the program is restarted
};

enum class Need : std::uint8_t {
    optional,  ///< may be left out; the default (if any) applies
    required,  ///< must be given, and not empty
    depends,   ///< required in some cases, which the help names
};

/// One key of one section.
struct Setting {
    std::string_view section;  ///< "database", "mailbox", "office.staff" (see SectionInfo)
    std::string_view key;
    SettingType type;
    std::string_view default_value = {};  ///< as text, unquoted; "" = none
    double min = 0;                       ///< see SettingType
    double max = 0;
    std::string_view choices = {};  ///< url schemes or enumeration values, blank separated
    std::string_view unit = {};     ///< "seconds", "bytes", ...
    Reload reload = Reload::applies;
    Need need = Need::optional;
    std::string_view help = {};      ///< one line
    std::string_view example = {};   ///< shown in the example file instead of the default;
                                     ///< lists as `a, b`
    bool example_commented = false;  ///< shown commented out in the example file
};

/// One section: a table (`[database]`) or an array of tables (`[[mailbox]]`). A name with a
/// dot is an array inside each entry of its parent (`office.staff` is `[[office.staff]]`).
struct SectionInfo {
    std::string_view name;
    bool array = false;
    std::uint8_t used_by = 0;            ///< Program bits: the programs that read it
    std::uint8_t required_by = 0;        ///< Program bits: those that need it (an array: one entry)
    bool example_commented = false;      ///< the example file shows it commented out
    std::string_view help = {};          ///< a paragraph
    std::string_view example_more = {};  ///< TOML lines added after its entry in the example
};

/// The table, in the order of the example file.
std::span<const SectionInfo> config_sections();
std::span<const Setting> config_settings();

const SectionInfo* find_section(std::string_view name);
const Setting* find_setting(std::string_view section, std::string_view key);

inline bool section_used_by(const SectionInfo& s, Program p) {
    return (s.used_by & static_cast<std::uint8_t>(p)) != 0;
}
inline bool section_required_by(const SectionInfo& s, Program p) {
    return (s.required_by & static_cast<std::uint8_t>(p)) != 0;
}

/// "[database]", "[[mailbox]]", "[[office.staff]]".
std::string section_header(const SectionInfo& s);
/// The type as the reference names it: "integer", "secret file", ...
std::string_view type_name(SettingType t);
/// What values are allowed, in words: "5 to 86400 seconds", "one of admin, case_manager", or "".
std::string allowed_values(const Setting& s);
/// The default as written in TOML (`60`, `"INBOX"`, `false`), or "" when there is none.
std::string toml_default(const Setting& s);
/// A number as the table and messages write it: `5`, `0.25`.
std::string format_number(double d);

/// Whether the example shows the sections marked example_commented commented out (the file
/// as documented), or every section on (to load each example value in tests).
enum class ExampleSections : std::uint8_t { as_documented, all_on };

/// The example configuration file (examples/casegate.toml), from the given table.
std::string render_example(std::span<const SectionInfo> sections, std::span<const Setting> settings,
                           ExampleSections which = ExampleSections::as_documented);
inline std::string render_example(ExampleSections which = ExampleSections::as_documented) {
    return render_example(config_sections(), config_settings(), which);
}

enum class ReferenceFormat : std::uint8_t {
    markdown,
    man,  ///< troff with man(7) macros: casegate.toml(5)
};

/// Every section and key with type, default, allowed values, reload and help.
std::string render_reference(std::span<const SectionInfo> sections,
                             std::span<const Setting> settings, ReferenceFormat format);
inline std::string render_reference(ReferenceFormat format) {
    return render_reference(config_sections(), config_settings(), format);
}

}  // namespace casegate::common
