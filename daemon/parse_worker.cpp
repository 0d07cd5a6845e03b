// SECURITY: the child parses bytes from anyone on the internet with libraries that have a
// crash history (mimetic). It runs with rlimits (address space, CPU time, file size 0, few
// open files, no core dump) and a wall-clock timeout enforced by the parent; whatever it
// returns is decoded defensively (item_codec.cpp). A crash, a timeout or a malformed reply is
// reported as ParseStatus::failed with the reason, never propagated.
#include "daemon/parse_worker.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "daemon/item_codec.hpp"

namespace casegate::daemon {

std::string local_today() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

ParsedItem parse_in_process(const std::string& raw, ItemKind kind, const Limits& limits,
                            const std::string& today) {
    ParsedItem item;
    forms::ValidateContext ctx;
    ctx.today = today;
    if (kind == ItemKind::json) {
        item.evaluation = forms::evaluate_json(raw, ctx);
        item.status = ParseStatus::ok;
        return item;
    }
    parsers::MimeLimits ml;
    ml.max_message_bytes = limits.max_message_bytes;
    ml.max_header_bytes = limits.max_header_bytes;
    ml.max_depth = limits.max_mime_depth;
    ml.max_parts = limits.max_parts;
    parsers::EmailOutcome parsed = parsers::parse_email(raw, ml);
    if (!parsed.ok) {
        item.status = ParseStatus::unreadable;
        item.reason = parsed.error;
        return item;
    }
    ctx.default_referrer_email = parsed.email.from_address;
    item.evaluation = forms::evaluate_email(parsed.email, ctx);
    item.attachments = std::move(parsed.email.attachments);
    item.status = ParseStatus::ok;
    return item;
}

namespace {

void set_limit(int resource, rlim_t value) {
    rlimit rl{value, value};
    setrlimit(resource, &rl);
}

[[noreturn]] void child_main(int out_fd, const std::string& raw, ItemKind kind,
                             const Limits& limits, const std::string& today) {
    set_limit(RLIMIT_AS, static_cast<rlim_t>(limits.parse_memory_mb) * 1024 * 1024);
    set_limit(RLIMIT_CPU, static_cast<rlim_t>(limits.parse_timeout));
    set_limit(RLIMIT_FSIZE, 0);
    set_limit(RLIMIT_CORE, 0);
    set_limit(RLIMIT_NOFILE, 16);
    int code = 0;
    std::string reply;
    try {
        reply = encode_item(parse_in_process(raw, kind, limits, today));
    } catch (const std::exception& e) {
        ParsedItem failed;
        failed.status = ParseStatus::failed;
        failed.reason = std::string("parser error: ") + e.what();
        reply = encode_item(failed);
        code = 3;
    }
    std::size_t off = 0;
    while (off < reply.size()) {
        const ssize_t n = write(out_fd, reply.data() + off, reply.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) _exit(4);
        off += static_cast<std::size_t>(n);
    }
    _exit(code);
}

std::string describe_exit(int status) {
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        if (sig == SIGXCPU) return "parser exceeded its CPU time limit";
        return std::string("parser crashed (signal ") + std::to_string(sig) + " " + strsignal(sig) + ")";
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        return "parser exited with status " + std::to_string(WEXITSTATUS(status));
    }
    return "";
}

}  // namespace

ParsedItem parse_sandboxed(const std::string& raw, ItemKind kind, const Limits& limits,
                           const std::string& today) {
    ParsedItem failed;
    failed.status = ParseStatus::failed;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        failed.reason = std::string("cannot create pipe: ") + std::strerror(errno);
        return failed;
    }
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        failed.reason = std::string("cannot fork parse worker: ") + std::strerror(errno);
        return failed;
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(fds[1], raw, kind, limits, today);
    }
    close(fds[1]);

    std::string reply;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limits.parse_timeout);
    bool timed_out = false;
    char buf[65536];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        const int r = poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) {
            timed_out = true;
            break;
        }
        const ssize_t n = read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        reply.append(buf, static_cast<std::size_t>(n));
    }
    close(fds[0]);
    if (timed_out) kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) {
        failed.reason = "parser timed out after " + std::to_string(limits.parse_timeout) + " s";
        return failed;
    }
    const std::string exit_problem = describe_exit(status);
    ParsedItem item;
    if (!decode_item(reply, item)) {
        item.reason = exit_problem.empty() ? item.reason : exit_problem;
        return item;
    }
    if (!exit_problem.empty() && item.status == ParseStatus::ok) {
        failed.reason = exit_problem;
        return failed;
    }
    return item;
}

}  // namespace casegate::daemon
