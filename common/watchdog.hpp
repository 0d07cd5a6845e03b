// The systemd watchdog. Long work (a big backlog) pings it per item, so that a busy daemon is
// never mistaken for a hung one; pings are rate-limited to half the watchdog interval.
#pragma once

namespace casegate::common {

/// Reads WATCHDOG_USEC (via sd_watchdog_enabled). Call once at start-up.
void watchdog_init();

/// Sends WATCHDOG=1 if the watchdog is on and half its interval has passed since the last ping.
void watchdog_ping();

}  // namespace casegate::common
