#include "common/watchdog.hpp"

#include <systemd/sd-daemon.h>

#include <chrono>

namespace casegate::common {

namespace {
using Clock = std::chrono::steady_clock;
std::chrono::microseconds g_half{0};
Clock::time_point g_last{};
}  // namespace

void watchdog_init() {
    std::uint64_t usec = 0;
    g_half = sd_watchdog_enabled(0, &usec) > 0 ? std::chrono::microseconds(usec / 2) : std::chrono::microseconds(0);
}

void watchdog_ping() {
    if (g_half.count() == 0) return;
    const auto now = Clock::now();
    if (now - g_last < g_half) return;
    g_last = now;
    sd_notify(0, "WATCHDOG=1");
}

}  // namespace casegate::common
