// Named loggers, one per module, all writing to one sink: journald under systemd, stderr
// otherwise. Messages are constant text plus key=value fields; no names or free text above
// debug. spdlog itself is only included by the .cpp files that log.
#pragma once

#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace casegate::common {

/// Sets up the shared sink and the level ("trace" … "error"). Safe to call again (reload).
void init_logging(const std::string& level);

/// The logger for a module, e.g. logger("imap").
std::shared_ptr<spdlog::logger> logger(const std::string& name);

}  // namespace casegate::common
