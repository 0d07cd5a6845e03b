#include "storage/triage.hpp"

namespace casegate::storage {

namespace {

std::vector<std::string> references(Db& db, const std::string& where, const std::string& office,
                                    const std::string& since) {
    const Result r = db.exec("SELECT c.reference FROM cases c WHERE c.local_office = $1 AND (" +
                                 where + ") ORDER BY c.id",
                             {office, since.empty() ? std::string("-infinity") : since});
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
}

}  // namespace

TriageFigures triage_figures(Db& db, const std::string& office, const std::string& since) {
    TriageFigures f;
    f.new_cases = references(db, "c.created_at > $2::timestamptz", office, since);
    f.awaiting_triage =
        references(db, "c.status = 'submitted' AND $2::timestamptz IS NOT NULL", office, since);
    f.with_follow_ups =
        references(db,
                   "c.status NOT IN ('closed', 'archived') AND EXISTS (SELECT 1 FROM case_actions a"
                   " WHERE a.case_id = c.id AND a.kind = 'follow_up' AND a.at > $2::timestamptz)",
                   office, since);
    f.no_case_manager = references(db,
                                   "c.status IN ('accepted', 'under_review') AND c.case_manager IS "
                                   "NULL AND $2::timestamptz IS NOT NULL",
                                   office, since);
    return f;
}

}  // namespace casegate::storage
