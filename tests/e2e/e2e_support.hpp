// What the end-to-end suites share: realistic referrals, running casegate once, reading what
// it sent, stopping it, and systemd's notify socket. The real binary, Dovecot, PostgreSQL and
// SMTP receiver come from tests/support/harness.hpp.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "notifier/mail.hpp"
#include "parsers/email.hpp"
#include "tests/support/harness.hpp"

namespace casegate::e2e {


inline std::string sample(const std::string& name) {
    return source_file("examples/demo/" + name);
}

// A referral with its own Message-ID, so that tests can deliver many distinct ones.
inline std::string referral(int n, const std::string& gmc = "7012345") {
    return "From: Supervisor " + std::to_string(n) + " <sup" + std::to_string(n) +
           "@trust.example.nhs.uk>\r\n"
           "To: referrals@casegate.test\r\nSubject: Referral " +
           std::to_string(n) + "\r\nMessage-ID: <ref-" + std::to_string(n) +
           "@trust.example.nhs.uk>\r\nDate: Thu, 19 Nov 2026 09:00:00 +0000\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           "Doctor's full name: Test Doctor\r\nGMC number: " +
           gmc +
           "\r\nYour name: Sam Supervisor\r\nYour role: Educational Supervisor\r\n"
           "Route: Professional\r\nType of concern: Conduct\r\n"
           "Details of the concern: Something happened.\r\n"
           "I accept the terms and conditions: yes\r\n";
}

// An email from a supervisor with `pdf` attached, built with casegate's own message writer.
inline std::string email_with_pdf(const std::string& id, const std::string& body, const std::string& pdf,
                           const std::string& filename) {
    casegate::notifier::OutgoingMessage m;
    m.from = {"Siân Ní Bhriain", "sian.nibhriain@trust.example.nhs.uk"};
    m.to = {{"", "referrals@casegate.test"}};
    m.subject = "Referral form";
    m.message_id = id + "@trust.example.nhs.uk";
    m.date = 1795000000;
    m.text_body = body;
    m.attachments.push_back({filename, "application/pdf", pdf});
    std::string raw = casegate::notifier::render(m);
    // Sent by a person's mail client: without the headers that mark casegate's own messages
    // as automatic.
    const auto header_end = raw.find("\r\n\r\n");
    std::string head = raw.substr(0, header_end + 2), out;
    for (std::size_t pos = 0; pos < head.size();) {
        const std::size_t eol = head.find("\r\n", pos) + 2;
        const std::string line = head.substr(pos, eol - pos);
        if (line.rfind("Auto-Submitted:", 0) != 0 && line.rfind("X-Auto-Response-Suppress:", 0) != 0)
            out += line;
        pos = eol;
    }
    return out + raw.substr(header_end + 2);
}

inline std::string test_data(const std::string& relative) {
    return source_file("tests/data/" + relative);
}

inline int run_once(const TestConfig& cfg, const std::map<std::string, std::string>& env = {},
                    const std::string& log_path = {}) {
    return run_casegate({"run", "--once", "--config", cfg.path()}, env, log_path);
}

// The lines of a log that hold `what`.
inline std::vector<std::string> log_lines(const std::string& path, const std::string& what) {
    std::vector<std::string> out;
    const std::string log = read_file(path);
    for (std::size_t pos = 0; pos < log.size();) {
        std::size_t eol = log.find('\n', pos);
        if (eol == std::string::npos) eol = log.size();
        const std::string line = log.substr(pos, eol - pos);
        if (line.find(what) != std::string::npos) out.push_back(line);
        pos = eol + 1;
    }
    return out;
}

// The decoded Subject of a sent message (read back with casegate's own MIME parser).
inline std::string subject_of(const std::string& raw) {
    const auto parsed = casegate::parsers::parse_email(raw, casegate::parsers::MimeLimits{});
    BOOST_REQUIRE_MESSAGE(parsed.ok, "sent message does not parse: " << parsed.error);
    return parsed.email.subject;
}

inline bool has_header(const std::string& msg, const std::string& header_line) {
    return msg.find(header_line) != std::string::npos;
}

// A count that treats "not there yet" (no schema, connection just lost) as -1.
inline std::int64_t count_or_unknown(TestDb& db, const std::string& sql) {
    try {
        return db.count(sql);
    } catch (const casegate::storage::DbError&) {
        return -1;
    }
}

// SIGTERM stops the daemon within seconds, with exit status 0.
inline void stop_with_sigterm(Process& daemon) {
    daemon.signal(SIGTERM);
    const int st = daemon.wait(std::chrono::seconds(10));
    BOOST_REQUIRE(st != -1);
    BOOST_TEST(WIFEXITED(st));
    BOOST_TEST(WEXITSTATUS(st) == 0);
}

struct Fresh {
    Fresh() { reset_mail(); }
};

// The socket systemd gives a Type=notify service: every datagram the daemon sends, kept.
struct NotifyListener {
    std::string path;
    int fd = -1;
    std::string seen;

    explicit NotifyListener(std::string p) : path(std::move(p)) {
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        BOOST_REQUIRE(fd >= 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        BOOST_REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~NotifyListener() { close(fd); }
    NotifyListener(const NotifyListener&) = delete;
    NotifyListener& operator=(const NotifyListener&) = delete;

    // Waits up to `timeout` for one datagram and keeps it (one line per datagram).
    void receive(std::chrono::milliseconds timeout) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(timeout.count())) != 1) return;
        char buf[512];
        const ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n > 0) seen.append(buf, static_cast<std::size_t>(n)).append("\n");
    }

    std::size_t count(const std::string& what) const {
        std::size_t c = 0;
        for (std::size_t at = seen.find(what); at != std::string::npos; at = seen.find(what, at + 1)) ++c;
        return c;
    }
};

}  // namespace casegate::e2e
