// The daemon's /metrics (Prometheus text format), on [metrics] listen: what the database says
// of the whole (every process sharing it) and this process's own counters.
#pragma once

#include <memory>
#include <string>

namespace casegate::daemon {

class MetricsEndpoint {
  public:
    /// Serves GET /metrics on `listen` with a connection of its own to `conninfo`. "" serves
    /// nothing. A failure to listen is logged and the daemon runs without it.
    MetricsEndpoint(const std::string& listen, const std::string& conninfo);
    ~MetricsEndpoint();
    MetricsEndpoint(const MetricsEndpoint&) = delete;
    MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

    /// Counts a poll of a source that failed (the database may be the reason, so the count is
    /// kept here too).
    static void count_poll_failure();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace casegate::daemon
