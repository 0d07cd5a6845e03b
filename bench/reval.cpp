// Times classify() over a million synthetic doctors built deterministically so that every
// rule of the table is hit. Prints plain "name: value" lines.
//
//   bench_reval [DOCTORS]     (default 1000000)
#include <sys/resource.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "revalidation/classify.hpp"

namespace rv = casegate::revalidation;

namespace {

const std::array<std::string, 8> dbs{"1-1RSSQ05", "1-1RSSPZ7", "1-1RUZUSF", "1-1RSG4X0",
                                     "1-1RUZV1D", "1-1RUZV4H", "1-1RUZV6H", "1-1RSSQ1B"};

rv::Date date(const char* s) {
    return *rv::Date::parse(s);
}

// A fixed mixing function rather than <random>, so the mix is the same on every library.
std::uint32_t mix(std::uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

rv::ProgrammeMembership membership(const std::string& db, const char* start, const char* end,
                                   rv::MembershipType type = rv::MembershipType::substantive) {
    rv::ProgrammeMembership m;
    m.id = "PM";
    m.programme_name = "General Practice";
    m.type = type;
    m.start_date = date(start);
    m.end_date = date(end);
    m.designated_body = db;
    return m;
}

struct Builder {
    rv::Inputs in;

    rv::TisPerson& person(std::uint32_t i, const std::string& gmc) {
        rv::TisPerson p;
        p.tis_person_id = "P" + std::to_string(i);
        p.gmc_number = gmc;
        p.current_grade = "ST3";
        in.tis.push_back(std::move(p));
        return in.tis.back();
    }

    void gmc_row(const std::string& gmc, const std::string& db) {
        rv::GmcDoctor g;
        g.gmc_number = gmc;
        g.designated_body = db;
        g.date_added = date("2025-08-10");
        in.gmc.push_back(std::move(g));
    }

    void action(const std::string& gmc, rv::ManualActionKind kind, const std::string& db) {
        rv::ManualAction a;
        a.gmc_number = gmc;
        a.action = kind;
        a.designated_body = db;
        a.at = date("2026-01-15");
        in.actions.push_back(std::move(a));
    }

    // One doctor; `pick` (0-99) chooses which rule it is built to meet.
    void doctor(std::uint32_t i, std::uint32_t pick) {
        const std::string gmc = std::to_string(1000000 + i);
        const std::string& db = dbs[i % dbs.size()];
        const std::string& other = dbs[(i + 1) % dbs.size()];
        const auto current = [&](const std::string& d) {
            return membership(d, "2025-08-06", "2028-08-05");
        };
        if (pick < 3) return gmc_row(gmc, db);  // 4 not in TIS
        if (pick < 5) {                         // 6 no GMC number
            person(i, "unknown").programme_memberships.push_back(current(db));
            return;
        }
        rv::TisPerson& p = person(i, gmc);
        if (pick < 40) {  // 13 connected
            p.programme_memberships.push_back(current(db));
            gmc_row(gmc, db);
        } else if (pick < 45) {  // 11 not connected
            p.programme_memberships.push_back(current(db));
        } else if (pick < 50) {  // 12 DB mismatch
            p.programme_memberships.push_back(current(db));
            gmc_row(gmc, other);
        } else if (pick < 53) {  // 14 ended
            p.programme_memberships.push_back(membership(db, "2021-08-04", "2025-08-03"));
            gmc_row(gmc, db);
        } else if (pick < 55) {  // 15 not started
            p.programme_memberships.push_back(membership(db, "2026-08-05", "2030-08-04"));
            gmc_row(gmc, db);
        } else if (pick < 56) {  // 16 no membership
            gmc_row(gmc, db);
        } else if (pick < 57) {  // 5 duplicate GMC number
            p.programme_memberships.push_back(current(db));
            person(i + 100000000, gmc).programme_memberships.push_back(current(other));
        } else if (pick < 58) {  // 7 licence removed
            p.programme_memberships.push_back(current(db));
            gmc_row(gmc, db);
            in.gmc.back().licence = rv::Licence::suspended;
        } else if (pick < 59) {  // 8 inactive
            p.status = rv::PersonStatus::inactive;
            p.programme_memberships.push_back(current(db));
            gmc_row(gmc, db);
        } else if (pick < 60) {  // 9 overlapping
            p.programme_memberships.push_back(current(db));
            p.programme_memberships.push_back(current(other));
        } else if (pick < 61) {  // 10 visitor
            p.programme_memberships.push_back(
                membership(db, "2025-08-06", "2028-08-05", rv::MembershipType::visitor));
        } else if (pick < 62) {  // 2 military
            p.programme_memberships.push_back(
                membership(db, "2025-08-06", "2028-08-05", rv::MembershipType::military));
            gmc_row(gmc, db);
        } else if (pick < 64) {  // 3 F1
            p.current_grade = "F1";
            p.programme_memberships.push_back(current(db));
        } else if (pick < 66) {  // 1 manually hidden
            p.programme_memberships.push_back(current(db));
            action(gmc, rv::ManualActionKind::hide, db);
        } else if (pick < 71) {  // 17 historic
            p.programme_memberships.push_back(membership(db, "2019-08-07", "2023-08-01"));
            in.history.push_back({gmc, db, date("2019-08-07"), date("2023-08-01")});
        } else if (pick < 81) {  // 18 no current membership
            p.programme_memberships.push_back(membership(db, "2019-08-07", "2023-08-01"));
        } else if (pick < 85) {  // 13, flagged
            p.programme_memberships.push_back(current(db));
            gmc_row(gmc, db);
            action(gmc, rv::ManualActionKind::flag, db);
        } else if (pick < 87) {  // 11 with a failed GMC request
            p.programme_memberships.push_back(current(db));
            rv::GmcRequest r;
            r.gmc_number = gmc;
            r.designated_body = db;
            r.at = date("2026-02-01");
            r.return_code = (pick == 85) ? std::optional<int>(90) : std::nullopt;
            in.gmc_requests.push_back(std::move(r));
        } else {  // 13
            p.programme_memberships.push_back(current(db));
            gmc_row(gmc, db);
        }
    }
};

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
    const std::uint32_t doctors =
        argc > 1 ? std::uint32_t(std::strtoul(argv[1], nullptr, 10)) : 1000000u;
    Builder b;
    b.in.tis.reserve(doctors + doctors / 50);
    b.in.gmc.reserve(doctors);
    for (std::uint32_t i = 0; i < doctors; ++i) b.doctor(i, mix(i) % 100);

    const auto start = std::chrono::steady_clock::now();
    const std::vector<rv::Classification> result = b.in.tis.empty() && b.in.gmc.empty()
                                                       ? std::vector<rv::Classification>{}
                                                       : rv::classify(b.in, date("2026-03-01"));
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;

    std::array<std::size_t, 19> per_rule{};
    for (const rv::Classification& c : result) ++per_rule[std::size_t(c.rule)];
    std::printf("doctors: %zu\n", result.size());
    std::printf("seconds: %.3f\n", took.count());
    std::printf("doctors_per_second: %.0f\n", double(result.size()) / took.count());
    std::printf("peak_rss_kib: %ld\n", peak_rss_kib());
    for (int rule = 1; rule <= 18; ++rule) {
        std::printf("rule_%d: %zu\n", rule, per_rule[std::size_t(rule)]);
    }
    return per_rule[0] == 0 ? 0 : 1;
}
