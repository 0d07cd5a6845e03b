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

OpenedCase open_case(Db& db, const CaseRow& c, const SubmissionRow& s,
                     const std::string& created_details) {
    // Every parameter is cast: in INSERT … SELECT they are not typed by the target columns.
    const Result r = db.exec(
        "WITH ref AS (" CASEGATE_NEXT_REFERENCE_SQL
        "),"
        " c AS ("
        "  INSERT INTO cases (reference, status, local_office, designated_body, trainee_name,"
        "   gmc_number, programme, grade, employer, site, referrer_name, referrer_email,"
        "   referrer_role, referrer_phone, concern_route, concern_type, incident_date,"
        "   support_requested, trainee_aware, details, terms_accepted, employer_code,"
        "   employer_name)"
        "  SELECT ref.reference, $1::text, $2::text, $3::text, $4::text, $5::text, $6::text,"
        "   $7::text, $8::text, $9::text, $10::text, $11::text, $12::text, $13::text, $14::text,"
        "   $15::text, $16::date, $17::text[], $18::boolean, $19::text, $20::boolean,"
        "   $29::text, $30::text FROM ref"
        "  RETURNING id, reference),"
        " s AS ("
        "  INSERT INTO submissions (reference, inbound_item_id, channel, status, fields, missing,"
        "   errors, notes, sender_email, case_id)"
        "  SELECT c.reference, $21::bigint, $22::text, $23::text, $24::jsonb, $25::jsonb,"
        "   $26::jsonb, $27::jsonb, nullif($28::text, ''), c.id FROM c"
        "  RETURNING id),"
        " a AS ("
        "  INSERT INTO case_actions (case_id, kind, actor, inbound_item_id, details)"
        "  SELECT c.id, 'created', 'casegate', $21::bigint, $31::jsonb FROM c),"
        " l AS ("
        "  INSERT INTO audit_log (actor, action, case_id, submission_id)"
        "  SELECT 'casegate', 'case.created', c.id, s.id FROM c, s)"
        " SELECT c.id, c.reference, s.id FROM c, s",
        {std::string(workflow::to_string(c.status)),
         c.local_office,
         c.designated_body,
         c.trainee_name,
         c.gmc_number,
         c.programme,
         c.grade,
         c.employer,
         c.site,
         c.referrer_name,
         c.referrer_email,
         c.referrer_role,
         c.referrer_phone,
         c.concern_route,
         c.concern_type,
         c.incident_date,
         pg_text_array(c.support_requested),
         c.trainee_aware,
         c.details,
         c.terms_accepted,
         s.inbound_item_id,
         s.channel,
         std::string(workflow::to_string(s.status)),
         s.fields_json,
         s.missing_json,
         s.errors_json,
         s.notes_json,
         s.sender_email,
         c.employer_code,
         c.employer_name,
         created_details});
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
