#include "storage/case_records.hpp"

#include <algorithm>
#include <stdexcept>

#include "storage/cases.hpp"
#include "util/strings.hpp"

namespace casegate::storage {

namespace {

// A time as printed everywhere staff read it: "2026-03-05T10:11:12+00".
#define CASEGATE_TIME(col) "to_char(" col ", 'YYYY-MM-DD\"T\"HH24:MI:SSOF')"

// The columns of a StoredCase, read from `c` (cases, or a page of them) with its first
// submission.
#define CASEGATE_CASE_SELECT(from) \
    "SELECT c.id, c.reference, c.status, c.local_office, c.case_manager, c.trainee_name,"       \
    " c.gmc_number, c.referrer_name, c.referrer_email, c.concern_route, c.concern_type,"        \
    " c.employer, c.outcome, " CASEGATE_TIME("c.created_at") ", " CASEGATE_TIME("c.closed_at") \
    ", s.id, coalesce(s.fields::text, '{}')"                                                    \
    " FROM " from " c LEFT JOIN LATERAL (SELECT id, fields FROM submissions"                    \
    "  WHERE case_id = c.id ORDER BY id LIMIT 1) s ON true"

constexpr const char* kCaseColumns = CASEGATE_CASE_SELECT("cases");

std::optional<std::string> opt(const Result& r, int row, int col) {
    if (r.is_null(row, col)) return std::nullopt;
    return r.text(row, col);
}

StoredCase case_at(const Result& r, int i) {
    StoredCase c;
    c.id = r.int64(i, 0);
    c.reference = r.text(i, 1);
    const auto status = workflow::case_status_from(r.text(i, 2));
    if (!status) throw std::runtime_error("case " + c.reference + " has an unknown status");
    c.status = *status;
    c.local_office = r.text(i, 3);
    c.case_manager = opt(r, i, 4);
    c.trainee_name = r.text(i, 5);
    c.gmc_number = r.text(i, 6);
    c.referrer_name = r.text(i, 7);
    c.referrer_email = r.text(i, 8);
    c.concern_route = r.text(i, 9);
    c.concern_type = r.text(i, 10);
    c.employer = opt(r, i, 11);
    c.outcome = opt(r, i, 12);
    c.created_at = r.text(i, 13);
    c.closed_at = opt(r, i, 14);
    if (!r.is_null(i, 15)) c.submission_id = r.int64(i, 15);
    c.fields_json = r.text(i, 16);
    return c;
}

}  // namespace

std::optional<StoredCase> find_case(Db& db, const std::string& reference, bool lock) {
    const std::string sql =
        std::string(kCaseColumns) + " WHERE c.reference = $1" + (lock ? " FOR UPDATE OF c" : "");
    const Result r = db.exec(sql, {reference});
    if (r.rows() == 0) return std::nullopt;
    return case_at(r, 0);
}

void update_case(Db& db, std::int64_t case_id, const CaseUpdate& u) {
    std::optional<std::string> status;
    if (u.status) status = std::string(workflow::to_string(*u.status));
    db.exec(
        "UPDATE cases SET status = coalesce($2, status),"
        " archived = coalesce($2, status) = 'archived',"
        " case_manager = coalesce($3, case_manager), outcome = coalesce($4, outcome),"
        " closed_at = CASE WHEN $5 THEN now() WHEN $6 THEN NULL ELSE closed_at END,"
        " updated_at = now() WHERE id = $1",
        {case_id, status, u.case_manager, u.outcome, u.set_closed_at, u.clear_closed_at});
}

namespace {

// The WHERE clause of a listing and its parameters ($1…$11); `with_status` false leaves the
// statuses out (for the counts by status).
std::string case_where(const CaseFilter& f, bool with_status, std::vector<Param>& params) {
    const auto text = [](const std::string& s) { return s.empty() ? Param() : Param(s); };
    params = {text(f.office),
              f.case_manager,
              with_status && !f.statuses.empty() ? Param(pg_text_array(f.statuses)) : Param(),
              text(f.route),
              text(f.type),
              text(f.employer),
              text(f.search),
              text(f.created_from),
              text(f.created_to),
              f.include_archived,
              text(f.gmc)};
    return " WHERE ($1::text IS NULL OR c.local_office = $1)"
           " AND ($2::text IS NULL OR lower(c.case_manager) = lower($2))"
           " AND ($3::text[] IS NULL OR c.status = ANY($3::text[]))"
           " AND ($4::text IS NULL OR lower(c.concern_route) = lower($4))"
           " AND ($5::text IS NULL OR lower(c.concern_type) = lower($5))"
           " AND ($6::text IS NULL OR strpos(lower(coalesce(c.employer, '')), lower($6)) > 0"
           "  OR upper(c.employer_code) = upper($6)"
           "  OR strpos(lower(coalesce(c.employer_name, '')), lower($6)) > 0)"
           " AND ($7::text IS NULL OR strpos(lower(c.reference), lower($7)) > 0"
           "  OR strpos(lower(c.trainee_name), lower($7)) > 0"
           "  OR strpos(c.gmc_number, $7) > 0"
           "  OR strpos(lower(c.referrer_name), lower($7)) > 0"
           "  OR strpos(lower(c.referrer_email), lower($7)) > 0)"
           " AND ($8::date IS NULL OR c.created_at::date >= $8::date)"
           " AND ($9::date IS NULL OR c.created_at::date <= $9::date)"
           // status, not the archived flag (kept equal by 0006): the index on (office, status)
           // answers it alone.
           " AND ($10 OR c.status <> 'archived')"
           " AND ($11::text IS NULL OR c.gmc_number = $11)";
}

std::string order_column(const std::string& sort) {
    static const std::pair<const char*, const char*> kColumns[] = {
        {"reference", "c.reference"},
        {"status", "c.status"},
        {"office", "c.local_office"},
        {"case_manager", "lower(c.case_manager)"},
        {"doctor", "lower(c.trainee_name)"},
        {"gmc", "c.gmc_number"},
        {"referrer", "lower(c.referrer_name)"},
        {"route", "c.concern_route"},
        {"type", "c.concern_type"},
        {"employer", "lower(c.employer)"},
    };
    for (const auto& [name, column] : kColumns) {
        if (sort == name) return column;
    }
    return "c.created_at";
}

}  // namespace

std::vector<StoredCase> list_cases(Db& db, const CaseFilter& f, const CaseOrder& order) {
    std::vector<Param> params;
    const char* dir = order.ascending ? " ASC" : " DESC";
    // By date, the order of the index on (office, created_at, id): a page is read from the
    // index, not sorted out of every case of the office.
    const std::string column = order_column(order.sort);
    const std::string order_by =
        column == "c.created_at" ? util::concat({" ORDER BY c.created_at", dir, ", c.id", dir})
                                 : util::concat({" ORDER BY ", column, dir,
                                                 " NULLS LAST, c.created_at", dir, ", c.id", dir});
    // The page of cases first, then each one's submission: only the rows shown are joined.
    std::string page = "SELECT c.* FROM cases c" + case_where(f, true, params) + order_by;
    if (order.limit > 0) {
        params.emplace_back(order.limit);
        params.emplace_back(std::max(0, order.offset));
        page += " LIMIT $12 OFFSET $13";
    }
    const std::string sql =
        "WITH page AS (" + page + ") " + CASEGATE_CASE_SELECT("page") + order_by;
    const Result r = db.exec(sql, params);
    std::vector<StoredCase> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(case_at(r, i));
    return out;
}

CaseCounts count_cases(Db& db, const CaseFilter& f) {
    std::vector<Param> params;
    const std::string where = case_where(f, false, params);
    const Result r = db.exec(
        "SELECT c.status, count(*) FROM cases c" + where + " GROUP BY 1 ORDER BY 1", params);
    CaseCounts out;
    for (int i = 0; i < r.rows(); ++i) {
        const std::string status = r.text(i, 0);
        const int n = static_cast<int>(r.int64(i, 1));
        out.by_status.emplace_back(status, n);
        if (f.statuses.empty() ||
            std::find(f.statuses.begin(), f.statuses.end(), status) != f.statuses.end())
            out.total += n;
    }
    return out;
}

std::vector<StoredAction> case_actions_of(Db& db, std::int64_t case_id) {
    const Result r = db.exec("SELECT kind, actor, " CASEGATE_TIME("at") ", details::text"
                             " FROM case_actions WHERE case_id = $1 ORDER BY at, id",
                             {case_id});
    std::vector<StoredAction> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3)});
    return out;
}

