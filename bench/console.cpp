// The staff console under a full database (run by bench/console): N cases (default 100,000)
// across 14 offices are written as the intake writes them, then a running `casegate console`
// is asked, over HTTP on loopback, for
//   - the working list, filtered (status), sorted (by doctor) and searched (a surname),
//   - a case page (a different case each time),
// and, as the references measured in the same run, a static file (the server's floor) and the
// list's database query alone (storage::list_cases, the database's floor). Prints p50 and p99
// of each, in milliseconds, and the console's peak resident memory (VmHWM).
//
//   bench_console CONFIG CONSOLE_PID BASE_URL [N]
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "storage/case_records.hpp"
#include "storage/cases.hpp"
#include "storage/console.hpp"
#include "storage/migrations.hpp"
#include "util/random.hpp"

using namespace casegate;
using Clock = std::chrono::steady_clock;

namespace {

const char* const kSurnames[] = {"Smith", "Jones", "Patel", "Khan",   "Williams", "Brown",
                                 "Taylor", "Davies", "Evans", "Wilson", "Thomas",  "Roberts",
                                 "Johnson", "Lewis", "Walker", "Okafor", "Nguyen", "Kowalski"};
const char* const kRoutes[] = {"Professional", "Health", "Educational"};
const char* const kTypes[] = {"Conduct", "Performance", "Health", "Attendance"};

void seed(storage::Db& db, const common::Config& cfg, int n) {
    std::mt19937 rng(42);
    const auto t0 = Clock::now();
    constexpr int kBatch = 2000;
    for (int done = 0; done < n;) {
        storage::Transaction tx(db);
        for (int i = 0; i < kBatch && done < n; ++i, ++done) {
            const auto& office = cfg.offices[static_cast<std::size_t>(done) % cfg.offices.size()];
            storage::CaseRow c;
            c.status = workflow::CaseStatus::submitted;
            c.local_office = office.name;
            c.trainee_name = std::string("Doctor ") + kSurnames[rng() % std::size(kSurnames)];
            c.gmc_number = std::to_string(1000000 + done);  // 7 digits up to 8,999,999 cases
            c.employer = "Trust " + std::to_string(rng() % 40);
            c.referrer_name = std::string("Referrer ") + kSurnames[rng() % std::size(kSurnames)];
            c.referrer_email = "referrer" + std::to_string(done % 500) + "@trust.example.nhs.uk";
            c.referrer_role = "Educational Supervisor";
            c.concern_route = kRoutes[rng() % std::size(kRoutes)];
            c.concern_type = kTypes[rng() % std::size(kTypes)];
            c.details = "Details of the concern, a paragraph of free text as referrers write it.";
            c.terms_accepted = true;
            storage::SubmissionRow s;
            s.channel = "email-body";
            s.status = workflow::SubmissionStatus::complete;
            s.fields_json = R"({"trainee_name":")" + c.trainee_name + R"(","gmc_number":")" +
                            c.gmc_number + R"(","concern_route":")" + c.concern_route + R"("})";
            s.sender_email = c.referrer_email;
            const storage::OpenedCase o = storage::open_case(db, c, s);
        }
        tx.commit();
    }
    // Statuses spread as a year's work leaves them (the case service's trigger marks changes
    // made outside it as events; the daemon is not running, and nobody is told).
    db.exec("UPDATE cases SET status = (ARRAY['submitted','accepted','under_review','closed'])"
            "[1 + (id % 4)] WHERE id % 4 <> 0");
    db.exec("DELETE FROM case_events");
    db.exec("VACUUM ANALYZE cases");  // as autovacuum leaves a table that has settled
    std::cout << "seeded " << n << " cases across " << cfg.offices.size() << " offices in "
              << std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - t0).count()
              << " s\n";
}

struct Figures {
    double p50 = 0, p99 = 0;
};

Figures percentiles(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    const auto at = [&ms](double q) {
        return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ms.size())))];
    };
    return {at(0.50), at(0.99)};
}

