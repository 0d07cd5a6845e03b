#include "storage/threads.hpp"

namespace casegate::storage {

std::optional<ThreadTarget> find_thread_target(Db& db, const std::string& reference) {
    const Result r = db.exec(
        "SELECT s.id, s.status, s.fields::text, s.missing::text, s.errors::text, s.notes::text,"
        " coalesce(s.sender_email, ''), c.id, coalesce(c.status, ''), coalesce(c.local_office, ''),"
        " coalesce(c.referrer_email, ''), coalesce(c.case_manager, '')"
        " FROM submissions s LEFT JOIN cases c ON c.id = s.case_id"
        " WHERE s.reference = $1 FOR UPDATE OF s",
        {reference});
    if (r.rows() == 0) return std::nullopt;
    ThreadTarget t;
    t.submission_id = r.int64(0, 0);
    t.submission_status = workflow::submission_status_from(r.text(0, 1))
                              .value_or(workflow::SubmissionStatus::incomplete);
    t.fields_json = r.text(0, 2);
    t.missing_json = r.text(0, 3);
    t.errors_json = r.text(0, 4);
    t.notes_json = r.text(0, 5);
    t.sender_email = r.text(0, 6);
    if (!r.is_null(0, 7)) t.case_id = r.int64(0, 7);
    t.case_status = r.text(0, 8);
    t.office = r.text(0, 9);
    t.referrer_email = r.text(0, 10);
    t.case_manager = r.text(0, 11);
    return t;
}

void update_submission(Db& db, std::int64_t submission_id, const std::string& fields_json,
                       const std::string& missing_json, const std::string& errors_json,
                       const std::string& notes_json) {
    db.defer(
        "UPDATE submissions SET fields = $2::jsonb, missing = $3::jsonb, errors = $4::jsonb,"
        " notes = $5::jsonb, updated_at = now() WHERE id = $1",
        {submission_id, fields_json, missing_json, errors_json, notes_json});
}

std::int64_t complete_submission(Db& db, std::int64_t submission_id, const std::string& reference,
                                 const CaseRow& c, const std::string& fields_json,
                                 const std::string& notes_json) {
    std::vector<Param> params{reference};
    append_case_params(params, c);  // $2 … $23
    params.insert(params.end(), {submission_id, fields_json, notes_json});
    const Result r = db.exec(
        "WITH c AS ("
        "  INSERT INTO cases (reference, " CASEGATE_CASE_COLUMNS
        ")"
        "  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
        "   $17::date, $18::text[], $19, $20, $21, $22, $23)"
        "  RETURNING id),"
        " s AS ("
        "  UPDATE submissions SET status = 'complete', fields = $25::jsonb, missing = '[]',"
        "   errors = '[]', notes = $26::jsonb, case_id = (SELECT id FROM c), updated_at = now()"
        "  WHERE id = $24 RETURNING id)"
        " SELECT c.id FROM c, s",
        params);
    return r.int64(0, 0);
}

std::optional<OpenCase> find_repeated_case(Db& db, const std::string& gmc_number,
                                           const std::string& referrer_email,
                                           const std::string& details) {
    const Result r = db.exec(
        "SELECT id, reference, local_office, coalesce(case_manager, '') FROM cases"
        " WHERE gmc_number = $1 AND lower(referrer_email) = lower($2) AND status NOT IN ('closed', "
        "'archived') AND NOT archived"
        " AND regexp_replace(details, '\\s+', ' ', 'g') = regexp_replace($3, '\\s+', ' ', 'g')"
        " ORDER BY id LIMIT 1",
        {gmc_number, referrer_email, details});
    if (r.rows() == 0) return std::nullopt;
    return OpenCase{r.int64(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3)};
}

void set_thread_reference(Db& db, std::int64_t item_id, const std::string& reference) {
    db.defer("UPDATE inbound_items SET thread_reference = $2 WHERE id = $1", {item_id, reference});
}

}  // namespace casegate::storage
