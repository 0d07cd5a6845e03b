// The daemon's main loop: poll each source on its interval, process what was stored, drain the
// outbox; SIGTERM/SIGINT finish the current item and stop, SIGHUP reloads the configuration
// (keeping the old one when the new one is invalid); sd_notify READY, STATUS and WATCHDOG.
#pragma once

#include <string>

namespace casegate::daemon {

/// Runs the daemon. With once, polls every source once, processes, drains the outbox once and
/// returns. Returns the process exit code.
int run_daemon(const std::string& config_path, bool once);

}  // namespace casegate::daemon
