// The web programs' HTTP server (cpp-httplib; http/server.cpp is the only file that includes
// it): a thread pool, read and write timeouts, a request size limit, static files under
// /assets/, every other GET and POST handed to the program's handler; serve() runs one until
// SIGTERM or SIGINT and tells systemd when it is ready and when it stops, a Server runs one
// beside a program's other work.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/http.hpp"
#include "http/metrics.hpp"

namespace casegate::http {

struct ServerOptions {
    std::string name;        ///< for the log: "console", "form service"
    std::string listen;      ///< HOST:PORT
    int threads = 8;         ///< requests served at once
    std::size_t max_body = 0;  ///< the largest request body; larger ones get 413
    std::string assets_dir;  ///< served under /assets/ ("" for none)
    /// serve() only: where GET /metrics is answered, apart from the pages ("" for none), with
    /// the answers counted by status and what `metrics` adds (may be empty).
    std::string metrics_listen;
    std::function<std::vector<Family>()> metrics;
};

/// Answers one request; called on the pool's threads (at most `threads` at once). It should
/// not throw: an exception is answered with a plain 500.
using Handler = std::function<Response(const Request&)>;

/// A server on threads of its own, for a program that does other work meanwhile (the daemon's
/// metrics endpoint). Stopped by stop() or the destructor.
class Server {
  public:
    Server();
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds and starts serving. 0 when serving; 78 for a bad `listen` or `assets_dir`, 1 when
    /// the address cannot be bound (logged either way).
    int start(const ServerOptions& options, Handler handler);
    void stop();

    /// The answers given so far, by status code (for /metrics).
    std::vector<std::pair<int, std::uint64_t>> answers() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Serves until SIGTERM or SIGINT. Returns 0 after a stop, 78 for a bad `listen` or
/// `assets_dir`, 1 when the address cannot be bound.
int serve(const ServerOptions& options, const Handler& handler);

}  // namespace casegate::http
