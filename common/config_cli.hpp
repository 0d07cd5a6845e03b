// The configuration's commands: `casegate check-config`, `config-example` and
// `config-reference`, for main() to dispatch to and for tests to run in-process.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace casegate::common {

bool is_config_command(std::string_view command);

struct Config;

/// A further check of a configuration that loaded, made by a layer above this one (the
/// notification texts): returns a line saying what it checked, or throws ConfigError.
using ConfigCheck = std::function<std::string(const Config&)>;

/// Runs one of them with its arguments. Returns the exit code: 0, 1 for a configuration that
/// does not load (or fails `further`, given to check-config), 2 for a usage error.
int config_command_main(const std::string& command, const std::vector<std::string>& args,
                        std::ostream& out, std::ostream& err, const ConfigCheck& further = {});

}  // namespace casegate::common