std::vector<StoredDocument> documents_of(Db& db, std::optional<std::int64_t> case_id,
                                         std::optional<std::int64_t> submission_id) {
    const Result r = db.exec(
        "SELECT filename, content_type, " CASEGATE_TIME("created_at") ", size, id FROM documents"
        " WHERE case_id = $1 OR ($1::bigint IS NULL AND submission_id = $2) ORDER BY id",
        {case_id, submission_id});
    std::vector<StoredDocument> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.int64(i, 3), r.int64(i, 4)});
    return out;
}

std::optional<DocumentContent> document_of_case(Db& db, std::int64_t case_id,
                                                std::int64_t document_id) {
    const Result r = db.exec(
        "SELECT filename, content_type, content FROM documents WHERE id = $2 AND case_id = $1",
        {case_id, document_id});
    if (r.rows() == 0) return std::nullopt;
    return DocumentContent{r.text(0, 0), r.text(0, 1), r.bytes(0, 2)};
}

std::vector<AuditEntry> audit_of(Db& db, std::optional<std::int64_t> case_id,
                                 std::optional<std::int64_t> submission_id) {
    const Result r = db.exec(
        "SELECT " CASEGATE_TIME("at") ", actor, action, details::text FROM audit_log"
        " WHERE case_id = $1 OR (case_id IS NULL AND submission_id = $2) ORDER BY at, id",
        {case_id, submission_id});
    std::vector<AuditEntry> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3)});
    return out;
}

std::optional<StoredSubmission> find_incomplete_submission(Db& db, const std::string& reference) {
    const Result r = db.exec(
        "SELECT id, reference, channel, " CASEGATE_TIME("created_at") ", fields::text,"
        " missing::text, errors::text FROM submissions"
        " WHERE reference = $1 AND case_id IS NULL AND status = 'incomplete'",
        {reference});
    if (r.rows() == 0) return std::nullopt;
    return StoredSubmission{r.int64(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3),
                            r.text(0, 4),  r.text(0, 5), r.text(0, 6)};
}

std::vector<CaseEvent> claim_case_events(Db& db, int limit) {
    const Result r = db.exec(
        "SELECT e.id, c.reference, e.db_user, e.old_status, e.new_status,"
        " coalesce(e.old_case_manager, ''), coalesce(e.new_case_manager, '')"
        " FROM case_events e JOIN cases c ON c.id = e.case_id"
        " WHERE e.processed_at IS NULL ORDER BY e.id LIMIT $1 FOR UPDATE OF e SKIP LOCKED",
        {limit});
    std::vector<CaseEvent> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.int64(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4),
                       r.text(i, 5), r.text(i, 6)});
    }
    return out;
}

void case_event_done(Db& db, std::int64_t id) {
    db.defer("UPDATE case_events SET processed_at = now() WHERE id = $1", {id});
}

void mark_case_service(Db& db) {
    db.defer("SELECT set_config('casegate.case_service', 'on', true)", {});
}

}  // namespace casegate::storage
