// `casegate console --config FILE`: the staff console's HTTP server.
#pragma once

#include <string>

namespace casegate::console {

/// Loads the configuration as the console reads it, listens on [console] listen and serves
/// until SIGTERM or SIGINT. Returns the exit code (78 for a bad configuration).
int run_console(const std::string& config_path);

}  // namespace casegate::console
