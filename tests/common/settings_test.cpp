// The settings table: every row is sound, and the example file and the reference are made from
// it (the committed examples/casegate.toml is exactly what `casegate config-example` prints).
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/config.hpp"
#include "common/config_cli.hpp"
#include "common/files.hpp"
#include "tests/common/config_text.hpp"

using namespace casegate::common;

namespace {

// A credentials directory holding every secret the example names.
struct ExampleCredentials {
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() / "casegate_settings_test_creds";
    ExampleCredentials() {
        std::filesystem::create_directories(dir);
        for (const Setting& s : config_settings()) {
            if (s.type == SettingType::secret_file && !s.example.empty())
                std::ofstream(dir / std::string(s.example)) << "secret\n";
        }
        setenv("CREDENTIALS_DIRECTORY", dir.c_str(), 1);
    }
    ~ExampleCredentials() {
        unsetenv("CREDENTIALS_DIRECTORY");
        std::filesystem::remove_all(dir);
    }
};

// The lines of a TOML text that belong to the given top-level sections.
std::string only_sections(const std::string& text, const std::set<std::string>& headers) {
    std::istringstream in(text);
    std::string out;
    bool keep = false;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line[0] == '[') keep = headers.count(line) != 0;
        if (keep) out += line + "\n";
    }
    return out;
}

int run_cli(const std::string& command, const std::vector<std::string>& args, std::string& out,
            std::string& err) {
    std::ostringstream o;
    std::ostringstream e;
    const int rc = config_command_main(command, args, o, e);
    out = o.str();
    err = e.str();
    return rc;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(settings)

// Every row: a known section, a unique key, help, and a default (or example) that is valid for
// its type and within its bounds.
BOOST_AUTO_TEST_CASE(every_row_is_sound) {
    std::set<std::string> seen;
    for (const Setting& s : config_settings()) {
        const std::string name = std::string(s.section) + "." + std::string(s.key);
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(find_section(s.section) != nullptr);
            BOOST_TEST(seen.insert(name).second, "listed twice");
            BOOST_TEST(!s.help.empty());
            BOOST_TEST(s.help.find('\n') == std::string_view::npos, "help is one line");
            BOOST_TEST(!(s.example.empty() && s.default_value.empty()),
                       "the example file needs a value to show");
            if (s.need == Need::required)
                BOOST_TEST(s.default_value.empty(), "a required key has no default");
            const std::string d(s.default_value);
            switch (s.type) {
                case SettingType::integer:
                case SettingType::fraction: {
                    BOOST_TEST(s.min <= s.max);
                    if (s.type == SettingType::integer) {
                        BOOST_TEST(std::floor(s.min) == s.min);
                        BOOST_TEST(std::floor(s.max) == s.max);
                    }
                    BOOST_REQUIRE(!d.empty());
                    std::size_t used = 0;
                    const double v = s.type == SettingType::integer
                                         ? static_cast<double>(std::stoll(d, &used))
                                         : std::stod(d, &used);
                    BOOST_TEST(used == d.size());
                    BOOST_TEST(v >= s.min);
                    BOOST_TEST(v <= s.max);
                    break;
                }
                case SettingType::boolean:
                    BOOST_TEST((d == "true" || d == "false"));
                    break;
                case SettingType::enumeration: {
                    const std::string choices = " " + std::string(s.choices) + " ";
                    const std::string v = d.empty() ? std::string(s.example) : d;
                    BOOST_TEST(choices.find(" " + v + " ") != std::string::npos);
                    break;
                }
                case SettingType::url: {
                    BOOST_TEST(!s.choices.empty());
                    const std::string v = d.empty() ? std::string(s.example) : d;
                    bool ok = false;
                    std::istringstream in{std::string(s.choices)};
                    for (std::string scheme; in >> scheme;) ok = ok || v.rfind(scheme, 0) == 0;
                    BOOST_TEST(ok, v << " starts with none of " << s.choices);
                    break;
                }
                case SettingType::path:
                    if (!d.empty()) BOOST_TEST(d[0] == '/');
                    break;
                default:
                    break;
            }
            if (s.need == Need::required || s.need == Need::depends)
                BOOST_TEST(!s.example.empty(), "a key that may be required has an example");
        }
    }
    // Sections: known parents, and every section has keys or sub-sections.
    for (const SectionInfo& info : config_sections()) {
        BOOST_TEST_CONTEXT(info.name) {
            BOOST_TEST(!info.help.empty());
            BOOST_TEST(info.used_by != 0);
            BOOST_TEST((info.required_by & ~info.used_by) == 0, "required by a non-user");
            const auto dot = info.name.rfind('.');
            if (dot != std::string_view::npos) {
                const SectionInfo* parent = find_section(info.name.substr(0, dot));
                BOOST_TEST(parent != nullptr);
                BOOST_TEST(info.array);
                if (parent) BOOST_TEST(info.used_by == parent->used_by);
            }
            bool has_keys = false;
            for (const Setting& s : config_settings())
                has_keys = has_keys || s.section == info.name;
            BOOST_TEST(has_keys);
        }
    }
}

