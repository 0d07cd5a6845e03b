// SECURITY: the worker parses bytes from anyone on the internet with libraries that have a
// crash history (mimetic, PoDoFo). It is a fresh exec of this binary holding nothing but its
// socket, with rlimits and a seccomp allow-list (sandbox.cpp), and a wall-clock timeout
// enforced here by the parent; whatever it returns is decoded defensively (item_codec.cpp).
// A crash, a timeout or a malformed reply is ParseStatus::failed with the reason, never
// propagated, and the worker is replaced.
#include "intake/parse_worker.hpp"

#include <atomic>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <ctime>

#include "intake/item_codec.hpp"
#include "intake/sandbox.hpp"
#include "parsers/mime_scan.hpp"
#include "parsers/pdf_form.hpp"
#include "parsers/text.hpp"

namespace casegate::intake {

namespace {
// Every pool's lost workers, for the daemon's metrics (read from another thread).
std::atomic<std::int64_t> g_workers_lost{0};
}  // namespace

std::int64_t parse_workers_lost_total() {
    return g_workers_lost.load(std::memory_order_relaxed);
}

ParsedItem parse_in_process(const std::string& raw, ItemKind kind, const common::Limits& limits,
                            const std::string& today) {
    ParsedItem item;
    forms::ValidateContext ctx;
    ctx.today = today;
    parsers::PdfLimits pdf_limits;
    pdf_limits.max_bytes = limits.max_message_bytes;
    if (kind == ItemKind::json) {
        item.evaluation = forms::evaluate_json(raw, ctx, &item.attachments);
        item.status = ParseStatus::ok;
        return item;
    }
    if (kind == ItemKind::pdf) {
        const parsers::PdfFormOutcome pdf = parsers::read_pdf_form(raw, pdf_limits);
        if (pdf.kind == parsers::PdfFormKind::unreadable) {
            item.status = ParseStatus::unreadable;
            item.reason = "unreadable PDF: " + pdf.reason;
            return item;
        }
        item.evaluation = forms::evaluate_pdf(pdf, ctx);
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
        item.limit = parsed.limit;
        return item;
    }
    ctx.default_referrer_email = parsed.email.from_address;
    std::vector<forms::ReadPdf> pdfs;
    for (const parsers::Attachment& a : parsed.email.attachments) {
        if (forms::looks_like_pdf(a))
            pdfs.push_back({a.filename, parsers::read_pdf_form(a.data, pdf_limits)});
    }
    item.evaluation = forms::evaluate_email(parsed.email, pdfs, ctx);
    item.attachments = std::move(parsed.email.attachments);
    item.status = ParseStatus::ok;
    return item;
}

namespace {

// Request: kind (1 byte), today's length (1 byte) and today, the raw length (8 bytes, little
// endian) and the raw bytes. Reply: its length (8 bytes) and encode_item()'s bytes.
constexpr std::size_t kFrameHeader = 8;

void put_u64(std::string& out, std::uint64_t n) {
    for (int i = 0; i < 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
}

std::uint64_t get_u64(const unsigned char* p) {
    std::uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= static_cast<std::uint64_t>(p[i]) << (8 * i);
    return n;
}

// Blocking I/O for the worker (its fds are its own; EOF ends it).
bool read_exact(int fd, char* buf, std::size_t n) {
    std::size_t off = 0;
    while (off < n) {
        const ssize_t r = read(fd, buf + off, n - off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        off += static_cast<std::size_t>(r);
    }
    return true;
}

bool write_all(int fd, const char* buf, std::size_t n) {
    std::size_t off = 0;
    while (off < n) {
        const ssize_t r = write(fd, buf + off, n - off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        off += static_cast<std::size_t>(r);
    }
    return true;
}

std::vector<std::string> limits_to_args(const common::Limits& l) {
    return {std::to_string(l.max_message_bytes), std::to_string(l.max_header_bytes),
            std::to_string(l.max_mime_depth),    std::to_string(l.max_parts),
            std::to_string(l.parse_timeout),     std::to_string(l.parse_memory_mb)};
}

bool limits_from_args(int argc, char** argv, common::Limits& l) {
    if (argc != 8) return false;
    try {
        l.max_message_bytes = std::stoull(argv[2]);
        l.max_header_bytes = std::stoull(argv[3]);
        l.max_mime_depth = std::stoi(argv[4]);
        l.max_parts = std::stoi(argv[5]);
        l.parse_timeout = std::stoi(argv[6]);
        l.parse_memory_mb = std::stoi(argv[7]);
    } catch (const std::exception&) {
        return false;
    }
    return l.parse_timeout > 0 && l.parse_memory_mb > 0;
}

// A message that exercises the lazily initialised paths of the parsers (quoted-printable,
// RFC 2047, charsets, HTML, base64 attachments), parsed once before the sandbox goes on.
constexpr const char* kWarmUp =
    "From: =?iso-8859-1?q?J=F6rg?= <j@example.org>\r\nSubject: =?utf-8?b?w6k=?=\r\n"
    "Message-ID: <warm-up@casegate>\r\nDate: Sat, 21 Nov 2026 09:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
    "--b\r\nContent-Type: text/html; charset=windows-1252\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n\r\n<p>GMC number: 1234567=E9</p>\r\n"
    "--b\r\nContent-Type: application/octet-stream; name*=utf-8''n%C3%A9.bin\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nAAECAwQ=\r\n--b--\r\n";

std::string reply_frame(const ParsedItem& item) {
    std::string body = encode_item(item);
    std::string frame;
    frame.reserve(kFrameHeader + body.size());
    put_u64(frame, body.size());
    frame += body;
    return frame;
}

// Exit statuses of a worker that never got to parse.
constexpr int kExitBadArguments = 2;
constexpr int kExitNoSandbox = 3;
constexpr int kExitNoStart = 5;

// Written by the worker once it is sandboxed: until then nothing it does is an item's fault.
constexpr char kReady = 'R';

std::string describe_exit(int status) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == kExitNoSandbox)
        return "parse worker could not enter its sandbox (seccomp or rlimits refused)";
    if (WIFEXITED(status) && WEXITSTATUS(status) == kExitNoStart)
        return "parse worker could not be started (exec failed)";
    if (WIFEXITED(status) && WEXITSTATUS(status) == kExitBadArguments)
        return "parse worker refused its arguments";
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        if (sig == SIGXCPU) return "parser exceeded its CPU time limit";
        if (sig == SIGSYS) return "parser made a system call its sandbox forbids (SIGSYS)";
        return std::string("parser crashed (signal ") + std::to_string(sig) + " " + strsignal(sig) +
               ")";
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        return "parser exited with status " + std::to_string(WEXITSTATUS(status));
    }
    return "parser stopped without replying";
}

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

enum class Io { ok, closed, timed_out };

// Sends all of `data` on the non-blocking socket before the deadline.
Io send_all(int fd, std::string_view data, Clock::time_point deadline) {
    std::size_t off = 0;
    while (off < data.size()) {
        const ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            const int left = ms_left(deadline);
            if (left == 0) return Io::timed_out;
            pollfd p{fd, POLLOUT, 0};
            poll(&p, 1, left);
            continue;
        }
        return Io::closed;
    }
    return Io::ok;
}

// Receives exactly n bytes before the deadline.
Io recv_exact(int fd, char* buf, std::size_t n, Clock::time_point deadline) {
    std::size_t off = 0;
    while (off < n) {
        const ssize_t r = recv(fd, buf + off, n - off, 0);
        if (r > 0) {
            off += static_cast<std::size_t>(r);
            continue;
        }
        if (r == 0) return Io::closed;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            const int left = ms_left(deadline);
            if (left == 0) return Io::timed_out;
            pollfd p{fd, POLLIN, 0};
            poll(&p, 1, left);
            continue;
        }
        return Io::closed;
    }
    return Io::ok;
}

