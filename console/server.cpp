// The console's HTTP server (cpp-httplib, the only file that includes it): a thread pool with
// a database connection per thread, timeouts and a request size limit, the static files under
// /assets/, and every other request handed to App.
#include <httplib.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <memory>
#include <thread>

#include "cases/outgoing.hpp"
#include "common/config.hpp"
#include "common/log.hpp"
#include "console/app.hpp"
#include "console/console.hpp"
#include "util/strings.hpp"

namespace casegate::console {

namespace {

Request request_of(const httplib::Request& in) {
    Request r;
    r.method = in.method;
    r.path = in.path;
    r.remote_addr = in.remote_addr;
    for (const auto& [k, v] : in.params) r.params.emplace(k, v);
    for (const auto& [k, v] : in.headers) r.headers[util::ascii_lower(k)] = v;
    for (const auto& [name, part] : in.files) {
        if (part.filename.empty()) {
            r.params.emplace(name, part.content);
        } else {
            r.files.push_back({name, part.filename, part.content});
        }
    }
    return r;
}

void answer(const Response& from, httplib::Response& to) {
    to.status = from.status;
    for (const auto& [k, v] : from.headers) to.set_header(k, v);
    to.set_content(from.body, from.content_type);
}

bool split_listen(const std::string& listen, std::string& host, int& port) {
    const std::size_t colon = listen.rfind(':');
    if (colon == std::string::npos) return false;
    host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    port = std::atoi(listen.c_str() + colon + 1);
    return port > 0 && port < 65536;
}

}  // namespace

int run_console(const std::string& config_path) {
    common::Config cfg;
    try {
        cfg = common::load_config(config_path, common::Program::console);
        cases::use_texts(cfg);
    } catch (const common::ConfigError& e) {
        common::init_logging("info");
        common::logger("console")->critical("bad configuration: {}", e.what());
        return 78;
    }
    common::init_logging(cfg.log_level);
    const auto log = common::logger("console");

    // SIGTERM and SIGINT are taken by a thread of their own, which stops the server.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    signal(SIGPIPE, SIG_IGN);

    const App app(cfg);
    httplib::Server server;
    const int threads = cfg.console.threads;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server.set_payload_max_length(cfg.console.max_upload_bytes);
    server.set_read_timeout(15, 0);
    server.set_write_timeout(15, 0);
    server.set_keep_alive_max_count(100);
    server.set_keep_alive_timeout(5);
    server.set_tcp_nodelay(true);
    // SO_REUSEADDR, so that a restart is not refused by the last run's connections in
    // TIME_WAIT; not the library's SO_REUSEPORT, which would let a second console share the
    // port unnoticed.
    server.set_socket_options([](socket_t sock) {
        const int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    if (!server.set_mount_point("/assets", cfg.console.assets_dir)) {
        log->critical("console.assets_dir {} is not a directory", cfg.console.assets_dir);
        return 78;
    }
    server.set_file_request_handler([](const httplib::Request&, httplib::Response& res) {
        res.set_header("Cache-Control", "public, max-age=86400");
        res.set_header("X-Content-Type-Options", "nosniff");
    });
    const std::string conninfo = cfg.database_conninfo;
    const auto handler = [&app, conninfo, log](const httplib::Request& in,
                                               httplib::Response& out) {
        // One connection per worker thread, made when the thread first needs it.
        thread_local std::unique_ptr<storage::Db> db;
        if (!db) {
            try {
                db = std::make_unique<storage::Db>(conninfo);
            } catch (const std::exception& e) {
                log->error("database unavailable: {}", e.what());
                answer(app.unavailable(), out);
                return;
            }
        }
        answer(app.handle(*db, request_of(in)), out);
    };
    server.Get(".*", handler);
    server.Post(".*", handler);
    server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (res.status == 413) {
            res.set_content("The upload is too large.", "text/plain; charset=utf-8");
        }
    });

    std::string host;
    int port = 0;
    if (!split_listen(cfg.console.listen, host, port)) {
        log->critical("console.listen {} is not HOST:PORT", cfg.console.listen);
        return 78;
    }
    if (!server.bind_to_port(host, port)) {
        log->critical("cannot listen on {}", cfg.console.listen);
        return 1;
    }
    std::thread stopper([&server, stop_signals] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        server.stop();
    });
    log->info("console listening on {} ({} threads)", cfg.console.listen, threads);
    sd_notify(0, "READY=1\nSTATUS=serving");
    server.listen_after_bind();
    sd_notify(0, "STOPPING=1");
    // listen_after_bind returned: the server stopped (by a signal) or failed; either way the
    // signal thread must end.
    pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    log->info("console stopped");
    return 0;
}

}  // namespace casegate::console