// The committed example is exactly what the table makes of it.
BOOST_AUTO_TEST_CASE(committed_example_is_generated) {
    const auto committed = read_file(std::string(CASEGATE_SOURCE_DIR) + "/examples/casegate.toml");
    BOOST_REQUIRE(committed);
    const std::string made = render_example();
    if (*committed == made) return;
    std::istringstream a(*committed);
    std::istringstream b(made);
    std::string la;
    std::string lb;
    int line = 1;
    for (;; ++line) {
        const bool more_a = static_cast<bool>(std::getline(a, la));
        const bool more_b = static_cast<bool>(std::getline(b, lb));
        if (!more_a) la = "(the end)";
        if (!more_b) lb = "(the end)";
        if (!more_a || !more_b || la != lb) break;
    }
    BOOST_ERROR("examples/casegate.toml differs from the table at line "
                << line << " ('" << la << "' instead of '" << lb << "'): regenerate it with "
                << "`build/daemon/casegate config-example > examples/casegate.toml`");
}

// The example loads as the daemon reads it; with every section switched on, every example
// value of the table loads too, for each program.
BOOST_AUTO_TEST_CASE(example_loads) {
    const ExampleCredentials creds;
    const Config d = parse_config(render_example(), "example.toml");
    BOOST_TEST(d.mailboxes.size() == 1u);
    BOOST_TEST(d.offices[0].staff.size() == 2u);
    BOOST_TEST(!d.revalidation.enabled);

    const std::string all = render_example(ExampleSections::all_on);
    const Config on = parse_config(all, "example.toml");
    BOOST_TEST(on.revalidation.enabled);
    BOOST_TEST(on.form_endpoints.size() == 1u);
    const Config console = parse_config(all, "example.toml", Program::console);
    BOOST_TEST(console.console.base_url == "https://casegate.example.nhs.uk/");
    BOOST_TEST(console.mailboxes.empty());
    const Config forms = parse_config(only_sections(all, {"[form_service]", "[log]"}),
                                      "example.toml", Program::form_service);
    BOOST_TEST(forms.form_service.pull_token == "secret");
}

// The example shows every key of the table, in its section, with its value.
BOOST_AUTO_TEST_CASE(example_shows_every_key) {
    const std::string text = render_example();
    for (const Setting& s : config_settings()) {
        const SectionInfo& info = *find_section(s.section);
        const std::string header = section_header(info);
        const auto at = text.find(header + "\n");
        BOOST_REQUIRE_MESSAGE(at != std::string::npos, header);
        const std::string line = std::string(s.key) + " = ";
        BOOST_TEST(text.find(line, at) != std::string::npos, s.section << "." << s.key);
        if (!s.default_value.empty() && s.example.empty())
            BOOST_TEST(text.find(line + toml_default(s), at) != std::string::npos, s.key);
    }
}

