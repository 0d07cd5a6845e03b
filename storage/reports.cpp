#include "storage/reports.hpp"

namespace casegate::storage {

const std::vector<std::string>& report_dimensions() {
    static const std::vector<std::string> kDimensions = {"office", "employer", "route",
                                                         "type",   "status",   "outcome"};
    return kDimensions;
}

std::vector<ReportRow> case_report(Db& db, const std::string& from, const std::string& to,
                                   const std::string& office) {
    // One pass over the range: the office dimension over every office, the others over the
    // member's office only (`own`).
    const Result r = db.exec(
        // An employer on the office's list counts by its code (however it was written); one
        // that is not, as written.
        "WITH c AS (SELECT local_office, coalesce(employer_code || ' ' || employer_name,"
        "  employer, '') AS employer, concern_route,"
        "  concern_type, status, coalesce(outcome, '') AS outcome, local_office = $3 AS own"
        "  FROM cases WHERE created_at >= $1::date AND created_at < $2::date + 1),"
        " g AS (SELECT 'office' AS d, local_office AS v, count(*) AS n FROM c GROUP BY 2"
        "  UNION ALL SELECT 'employer', employer, count(*) FROM c WHERE own GROUP BY 2"
        "  UNION ALL SELECT 'route', concern_route, count(*) FROM c WHERE own GROUP BY 2"
        "  UNION ALL SELECT 'type', concern_type, count(*) FROM c WHERE own GROUP BY 2"
        "  UNION ALL SELECT 'status', status, count(*) FROM c WHERE own GROUP BY 2"
        "  UNION ALL SELECT 'outcome', outcome, count(*) FROM c WHERE own GROUP BY 2)"
        " SELECT d, v, n FROM g ORDER BY array_position(ARRAY['office', 'employer', 'route',"
        "  'type', 'status', 'outcome'], d), n DESC, v",
        {from, to, office});
    std::vector<ReportRow> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1), r.int64(i, 2)});
    return out;
}

}  // namespace casegate::storage