ParsedItem failure(std::string reason) {
    ParsedItem item;
    item.status = ParseStatus::failed;
    item.reason = std::move(reason);
    return item;
}

}  // namespace

int parse_worker_main(int argc, char** argv) {
    common::Limits limits;
    if (!limits_from_args(argc, argv, limits)) return kExitBadArguments;
    // Everything loaded lazily is loaded now, while files may still be opened.
    tzset();
    parsers::prepare_parsers();
    parsers::prepare_pdf_reader();
    (void)parse_in_process(kWarmUp, ItemKind::email, limits, "2026-01-01");
    (void)parse_in_process(R"({"gmc_number":"1234567"})", ItemKind::json, limits, "2026-01-01");
    std::string error;
    if (!enter_sandbox(limits, error)) return kExitNoSandbox;  // never parse unconfined
    if (!write_all(1, &kReady, 1)) return 0;
    const std::size_t max_raw = limits.max_message_bytes;
    for (;;) {
        unsigned char head[2];
        if (!read_exact(0, reinterpret_cast<char*>(head), 2)) return 0;  // the pool closed us
        const ItemKind kind = head[0] == 1   ? ItemKind::json
                              : head[0] == 2 ? ItemKind::pdf
                                             : ItemKind::email;
        char today[16] = {};
        if (head[1] > 10 || !read_exact(0, today, head[1])) return 4;
        unsigned char len_bytes[8];
        if (!read_exact(0, reinterpret_cast<char*>(len_bytes), 8)) return 4;
        const std::uint64_t len = get_u64(len_bytes);
        if (len > max_raw) return 4;
        std::string raw(static_cast<std::size_t>(len), '\0');
        if (!read_exact(0, raw.data(), raw.size())) return 4;

        limit_cpu_for_next_item(limits.parse_timeout);
        ParsedItem item;
        try {
            item = parse_in_process(raw, kind, limits, std::string(today, head[1]));
        } catch (const std::exception& e) {
            item = failure(std::string("parser error: ") + e.what());
        }
        raw.clear();
        raw.shrink_to_fit();
        std::string frame;
        try {
            frame = reply_frame(item);
        } catch (const std::exception& e) {
            frame = reply_frame(failure(std::string("parser error: ") + e.what()));
        }
        if (!write_all(1, frame.data(), frame.size())) return 0;
    }
}

