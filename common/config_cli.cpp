#include "common/config_cli.hpp"

#include <ostream>

#include "common/config.hpp"

namespace casegate::common {

namespace {

constexpr const char* kUsage =
    "usage: casegate check-config [--config FILE] [--program daemon|console|form-service]\n"
    "       casegate config-example\n"
    "       casegate config-reference [--format markdown|man]\n";

int usage(std::ostream& err, const std::string& what) {
    err << "casegate: " << what << "\n" << kUsage;
    return 2;
}

// "--name VALUE" or "--name=VALUE" at args[i]; advances i past it.
bool option(const std::vector<std::string>& args, std::size_t& i, const std::string& name,
            std::string& value) {
    if (args[i] == name && i + 1 < args.size()) {
        value = args[++i];
        return true;
    }
    if (args[i].rfind(name + "=", 0) == 0) {
        value = args[i].substr(name.size() + 1);
        return true;
    }
    return false;
}

int check_config(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                 const ConfigCheck& further) {
    std::string path = kDefaultConfigPath;
    std::string program_text(program_name(Program::daemon));
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (!option(args, i, "--config", path) && !option(args, i, "--program", program_text))
            return usage(err, "unknown argument '" + args[i] + "'");
    }
    const std::optional<Program> program = program_from_name(program_text);
    if (!program) return usage(err, "unknown program '" + program_text + "'");
    try {
        const Config c = load_config(path, *program);
        const std::string checked = further && *program != Program::form_service ? further(c) : "";
        out << path << ": ok";
        switch (*program) {
            case Program::daemon:
                out << " (" << c.mailboxes.size() << " mailboxes, " << c.offices.size()
                    << " offices)\n";
                break;
            case Program::console: {
                std::size_t staff = 0;
                for (const auto& o : c.offices) staff += o.staff.size();
                out << " for the console (" << c.offices.size() << " offices, " << staff
                    << " staff)\n";
                break;
            }
            case Program::form_service:
                out << " for the form service\n";
                break;
        }
        if (!checked.empty()) out << checked << "\n";
        return 0;
    } catch (const ConfigError& e) {
        err << path << ": " << e.what() << "\n";
        return 1;
    }
}

}  // namespace

bool is_config_command(std::string_view command) {
    return command == "check-config" || command == "config-example" ||
           command == "config-reference";
}

int config_command_main(const std::string& command, const std::vector<std::string>& args,
                        std::ostream& out, std::ostream& err, const ConfigCheck& further) {
    if (command == "check-config") return check_config(args, out, err, further);
    if (command == "config-example") {
        if (!args.empty()) return usage(err, "config-example takes no arguments");
        out << render_example();
        return 0;
    }
    if (command == "config-reference") {
        std::string format = "markdown";
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (!option(args, i, "--format", format))
                return usage(err, "unknown argument '" + args[i] + "'");
        }
        if (format != "markdown" && format != "man")
            return usage(err, "unknown format '" + format + "'");
        out << render_reference(format == "man" ? ReferenceFormat::man : ReferenceFormat::markdown);
        return 0;
    }
    return usage(err, "unknown command '" + command + "'");
}

}  // namespace casegate::common
