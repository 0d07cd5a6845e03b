#include "storage/imports.hpp"

namespace casegate::storage {

std::optional<EmployerAlias> find_employer_alias(Db& db, const std::string& office,
                                                 const std::string& key) {
    const Result r =
        db.exec("SELECT code, name FROM employer_aliases WHERE office = $1 AND written = $2",
                {office, key});
    if (r.rows() == 0) return std::nullopt;
    return EmployerAlias{r.text(0, 0), r.text(0, 1)};
}

void save_employer_alias(Db& db, const std::string& office, const std::string& key,
                         const std::string& as_given, const EmployerAlias& to,
                         const std::string& by) {
    db.exec(
        "INSERT INTO employer_aliases (office, written, code, name, as_given, mapped_by)"
        " VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (office, written) DO UPDATE SET code = EXCLUDED.code,"
        "  name = EXCLUDED.name, as_given = EXCLUDED.as_given, mapped_by = EXCLUDED.mapped_by,"
        "  mapped_at = now()",
        {office, key, to.code, to.name, as_given, by});
}

std::vector<std::pair<std::int64_t, std::string>> unmatched_employers(Db& db,
                                                                      const std::string& office) {
    const Result r = db.exec(
        "SELECT id, employer FROM cases WHERE local_office = $1 AND employer_code IS NULL"
        " AND employer IS NOT NULL AND employer <> '' ORDER BY id",
        {office});
    std::vector<std::pair<std::int64_t, std::string>> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.int64(i, 0), r.text(i, 1));
    return out;
}

void set_case_employer(Db& db, const std::vector<std::int64_t>& case_ids,
                       const EmployerAlias& employer) {
    if (case_ids.empty()) return;
    db.exec("UPDATE cases SET employer_code = $2, employer_name = $3 WHERE id = ANY($1::bigint[])",
            {pg_id_array(case_ids), employer.code, employer.name});
}

std::vector<EmployerCount> employer_counts(Db& db, const std::string& office) {
    const Result r = db.exec(
        "SELECT coalesce(employer_code, ''), coalesce(max(employer_name), employer), count(*)"
        " FROM cases WHERE local_office = $1 AND employer IS NOT NULL AND employer <> ''"
        " GROUP BY coalesce(employer_code, ''),"
        "  CASE WHEN employer_code IS NULL THEN employer END, employer"
        " ORDER BY 3 DESC, 1, 2",
        {office});
    std::vector<EmployerCount> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1), r.int64(i, 2)});
    return out;
}

std::int64_t start_import(Db& db, const std::string& office, const std::string& file_name,
                          const std::string& file_sha256, const std::string& by) {
    return db
        .exec(
            "INSERT INTO case_imports (office, file_name, file_sha256, imported_by)"
            " VALUES ($1, $2, $3, $4) RETURNING id",
            {office, file_name, file_sha256, by})
        .int64(0, 0);
}

void finish_import(Db& db, std::int64_t import_id, int rows_read, int created, int already,
                   int rejected) {
    db.exec(
        "UPDATE case_imports SET finished_at = now(), rows_read = $2, created = $3,"
        " already = $4, rejected = $5 WHERE id = $1",
        {import_id, rows_read, created, already, rejected});
}

namespace {

std::set<std::string> present(Db& db, const std::string& sql, const std::vector<std::string>& v) {
    std::set<std::string> out;
    if (v.empty()) return out;
    const Result r = db.exec(sql, {pg_text_array(v)});
    for (int i = 0; i < r.rows(); ++i) out.insert(r.text(i, 0));
    return out;
}

}  // namespace

std::set<std::string> imported_keys(Db& db, const std::vector<std::string>& keys) {
    return present(db, "SELECT key FROM imported_rows WHERE key = ANY($1::text[])", keys);
}

std::set<std::string> taken_references(Db& db, const std::vector<std::string>& references) {
    return present(db, "SELECT reference FROM cases WHERE reference = ANY($1::text[])", references);
}