// The reference lists every key under its section, in Markdown and as a manual page.
BOOST_AUTO_TEST_CASE(reference_lists_every_key) {
    const std::string md = render_reference(ReferenceFormat::markdown);
    const std::string man = render_reference(ReferenceFormat::man);
    BOOST_TEST(man.rfind(".TH CASEGATE.TOML 5 ", 0) == 0);
    for (const SectionInfo& info : config_sections()) {
        const auto md_at = md.find("\n## " + section_header(info) + "\n");
        BOOST_REQUIRE_MESSAGE(md_at != std::string::npos, info.name);
        const auto md_end = md.find("\n## ", md_at + 1);
        const auto man_at = man.find(".SS \"" + section_header(info) + "\"\n");
        BOOST_REQUIRE_MESSAGE(man_at != std::string::npos, info.name);
        const auto man_end = man.find(".SS ", man_at + 1);
        for (const Setting& s : config_settings()) {
            if (s.section != info.name) continue;
            const auto row = md.find(
                "| `" + std::string(s.key) + "` | " + std::string(type_name(s.type)) + " |", md_at);
            BOOST_TEST((row != std::string::npos && row < md_end), s.section << "." << s.key);
            const auto entry = man.find(".TP\n.B " + std::string(s.key) + "\n", man_at);
            BOOST_TEST((entry != std::string::npos && entry < man_end), s.section << "." << s.key);
        }
    }
    const std::string restart = "| `conninfo` | string | required |  | restart |";
    BOOST_TEST(md.find(restart) != std::string::npos);
}

// Text that troff or Markdown would read as markup is escaped.
BOOST_AUTO_TEST_CASE(reference_escapes_markup) {
    const SectionInfo sections[] = {{.name = "odd", .used_by = 1, .help = ".starts with a dot"}};
    const Setting settings[] = {{.section = "odd",
                                 .key = "k",
                                 .type = SettingType::string,
                                 .help = "a \\ backslash, a | bar and `code`",
                                 .example = "x"}};
    const std::string man = render_reference(sections, settings, ReferenceFormat::man);
    BOOST_TEST(man.find("\n\\&.starts with a dot\n") != std::string::npos);
    BOOST_TEST(man.find("a \\e backslash, a | bar and \\fBcode\\fR\n") != std::string::npos);
    const std::string md = render_reference(sections, settings, ReferenceFormat::markdown);
    BOOST_TEST(md.find("a \\ backslash, a \\| bar and `code` |") != std::string::npos);
    const std::string example = render_example(sections, settings);
    BOOST_TEST(example.find("\n# .starts with a dot\n[odd]\n# a \\ backslash") !=
               std::string::npos);
}

// The commands: check-config for each program, the example and the reference.
BOOST_AUTO_TEST_CASE(commands) {
    std::string out;
    std::string err;
    BOOST_TEST(run_cli("config-example", {}, out, err) == 0);
    BOOST_TEST(out == render_example());
    BOOST_TEST(run_cli("config-reference", {"--format", "man"}, out, err) == 0);
    BOOST_TEST(out == render_reference(ReferenceFormat::man));
    BOOST_TEST(run_cli("config-reference", {}, out, err) == 0);
    BOOST_TEST(out == render_reference(ReferenceFormat::markdown));
    BOOST_TEST(run_cli("config-reference", {"--format=html"}, out, err) == 2);
    BOOST_TEST(err.find("unknown format 'html'") != std::string::npos);

    const auto path = std::filesystem::temp_directory_path() / "casegate_settings_test.toml";
    std::ofstream(path) << casegate::test::form_service();
    BOOST_TEST(run_cli("check-config", {"--config", path.string(), "--program=form-service"}, out,
                       err) == 0);
    BOOST_TEST(out == path.string() + ": ok for the form service\n");
    BOOST_TEST(run_cli("check-config", {"--config", path.string()}, out, err) == 1);
    BOOST_TEST(err == path.string() + ": database: section is required\n");
    BOOST_TEST(run_cli("check-config", {"--config", path.string(), "--program", "x"}, out, err) ==
               2);
    std::ofstream(path) << casegate::test::console(
        "[[office.staff]]\nname = \"A\"\nemail = \"a@x.nhs.uk\"\nrole = \"admin\"\n");
    BOOST_TEST(run_cli("check-config", {"--config=" + path.string(), "--program", "console"}, out,
                       err) == 0);
    BOOST_TEST(out == path.string() + ": ok for the console (1 offices, 1 staff)\n");
    std::filesystem::remove(path);
}

BOOST_AUTO_TEST_SUITE_END()
