#include "common/watchdog.hpp"

#include <systemd/sd-daemon.h>

#include <atomic>
#include <chrono>

namespace casegate::common {

namespace {
using Clock = std::chrono::steady_clock;
std::chrono::microseconds g_half{0};
// Pinged from the main loop and from the processing thread.
std::atomic<Clock::rep> g_last{0};
}  // namespace

void watchdog_init() {
    std::uint64_t usec = 0;
    g_half = sd_watchdog_enabled(0, &usec) > 0 ? std::chrono::microseconds(usec / 2)
                                               : std::chrono::microseconds(0);
}

void watchdog_ping() {
    if (g_half.count() == 0) return;
    const Clock::rep now = Clock::now().time_since_epoch().count();
    Clock::rep last = g_last.load();
    if (Clock::duration(now - last) < g_half) return;
    if (!g_last.compare_exchange_strong(last, now)) return;  // the other thread pings
    sd_notify(0, "WATCHDOG=1");
}

}  // namespace casegate::common
