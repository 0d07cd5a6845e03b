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

std::string next_reference(Db& db) {
    const Result r = db.exec(
        "INSERT INTO reference_counters (year, last_value)"
        " VALUES (extract(year FROM now())::int, 1)"
        " ON CONFLICT (year) DO UPDATE SET last_value = reference_counters.last_value + 1"
        " RETURNING year, last_value");
    char buf[32];
    std::snprintf(buf, sizeof buf, "CG-%04d-%06d", static_cast<int>(r.int64(0, 0)),
                  static_cast<int>(r.int64(0, 1)));
    return buf;
}

std::int64_t insert_submission(Db& db, const SubmissionRow& s) {
    const Result r = db.exec(
        "INSERT INTO submissions (reference, inbound_item_id, channel, status, fields, missing,"
        " errors, notes, sender_email, case_id)"
        " VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, nullif($9, ''), $10)"
        " RETURNING id",
        {s.reference, s.inbound_item_id, s.channel, s.status, s.fields_json, s.missing_json,
         s.errors_json, s.notes_json, s.sender_email, s.case_id});
    return r.int64(0, 0);
}

void link_submission_to_case(Db& db, std::int64_t submission_id, std::int64_t case_id) {
    db.exec("UPDATE submissions SET case_id = $2, updated_at = now() WHERE id = $1",
            {submission_id, case_id});
}

std::int64_t insert_case(Db& db, const CaseRow& c) {
    const Result r = db.exec(
        "INSERT INTO cases (reference, status, local_office, designated_body, trainee_name,"
        " gmc_number, programme, grade, employer, site, referrer_name, referrer_email,"
        " referrer_role, referrer_phone, concern_route, concern_type, incident_date,"
        " support_requested, trainee_aware, details, terms_accepted)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
        " $17::date, $18::text[], $19, $20, $21) RETURNING id",
        {c.reference, c.status, c.local_office, c.designated_body, c.trainee_name, c.gmc_number,
         c.programme, c.grade, c.employer, c.site, c.referrer_name, c.referrer_email,
         c.referrer_role, c.referrer_phone, c.concern_route, c.concern_type, c.incident_date,
         pg_text_array(c.support_requested), c.trainee_aware, c.details, c.terms_accepted});
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
         static_cast<std::int64_t>(d.content.size()),
         Param::bytes(sha256(d.content)),
         Param::bytes(d.content)});
}

}  // namespace casegate::storage
