#include "storage/cases.hpp"

#include "storage/digest.hpp"

#include <cstdio>

namespace casegate::storage {

std::string pg_text_array(const std::vector<std::string>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        out += '"';
        for (char c : values[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

// The one place a reference is made: next_case_reference (0014_reference_sequence.sql), the
// year's next number as CG-YYYY-NNNNNN, from a sequence that never waits for another
// transaction.
#define CASEGATE_NEXT_REFERENCE_SQL \
    "SELECT next_case_reference(extract(year FROM now())::int) AS reference"

std::string pg_id_array(const std::vector<std::int64_t>& ids) {
    std::string array = "{";
    for (const std::int64_t id : ids) {
        if (array.size() > 1) array += ',';
        array += std::to_string(id);
    }
    return array + '}';
}

std::string next_reference(Db& db) {
    return db.exec(CASEGATE_NEXT_REFERENCE_SQL).text(0, 0);
}

void append_case_params(std::vector<Param>& params, const CaseRow& c) {
    params.reserve(params.size() + 22);
    params.emplace_back(std::string(workflow::to_string(c.status)));
    params.emplace_back(c.local_office);
    params.emplace_back(c.designated_body);
    params.emplace_back(c.trainee_name);
    params.emplace_back(c.gmc_number);
    params.emplace_back(c.programme);
    params.emplace_back(c.grade);
    params.emplace_back(c.employer);
    params.emplace_back(c.site);
    params.emplace_back(c.referrer_name);
    params.emplace_back(c.referrer_email);
    params.emplace_back(c.referrer_role);
    params.emplace_back(c.referrer_phone);
    params.emplace_back(c.concern_route);
    params.emplace_back(c.concern_type);
    params.emplace_back(c.incident_date);
    params.emplace_back(pg_text_array(c.support_requested));
    params.emplace_back(c.trainee_aware);
    params.emplace_back(c.details);
    params.emplace_back(c.terms_accepted);
    params.emplace_back(c.employer_code);
    params.emplace_back(c.employer_name);
}

OpenedCase open_case(Db& db, const CaseRow& c, const SubmissionRow& s,
                     const std::string& created_details) {
    std::vector<Param> params;
    append_case_params(params, c);  // $1 … $22
    params.insert(
        params.end(),
        {s.inbound_item_id, s.channel, std::string(workflow::to_string(s.status)), s.fields_json,
         s.missing_json, s.errors_json, s.notes_json, s.sender_email, created_details});
    // Every parameter is cast: in INSERT … SELECT they are not typed by the target columns.
    const Result r = db.exec(
        "WITH ref AS (" CASEGATE_NEXT_REFERENCE_SQL
        "),"
        " c AS ("
        "  INSERT INTO cases (reference, " CASEGATE_CASE_COLUMNS
        ")"
        "  SELECT ref.reference, $1::text, $2::text, $3::text, $4::text, $5::text, $6::text,"
        "   $7::text, $8::text, $9::text, $10::text, $11::text, $12::text, $13::text, $14::text,"
        "   $15::text, $16::date, $17::text[], $18::boolean, $19::text, $20::boolean,"
        "   $21::text, $22::text FROM ref"
        "  RETURNING id, reference),"
        " s AS ("
        "  INSERT INTO submissions (reference, inbound_item_id, channel, status, fields, missing,"
        "   errors, notes, sender_email, case_id)"
        "  SELECT c.reference, $23::bigint, $24::text, $25::text, $26::jsonb, $27::jsonb,"
        "   $28::jsonb, $29::jsonb, nullif($30::text, ''), c.id FROM c"
        "  RETURNING id),"
        " a AS ("
        "  INSERT INTO case_actions (case_id, kind, actor, inbound_item_id, details)"
        "  SELECT c.id, 'created', 'casegate', $23::bigint, $31::jsonb FROM c),"
        " l AS ("
        "  INSERT INTO audit_log (actor, action, case_id, submission_id)"
        "  SELECT 'casegate', 'case.created', c.id, s.id FROM c, s)"
        " SELECT c.id, c.reference, s.id FROM c, s",
        params);
    return {r.int64(0, 0), r.int64(0, 2), r.text(0, 1)};
}

std::int64_t insert_submission(Db& db, const SubmissionRow& s) {
    const Result r = db.exec(
        "INSERT INTO submissions (reference, inbound_item_id, channel, status, fields, missing,"
        " errors, notes, sender_email, case_id)"
        " VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, nullif($9, ''), $10)"
        " RETURNING id",
        {s.reference, s.inbound_item_id, s.channel, std::string(workflow::to_string(s.status)),
         s.fields_json, s.missing_json, s.errors_json, s.notes_json, s.sender_email, s.case_id});
    return r.int64(0, 0);
}

void add_case_action(Db& db, std::int64_t case_id, const std::string& kind,
                     const std::string& actor, std::optional<std::int64_t> inbound_item_id,
                     const std::string& details_json) {
    db.defer(
        "INSERT INTO case_actions (case_id, kind, actor, inbound_item_id, details)"
        " VALUES ($1, $2, $3, $4, $5::jsonb)",
        {case_id, kind, actor, inbound_item_id, details_json});
}

void audit(Db& db, const std::string& actor, const std::string& action,
           std::optional<std::int64_t> case_id, std::optional<std::int64_t> submission_id,
           const std::string& details_json) {
    db.defer(
        "INSERT INTO audit_log (actor, action, case_id, submission_id, details)"
        " VALUES ($1, $2, $3, $4, $5::jsonb)",
        {actor, action, case_id, submission_id, details_json});
}

void insert_document(Db& db, const DocumentRow& d) {
    db.defer(
        "INSERT INTO documents (case_id, submission_id, inbound_item_id, filename, content_type,"
        " size, sha256, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {d.case_id, d.submission_id, d.inbound_item_id, d.filename, d.content_type,
         static_cast<std::int64_t>(d.content.size()), Param::bytes(sha256(d.content)),
         Param::bytes(d.content)});
}

}  // namespace casegate::storage
