// Per-item cost of parsing in the sandboxed worker (ParsePool: socket round trip, rlimits,
// seccomp, worker reuse) against parsing in this process, for the same inputs.
// Prints plain "name: value" lines.
//
//   bench_parse WORKER_EXE [ITEMS]     (WORKER_EXE: the casegate binary; ITEMS default 2000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "daemon/parse_worker.hpp"

namespace cd = casegate::daemon;

namespace {

std::string text_referral(int i) {
    return "From: A Supervisor <a.sup@example.nhs.uk>\r\n"
           "To: referrals@example.nhs.uk\r\nSubject: Referral " + std::to_string(i) + "\r\n"
           "Message-ID: <bench-" + std::to_string(i) + "@example.nhs.uk>\r\n"
           "Date: Sat, 21 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\n"
           "Doctor's full name: Siân Ní Bhriain\r\nGMC number: 1234567\r\n"
           "Your name: A Supervisor\r\nYour role: Clinical Supervisor\r\n"
           "Route: Personal\r\nType of concern: Health\r\n"
           "Details of the concern: a few lines of text describing the concern.\r\n"
           "I accept the terms and conditions: yes\r\n";
}

struct Result {
    double per_item_us = 0;
    int ok = 0;
};

template <typename F>
Result time_items(const std::vector<std::string>& items, F&& parse) {
    Result r;
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& raw : items) {
        if (parse(raw).status == cd::ParseStatus::ok) ++r.ok;
    }
    const auto t1 = std::chrono::steady_clock::now();
    r.per_item_us = std::chrono::duration<double, std::micro>(t1 - t0).count() /
                    static_cast<double>(items.size());
    return r;
}

void report(const char* name, const std::vector<std::string>& items, const std::string& exe) {
    const cd::Limits limits;
    const std::string today = "2026-11-21";
    const Result local = time_items(items, [&](const std::string& raw) {
        return cd::parse_in_process(raw, cd::ItemKind::email, limits, today);
    });
    cd::ParsePool pool(exe, limits);
    pool.parse(items.front(), cd::ItemKind::email, today);  // start the worker outside the timing
    const Result sandboxed = time_items(items, [&](const std::string& raw) {
        return pool.parse(raw, cd::ItemKind::email, today);
    });
    std::printf("%s items: %zu (ok in process %d, ok sandboxed %d)\n", name, items.size(), local.ok,
                sandboxed.ok);
    std::printf("%s in-process per item: %.1f us\n", name, local.per_item_us);
    std::printf("%s sandboxed per item: %.1f us\n", name, sandboxed.per_item_us);
    std::printf("%s sandbox overhead per item: %.1f us\n", name,
                sandboxed.per_item_us - local.per_item_us);
    std::printf("%s workers started: %d\n", name, pool.workers_started());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_parse WORKER_EXE [ITEMS]\n");
        return 2;
    }
    const std::string exe = argv[1];
    const int n = argc > 2 ? std::atoi(argv[2]) : 2000;
    std::vector<std::string> text;
    for (int i = 0; i < n; ++i) text.push_back(text_referral(i));
    report("text-email", text, exe);
    return 0;
}