void queue_imported_case(Db& db, std::int64_t import_id, const ImportedCase& i,
                         const std::string& by) {
    const CaseRow& c = i.c;
    // The reference: the one given (the year's counter raised past it), or the next of the
    // year the case was received in.
    std::optional<std::string> given_number;
    std::string year = i.received.substr(0, 4);
    if (!i.reference.empty()) {
        year = i.reference.substr(3, 4);
        given_number = i.reference.substr(8);
    }
    std::vector<Param> params{year, given_number, i.reference};
    append_case_params(params, c);  // $4 … $25
    params.insert(params.end(), {i.case_manager, i.outcome, i.closed, i.received, import_id,
                                 i.source_reference, i.fields_json, i.key, by, i.notes});
    db.defer(
        "WITH ref AS (SELECT CASE WHEN $2::bigint IS NULL THEN next_case_reference($1::int)"
        "  ELSE (SELECT $3::text FROM raise_case_reference($1::int, $2::bigint)) END AS reference),"
        " c AS ("
        "  INSERT INTO cases (reference, " CASEGATE_CASE_COLUMNS
        ", archived, case_manager, outcome, closed_at, created_at, updated_at, import_id,"
        "   source_reference)"
        "  SELECT ref.reference, $4::text, $5::text, $6::text, $7::text,"
        "   $8::text, $9::text, $10::text, $11::text, $12::text, $13::text, $14::text, $15::text,"
        "   $16::text, $17::text, $18::text, $19::date, $20::text[], $21::boolean, $22::text,"
        "   $23::boolean, $24::text, $25::text, $4::text = 'archived', $26::text, $27::text,"
        "   $28::date, $29::date, now(), $30::bigint, $31::text FROM ref"
        "  RETURNING id, reference, created_at),"
        " s AS ("
        "  INSERT INTO submissions (reference, channel, status, fields, case_id, created_at)"
        "  SELECT c.reference, 'import', 'complete', $32::jsonb, c.id, c.created_at FROM c),"
        " k AS (INSERT INTO imported_rows (key, import_id, case_id)"
        "  SELECT $33::text, $30::bigint, c.id FROM c),"
        " a AS (INSERT INTO case_actions (case_id, kind, actor, at, details)"
        "  SELECT c.id, 'created', $34::text, c.created_at,"
        "   jsonb_build_object('channel', 'import', 'import', $30::bigint) FROM c"
        "  UNION ALL SELECT c.id, 'note', $34::text, c.created_at,"
        "   jsonb_build_object('text', $35::text, 'imported', true) FROM c"
        "  WHERE $35::text IS NOT NULL)"
        " SELECT reference FROM c",
        params);
}

std::vector<ExportedCase> export_cases(Db& db, const std::string& office) {
    const Result r = db.exec(
        "SELECT c.reference, c.status, to_char(c.created_at, 'YYYY-MM-DD'),"
        " coalesce(to_char(c.closed_at, 'YYYY-MM-DD'), ''), coalesce(c.outcome, ''),"
        " coalesce(c.case_manager, ''), coalesce(c.employer_code, ''),"
        " coalesce(c.source_reference, ''),"
        " jsonb_strip_nulls(jsonb_build_object('trainee_name', c.trainee_name,"
        "  'gmc_number', c.gmc_number, 'programme', c.programme, 'grade', c.grade,"
        "  'local_office', c.local_office, 'employer', c.employer, 'site', c.site,"
        "  'referrer_name', c.referrer_name, 'referrer_email', nullif(c.referrer_email, ''),"
        "  'referrer_role', nullif(c.referrer_role, ''), 'referrer_phone', c.referrer_phone,"
        "  'concern_route', c.concern_route, 'concern_type', c.concern_type,"
        "  'incident_date', c.incident_date, 'support_requested', c.support_requested,"
        "  'trainee_aware', c.trainee_aware, 'details', nullif(c.details, ''),"
        "  'terms_accepted', c.terms_accepted))::text,"
        " coalesce((SELECT string_agg(a.details->>'text', E'\\n\\n' ORDER BY a.at, a.id)"
        "  FROM case_actions a WHERE a.case_id = c.id AND a.kind = 'note'), '')"
        " FROM cases c WHERE c.local_office = $1 AND c.purged_at IS NULL ORDER BY c.created_at, "
        "c.id",
        {office});
    std::vector<ExportedCase> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4),
                       r.text(i, 5), r.text(i, 6), r.text(i, 7), r.text(i, 8), r.text(i, 9)});
    }
    return out;
}

}  // namespace casegate::storage
