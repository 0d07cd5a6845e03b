// Small constructors for revalidation records, shared by the revalidation tests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "revalidation/classify.hpp"
#include "revalidation/model.hpp"

namespace casegate::revalidation::testing {

inline const std::string eoe = "1-1RSSQ05";     // East of England
inline const std::string em = "1-1RSSPZ7";      // East Midlands
inline const std::string wessex = "1-1RUZUSF";  // Wessex

inline Date day(const char* text) {
    return Date::parse(text).value();
}

/// The date every test classifies on.
inline Date today() {
    return day("2026-03-01");
}

inline ProgrammeMembership membership(const std::string& db, const char* start, const char* end,
                                      MembershipType type = MembershipType::substantive) {
    ProgrammeMembership m;
    m.id = "PM-" + db;
    m.programme_name = "Cardiology";
    m.type = type;
    if (start) m.start_date = day(start);
    if (end) m.end_date = day(end);
    m.designated_body = db;
    return m;
}

inline ProgrammeMembership current(const std::string& db,
                                   MembershipType type = MembershipType::substantive) {
    return membership(db, "2025-08-06", "2029-08-05", type);
}
inline ProgrammeMembership past(const std::string& db) {
    return membership(db, "2020-08-05", "2024-08-04");
}
inline ProgrammeMembership future(const std::string& db) {
    return membership(db, "2026-08-05", "2030-08-04");
}

inline TisPerson person(const std::string& id, const std::string& gmc,
                        std::vector<ProgrammeMembership> memberships = {},
                        const std::string& grade = "ST3",
                        PersonStatus status = PersonStatus::active) {
    TisPerson p;
    p.tis_person_id = id;
    p.gmc_number = gmc;
    p.forenames = "Ada";
    p.surname = "Byron";
    p.current_grade = grade;
    p.status = status;
    p.programme_memberships = std::move(memberships);
    return p;
}

inline GmcDoctor gmc_row(const std::string& gmc, const std::string& db,
                         Licence licence = Licence::licensed,
                         std::optional<Date> date_added = std::nullopt) {
    GmcDoctor g;
    g.gmc_number = gmc;
    g.designated_body = db;
    g.licence = licence;
    g.date_added = date_added;
    return g;
}

inline ManualAction action(const std::string& gmc, ManualActionKind kind, const std::string& db,
                           const char* at = "2026-01-10", const char* until = nullptr) {
    ManualAction a;
    a.gmc_number = gmc;
    a.action = kind;
    a.designated_body = db;
    a.by = "admin@example.nhs.uk";
    a.at = day(at);
    if (until) a.until = day(until);
    return a;
}

inline HistoryEntry history(const std::string& gmc, const std::string& db,
                            const char* from = "2018-08-01", const char* to = "2020-08-01") {
    HistoryEntry h;
    h.gmc_number = gmc;
    h.designated_body = db;
    if (from) h.from = day(from);
    if (to) h.to = day(to);
    return h;
}

inline GmcRequest request(const std::string& gmc, GmcRequestKind kind, const std::string& db,
                          const char* at, std::optional<int> return_code) {
    GmcRequest r;
    r.gmc_number = gmc;
    r.action = kind;
    r.designated_body = db;
    r.at = day(at);
    r.reason_code = 1;
    r.client_request_id = std::string("req-") + at;
    r.return_code = return_code;
    return r;
}

/// The classification with `key`, or nullopt (first one when keys repeat).
inline std::optional<Classification> find_key(const std::vector<Classification>& all,
                                              const std::string& key) {
    for (const Classification& c : all) {
        if (c.key == key) return c;
    }
    return std::nullopt;
}

/// Classifies and returns the one doctor with `key` (a default Classification with rule 0
/// when it is missing, which every test's rule check then reports).
inline Classification classify_key(const Inputs& in, const std::string& key, Date on = today()) {
    return find_key(classify(in, on), key).value_or(Classification{});
}

}  // namespace casegate::revalidation::testing
