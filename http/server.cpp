#include "http/server.hpp"

#include <httplib.h>
#include <csignal>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <map>
#include <mutex>
#include <thread>

#include "common/log.hpp"
#include "util/strings.hpp"

namespace casegate::http {

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

struct Server::Impl {
    httplib::Server server;
    std::thread thread;
    std::string name;
    mutable std::mutex mutex;
    std::map<int, std::uint64_t> answers;  ///< by status code
};

Server::Server() : impl_(std::make_unique<Impl>()) {}

Server::~Server() { stop(); }

int Server::start(const ServerOptions& o, Handler handler) {
    const auto log = common::logger(o.name);
    impl_->name = o.name;
    httplib::Server& server = impl_->server;
    const int threads = o.threads;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server.set_payload_max_length(o.max_body);
    server.set_read_timeout(15, 0);
    server.set_write_timeout(15, 0);
    server.set_keep_alive_max_count(100);
    server.set_keep_alive_timeout(5);
    // Without it every answer waits for the client's delayed ACK (~40 ms).
    server.set_tcp_nodelay(true);
    // SO_REUSEADDR, so that a restart is not refused by the last run's connections in
    // TIME_WAIT; not the library's SO_REUSEPORT, which would let a second server share the
    // port unnoticed.
    server.set_socket_options([](socket_t sock) {
        const int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    if (!o.assets_dir.empty()) {
        if (!server.set_mount_point("/assets", o.assets_dir)) {
            log->critical("assets_dir {} is not a directory", o.assets_dir);
            return 78;
        }
        server.set_file_request_handler([](const httplib::Request&, httplib::Response& res) {
            res.set_header("Cache-Control", "public, max-age=86400");
            res.set_header("X-Content-Type-Options", "nosniff");
        });
    }
    Impl* impl = impl_.get();
    const auto each = [handler = std::move(handler), log, impl](const httplib::Request& in,
                                                                 httplib::Response& out) {
        try {
            answer(handler(request_of(in)), out);
        } catch (const std::exception& e) {
            log->error("request failed: {}", e.what());
            out.status = 500;
            out.set_content("Something went wrong.", "text/plain; charset=utf-8");
        }
        const std::lock_guard<std::mutex> lock(impl->mutex);
        ++impl->answers[out.status];
    };
    server.Get(".*", each);
    server.Post(".*", each);
    const std::string too_large = util::concat(
        {"The request is too large: this service takes at most ",
         std::to_string(o.max_body / (1024UL * 1024)), " MB at once. Nothing was received.\n"});
    server.set_error_handler([too_large](const httplib::Request&, httplib::Response& res) {
        if (res.status == 413) res.set_content(too_large, "text/plain; charset=utf-8");
    });

    std::string host;
    int port = 0;
    if (!split_listen(o.listen, host, port)) {
        log->critical("listen {} is not HOST:PORT", o.listen);
        return 78;
    }
    if (!server.bind_to_port(host, port)) {
        log->critical("cannot listen on {}", o.listen);
        return 1;
    }
    impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
    log->info("{} listening on {} ({} threads)", o.name, o.listen, threads);
    return 0;
}

std::vector<std::pair<int, std::uint64_t>> Server::answers() const {
    const std::lock_guard<std::mutex> lock(impl_->mutex);
    return {impl_->answers.begin(), impl_->answers.end()};
}

void Server::stop() {
    if (!impl_->thread.joinable()) return;
    impl_->server.stop();
    impl_->thread.join();
    common::logger(impl_->name)->info("{} stopped", impl_->name);
}

int serve(const ServerOptions& o, const Handler& handler) {
    // SIGTERM and SIGINT are waited for here, blocked in every thread (the server's pool
    // threads inherit the mask).
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    signal(SIGPIPE, SIG_IGN);
    Server server;
    if (const int failed = server.start(o, handler); failed != 0) return failed;
    // /metrics on an address of its own, never beside the pages (the form service faces the
    // internet). Not being able to serve it costs only the metrics.
    Server metrics;
    if (!o.metrics_listen.empty()) {
        const auto families = [&server, &o] {
            Family answers{"casegate_http_responses_total", "counter",
                           "Answers given by " + o.name + ", by HTTP status.", {}};
            for (const auto& [code, n] : server.answers())
                answers.samples.push_back({{{"code", std::to_string(code)}}, static_cast<double>(n)});
            std::vector<Family> all{std::move(answers)};
            if (o.metrics) {
                for (Family& f : o.metrics()) all.push_back(std::move(f));
            }
            return all;
        };
        const int failed = metrics.start({o.name + " metrics", o.metrics_listen, 1, 1024, "", "", {}},
                                         [families](const Request& req) { return metrics_only(req, families); });
        if (failed != 0)
            common::logger(o.name)->error("no metrics endpoint: cannot listen on {}",
                                          o.metrics_listen);
    }
    sd_notify(0, "READY=1\nSTATUS=serving");
    int sig = 0;
    sigwait(&stop_signals, &sig);
    sd_notify(0, "STOPPING=1");
    metrics.stop();
    server.stop();
    return 0;
}

}  // namespace casegate::http
