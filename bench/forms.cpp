// The public form service under load (run by bench/forms):
//
//   bench_forms accept BASE_URL SERVICE_PID N CLIENTS
//       CLIENTS threads, each with its own keep-alive connection, send N referrals in all as
//       the check page's form does (POST /send, the declaration accepted, each with its own
//       GMC number). Prints referrals/s stored durably (the answer is the 303 to the receipt,
//       sent only after the fsyncs and the rename), then, in the same run, the reference: the
//       same clients asking for a receipt page (the same server and templates, no storing).
//       Then the service's peak resident memory (VmHWM).
//   bench_forms spool DIR N CLIENTS
//       The spool alone: CLIENTS threads store N submissions straight into a spool in DIR (the
//       same fsyncs and renames, no HTTP): the disk's floor for the figure above.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "formsvc/spool.hpp"
#include "util/strings.hpp"

using Clock = std::chrono::steady_clock;

namespace {

std::string referral_form(int i) {
    const std::pair<const char*, std::string> fields[] = {
        {"trainee_name", "Test Doctor"},
        {"gmc_number", std::to_string(6000000 + i)},
        {"referrer_name", "Sam Supervisor"},
        {"referrer_email", "sam" + std::to_string(i % 500) + "@trust.example.nhs.uk"},
        {"referrer_role", "Educational Supervisor"},
        {"concern_route", "Professional"},
        {"concern_type", "Conduct"},
        {"support_requested", "Coaching"},
        {"details", "Two incidents on the ward; colleagues concerned. A paragraph of free text "
                    "as referrers write it, with enough words to be a realistic submission."},
        {"terms_accepted", "yes"}};
    std::string body;
    for (const auto& [k, v] : fields) body += (body.empty() ? "" : "&") + std::string(k) + "=" + casegate::util::percent_encode(v);
    return body;
}

// Runs `n` calls of `one(i)` over `clients` threads; returns calls per second and the failures.
template <typename F>
std::pair<double, int> run(int n, int clients, F&& one) {
    std::atomic<int> next{0};
    std::atomic<int> failed{0};
    const auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            auto state = one.start(c);
            for (int i = next++; i < n; i = next++) {
                if (!one.call(state, i)) ++failed;
            }
        });
    }
    for (auto& t : threads) t.join();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    return {n / s, failed.load()};
}

long peak_kib(const std::string& pid) {
    std::ifstream in("/proc/" + pid + "/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    }
    return -1;
}

struct Sender {
    std::string base;
    std::unique_ptr<httplib::Client> start(int) const {
        auto c = std::make_unique<httplib::Client>(base);
        c->set_keep_alive(true);
        c->set_tcp_nodelay(true);  // as browsers do; else each body waits for a delayed ACK
        c->set_read_timeout(60, 0);
        return c;
    }
    bool call(std::unique_ptr<httplib::Client>& c, int i) const {
        const auto r = c->Post("/send", referral_form(i), "application/x-www-form-urlencoded");
        return r && r->status == 303;
    }
};

struct Reader {
    std::string base;
    std::unique_ptr<httplib::Client> start(int) const {
        auto c = std::make_unique<httplib::Client>(base);
        c->set_keep_alive(true);
        c->set_tcp_nodelay(true);  // as browsers do; else each body waits for a delayed ACK
        return c;
    }
    bool call(std::unique_ptr<httplib::Client>& c, int) const {
        const auto r = c->Get("/received/20261203-120000-000000-ABCDEF");
        return r && r->status == 200;
    }
};

struct Storer {
    casegate::formsvc::Spool& spool;
    int start(int) const { return 0; }
    bool call(int, int i) const {
        spool.store(R"({"gmc_number":")" + std::to_string(6000000 + i) + R"(","details":"x"})", {});
        return true;
    }
};

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "accept" && argc == 6) {
        const std::string base = argv[2];
        const std::string pid = argv[3];
        const int n = std::atoi(argv[4]);
        const int clients = std::atoi(argv[5]);
        const auto [rate, failed] = run(n, clients, Sender{base});
        std::printf("form service, %d referrals sent by %d clients: %.1f stored/s (%d failed)\n", n,
                    clients, rate, failed);
        const auto [floor, failed_reads] = run(n, clients, Reader{base});
        std::printf("reference, a receipt page (no storing):   %.1f pages/s (%d failed)\n", floor,
                    failed_reads);
        std::printf("form service peak resident memory (VmHWM): %.1f MiB\n",
                    static_cast<double>(peak_kib(pid)) / 1024);
        return failed == 0 && failed_reads == 0 ? 0 : 1;
    }
    if (mode == "spool" && argc == 5) {
        casegate::formsvc::Spool spool(argv[2]);
        const int n = std::atoi(argv[3]);
        const int clients = std::atoi(argv[4]);
        const auto [rate, failed] = run(n, clients, Storer{spool});
        std::printf("reference, the spool alone (%d threads):   %.1f stored/s\n", clients, rate);
        return failed == 0 ? 0 : 1;
    }
    std::cerr << "usage: bench_forms accept BASE_URL SERVICE_PID N CLIENTS\n"
                 "       bench_forms spool DIR N CLIENTS\n";
    return 2;
}