ParsePool::ParsePool(std::string worker_exe, const common::Limits& limits)
    : exe_(std::move(worker_exe)), limits_(limits) {}

ParsePool::~ParsePool() {
    stop(false);
}

bool ParsePool::start(std::string& error) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        error = std::string("cannot create the worker socket: ") + std::strerror(errno);
        return false;
    }
    std::vector<std::string> args = {"casegate", "parse-worker"};
    for (std::string& a : limits_to_args(limits_)) args.push_back(std::move(a));
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        error = std::string("cannot fork the parse worker: ") + std::strerror(errno);
        return false;
    }
    if (pid == 0) {
        // Only the socket (as stdin and stdout) and /dev/null (stderr) survive into the
        // worker: no database, mailbox or journal connection.
        const int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (dup2(sv[1], 0) < 0 || dup2(sv[1], 1) < 0 || devnull < 0 || dup2(devnull, 2) < 0)
            _exit(kExitNoStart);
        close_range(3, ~0U, 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        signal(SIGPIPE, SIG_DFL);
        execv(exe_.c_str(), argv.data());
        _exit(kExitNoStart);
    }
    close(sv[1]);
    fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    pid_ = pid;
    fd_ = sv[0];
    served_ = 0;
    ++started_;
    // Until the worker says it is sandboxed, a failure is the machine's, not an item's.
    char ready = 0;
    const auto deadline = Clock::now() + std::chrono::seconds(limits_.parse_timeout);
    if (recv_exact(fd_, &ready, 1, deadline) != Io::ok || ready != kReady) {
        error = describe_exit(stop(true));
        return false;
    }
    return true;
}