template <typename F>
Figures measure(int times, F&& once) {
    std::vector<double> ms;
    ms.reserve(static_cast<std::size_t>(times));
    for (int i = 0; i < times; ++i) {
        const auto t0 = Clock::now();
        once(i);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    return percentiles(std::move(ms));
}

long peak_kib(const std::string& pid) {
    std::ifstream in("/proc/" + pid + "/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    }
    return -1;
}

void print(const char* what, const Figures& f) {
    std::printf("%-44s p50 %7.2f ms   p99 %7.2f ms\n", what, f.p50, f.p99);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::cerr << "usage: bench_console CONFIG CONSOLE_PID BASE_URL [N]\n";
        return 2;
    }
    const common::Config cfg = common::load_config(argv[1], common::Program::console);
    const std::string pid = argv[2];
    const std::string base = argv[3];
    const int n = argc > 4 ? std::atoi(argv[4]) : 100000;
    storage::Db db(cfg.database_conninfo);
    if (db.exec("SELECT count(*) FROM cases").int64(0, 0) == 0) seed(db, cfg, n);

    // An admin of the first office, signed in as the sign-in link would do it.
    const auto& office = cfg.offices.front();
    const std::string admin = office.staff.front().email;
    const std::string session = util::random_hex(32);
    const std::string csrf = util::random_hex(32);
    storage::add_session(db, session, admin, csrf, "link", 600);
    const std::vector<std::string> refs = [&] {
        std::vector<std::string> out;
        const storage::Result r = db.exec(
            "SELECT reference FROM cases WHERE local_office = $1 ORDER BY random() LIMIT 400",
            {office.name});
        for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
        return out;
    }();

    httplib::Client http(base);
    http.set_keep_alive(true);
    http.set_tcp_nodelay(true);
    const httplib::Headers cookie = {{"Cookie", "__Host-casegate=" + session}};
    int failures = 0;
    const auto get = [&](const std::string& path) {
        const auto res = http.Get(path, cookie);
        if (!res || res->status != 200) ++failures;
    };
    constexpr int kTimes = 400;
    // Warm the console's connections and PostgreSQL's cache first.
    for (int i = 0; i < 20; ++i) get("/?status=submitted&sort=doctor&dir=asc");

    const Figures asset = measure(kTimes, [&](int) { get("/assets/console.css"); });
    const Figures list = measure(kTimes, [&](int i) {
        get(std::string("/?status=submitted&sort=doctor&dir=asc&q=") +
            kSurnames[static_cast<std::size_t>(i) % std::size(kSurnames)]);
    });
    const Figures plain = measure(kTimes, [&](int i) {
        get(i % 2 ? "/" : "/?page=" + std::to_string(1 + i % 20));
    });
    const Figures one = measure(kTimes, [&](int i) {
        get("/cases/" + refs[static_cast<std::size_t>(i) % refs.size()]);
    });
    const Figures query = measure(kTimes, [&](int i) {
        storage::CaseFilter f;
        f.office = office.name;
        f.statuses = {"submitted"};
        f.search = kSurnames[static_cast<std::size_t>(i) % std::size(kSurnames)];
        storage::CaseOrder o;
        o.sort = "doctor";
        o.ascending = true;
        o.limit = 50;
        storage::Transaction tx(db);
        (void)storage::list_cases(db, f, o);
        (void)storage::count_cases(db, f);
        tx.commit();
    });

    const long cases = db.exec("SELECT count(*) FROM cases").int64(0, 0);
    std::printf("%ld cases, %zu offices; %d requests each; failures %d\n", cases,
                cfg.offices.size(), kTimes, failures);
    print("static file (server floor)", asset);
    print("list query + counts alone (database floor)", query);
    print("list page, filtered, sorted, searched", list);
    print("list page, working list and pages 1-20", plain);
    print("case page", one);
    std::printf("console peak resident memory (VmHWM): %.1f MiB\n",
                static_cast<double>(peak_kib(pid)) / 1024.0);
    return failures == 0 ? 0 : 1;
}