int ParsePool::stop(bool kill_now) {
    if (pid_ < 0) return 0;
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    if (kill_now) kill(pid_, SIGKILL);
    int status = 0;
    // A worker whose input closed exits at once; give it a moment, then make sure.
    for (int i = 0; !kill_now && i < 100; ++i) {
        const pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_ || (r < 0 && errno != EINTR)) {
            pid_ = -1;
            return status;
        }
        usleep(2000);
    }
    if (!kill_now) kill(pid_, SIGKILL);
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
}

ParsedItem ParsePool::parse(const std::string& raw, ItemKind kind, const std::string& today) {
    if (raw.size() > limits_.max_message_bytes) {
        // Refused before any parser sees it (the same limit the parser enforces).
        ParsedItem item;
        item.status = ParseStatus::unreadable;
        parsers::Refusal r = parsers::limit_error("message size", raw.size(), "max_message_bytes",
                                                  limits_.max_message_bytes);
        item.reason = std::move(r.reason);
        item.limit = std::move(r.limit);
        return item;
    }
    if (pid_ >= 0 && served_ >= kItemsPerWorker) stop(false);
    if (pid_ < 0) {
        std::string error;
        if (!start(error)) {
            ParsedItem item = failure(error);
            item.status = ParseStatus::unavailable;
            return item;
        }
    }
    ++served_;

    std::string request;
    request.reserve(2 + today.size() + 8 + raw.size());
    request += static_cast<char>(kind == ItemKind::json ? 1 : kind == ItemKind::pdf ? 2 : 0);
    request += static_cast<char>(std::min<std::size_t>(today.size(), 10));
    request.append(today, 0, 10);
    put_u64(request, raw.size());
    request += raw;

    const auto deadline = Clock::now() + std::chrono::seconds(limits_.parse_timeout);
    Io io = send_all(fd_, request, deadline);
    request.clear();
    unsigned char head[kFrameHeader];
    if (io == Io::ok) io = recv_exact(fd_, reinterpret_cast<char*>(head), kFrameHeader, deadline);
    std::string reply;
    if (io == Io::ok) {
        const std::uint64_t len = get_u64(head);
        // The reply is at most the input plus its evaluation; a subverted worker claiming more
        // is not believed.
        if (len > 4 * limits_.max_message_bytes + (1u << 20)) {
            stop(true);
            ++lost_;
            g_workers_lost.fetch_add(1, std::memory_order_relaxed);
            return failure("malformed reply from parser: length " + std::to_string(len));
        }
        reply.resize(static_cast<std::size_t>(len));
        io = recv_exact(fd_, reply.data(), reply.size(), deadline);
    }
    if (io == Io::timed_out) {
        stop(true);
        ++lost_;
        g_workers_lost.fetch_add(1, std::memory_order_relaxed);
        return failure("parser timed out after " + std::to_string(limits_.parse_timeout) + " s");
    }
    if (io == Io::closed) {
        const int status = stop(true);
        ++lost_;
        g_workers_lost.fetch_add(1, std::memory_order_relaxed);
        return failure(describe_exit(status));
    }
    ParsedItem item;
    if (!decode_item(reply, item)) {
        stop(true);
        ++lost_;
        g_workers_lost.fetch_add(1, std::memory_order_relaxed);
        return item;  // status failed, reason "malformed …"
    }
    if (item.status == ParseStatus::failed) {
        // The worker caught something (e.g. out of memory): its state is suspect.
        stop(false);
        ++lost_;
        g_workers_lost.fetch_add(1, std::memory_order_relaxed);
    }
    return item;
}

}  // namespace casegate::intake
