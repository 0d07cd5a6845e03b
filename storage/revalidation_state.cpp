// Classifications and their history, manual actions, and GMC Connect requests.
//
// Classifications are compared by a digest of everything stored about the doctor, so a run
// that changes nothing writes nothing; changed rows go through a temporary table filled by
// COPY and one INSERT … ON CONFLICT, so 100,000 doctors cost a few statements.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_map>

#include "storage/cases.hpp"
#include "storage/digest.hpp"
#include "storage/revalidation.hpp"

namespace casegate::storage {
namespace {

namespace rv = revalidation;
using json = nlohmann::json;

std::vector<std::string> reason_words(const rv::Classification& c) {
    std::vector<std::string> out;
    out.reserve(c.reasons.size());
    for (rv::Reason r : c.reasons) out.emplace_back(rv::to_string(r));
    return out;
}

std::string visible_json(const rv::Classification& c) {
    json a = json::array();
    for (const rv::Visibility& v : c.visible_to) {
        a.push_back({{"designated_body", v.designated_body},
                     {"editable", v.editable},
                     {"action", v.action == rv::OfficeAction::none
                                    ? json(nullptr)
                                    : json(std::string(rv::to_string(v.action)))}});
    }
    return a.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::string> request_json(const rv::Classification& c) {
    if (!c.gmc_request) return std::nullopt;
    const rv::GmcRequestStatus& r = *c.gmc_request;
    json j = {{"state", std::string(rv::to_string(r.state))},
              {"action", std::string(rv::to_string(r.action))},
              {"designated_body", r.designated_body},
              {"at", r.at.to_string()},
              {"return_code", r.return_code ? json(*r.return_code) : json(nullptr)},
              {"client_request_id", r.client_request_id},
              {"error", r.error}};
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// One classification as the fields written to the table (after doctor_key), in column order.
struct Row {
    std::optional<std::string> gmc_number, tis_person_id;
    std::string list;
    std::string rule;
    std::string reasons;  // text[] literal
    std::string flagged;
    std::string tis_dbs;  // text[] literal
    std::optional<std::string> gmc_db;
    std::string visible_to;
    std::optional<std::string> gmc_request;
    std::string signature;
};

Row row_of(const rv::Classification& c) {
    Row r;
    r.gmc_number = c.gmc_number;
    r.tis_person_id = c.tis_person_id;
    r.list = std::string(rv::to_string(c.list));
    r.rule = std::to_string(c.rule);
    r.reasons = pg_text_array(reason_words(c));
    r.flagged.assign(1, c.flagged ? 't' : 'f');
    r.tis_dbs = pg_text_array(c.tis_designated_bodies);
    r.gmc_db = c.gmc_designated_body;
    r.visible_to = visible_json(c);
    r.gmc_request = request_json(c);
    std::string all;
    for (const auto* f : {&r.list, &r.rule, &r.reasons, &r.flagged, &r.tis_dbs, &r.visible_to}) {
        all += *f;
        all += '\x1f';
    }
    for (const auto* f : {&r.gmc_number, &r.tis_person_id, &r.gmc_db, &r.gmc_request}) {
        if (*f) {
            all += '1';
            all += **f;
        } else {
            all += '0';
        }
        all += '\x1f';
    }
    r.signature = to_hex(sha256(all));
    return r;
}

struct Stored {
    std::string signature;
    std::string list;
    std::vector<std::string> reasons;
};

// Reads a text[] of reason words ({A,B}); the words never need quoting.
std::vector<std::string> words_of(std::string s) {
    std::vector<std::string> out;
    if (s.size() < 2) return out;
    s = s.substr(1, s.size() - 2);
    std::size_t pos = 0;
    while (pos < s.size()) {
        const std::size_t comma = std::min(s.find(',', pos), s.size());
        std::string w = s.substr(pos, comma - pos);
        w.erase(std::remove(w.begin(), w.end(), '"'), w.end());
        if (!w.empty()) out.push_back(std::move(w));
        pos = comma + 1;
    }
    return out;
}

std::vector<std::string> minus(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
    std::vector<std::string> out;
    for (const auto& x : a) {
        if (std::find(b.begin(), b.end(), x) == b.end()) out.push_back(x);
    }
    return out;
}

void history_row(std::string& out, const std::string& key, const std::string& day,
                 const std::optional<std::string>& previous, const std::optional<std::string>& list,
                 const std::vector<std::string>& added, const std::vector<std::string>& resolved) {
    append_copy_field(out, true, key);
    append_copy_field(out, false, day);
    append_copy_field(out, false, previous);
    append_copy_field(out, false, list);
    append_copy_field(out, false, pg_text_array(added));
    append_copy_field(out, false, pg_text_array(resolved));
    out += '\n';
}

}  // namespace

ClassificationChanges store_classifications(Db& db, const std::vector<rv::Classification>& current,
                                            rv::Date classified_on) {
    ClassificationChanges ch;
    const std::string day = classified_on.to_string();
    std::unordered_map<std::string, Stored> stored;
    {
        const Result r =
            db.exec("SELECT doctor_key, signature, list, reasons FROM reval_classifications");
        stored.reserve(static_cast<std::size_t>(r.rows()));
        for (int i = 0; i < r.rows(); ++i) {
            stored.emplace(r.text(i, 0),
                           Stored{r.text(i, 1), r.text(i, 2), words_of(r.text(i, 3))});
        }
    }
    std::string stage, history;
    for (const rv::Classification& c : current) {
        const Row row = row_of(c);
        auto it = stored.find(c.key);
        std::optional<std::string> previous_list;
        std::vector<std::string> previous_reasons;
        if (it != stored.end()) {
            if (it->second.signature.empty()) {
                throw std::invalid_argument("doctor key " + c.key + " given twice");
            }
            const bool same = it->second.signature == row.signature;
            previous_list = it->second.list;
            previous_reasons = std::move(it->second.reasons);
            it->second.signature.clear();  // seen
            if (same) {
                ++ch.unchanged;
                continue;
            }
            ++ch.updated;
        } else {
            stored.emplace(c.key, Stored{});  // seen, so that a repeated key is caught
            ++ch.inserted;
        }
        const std::vector<std::string> reasons = reason_words(c);
        if (previous_list != row.list || previous_reasons != reasons) {
            history_row(history, c.key, day, previous_list, row.list,
                        minus(reasons, previous_reasons), minus(previous_reasons, reasons));
            ++ch.history;
        }
        append_copy_field(stage, true, c.key);
        append_copy_field(stage, false, row.gmc_number);
        append_copy_field(stage, false, row.tis_person_id);
        append_copy_field(stage, false, row.list);
        append_copy_field(stage, false, row.rule);
        append_copy_field(stage, false, row.reasons);
        append_copy_field(stage, false, row.flagged);
        append_copy_field(stage, false, row.tis_dbs);
        append_copy_field(stage, false, row.gmc_db);
        append_copy_field(stage, false, row.visible_to);
        append_copy_field(stage, false, row.gmc_request);
        append_copy_field(stage, false, row.signature);
        append_copy_field(stage, false, day);
        stage += '\n';
    }
    std::vector<std::string> gone;
    for (auto& [key, s] : stored) {
        if (s.signature.empty()) continue;  // seen (or new)
        gone.push_back(key);
        history_row(history, key, day, s.list, std::nullopt, {}, s.reasons);
        ++ch.history;
    }
    ch.removed = gone.size();
    if (!stage.empty()) {
        db.exec(
            "CREATE TEMP TABLE IF NOT EXISTS reval_classifications_stage"
            " (LIKE reval_classifications INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
        db.copy_in(
            "COPY reval_classifications_stage (doctor_key, gmc_number, tis_person_id, list, rule,"
            " reasons, flagged, tis_designated_bodies, gmc_designated_body, visible_to,"
            " gmc_request, signature, classified_on) FROM STDIN",
            stage);
        db.exec(
            "INSERT INTO reval_classifications AS c (doctor_key, gmc_number, tis_person_id, list,"
            " rule, reasons, flagged, tis_designated_bodies, gmc_designated_body, visible_to,"
            " gmc_request, signature, classified_on)"
            " SELECT doctor_key, gmc_number, tis_person_id, list, rule, reasons, flagged,"
            " tis_designated_bodies, gmc_designated_body, visible_to, gmc_request, signature,"
            " classified_on FROM reval_classifications_stage"
            " ON CONFLICT (doctor_key) DO UPDATE SET gmc_number = EXCLUDED.gmc_number,"
            " tis_person_id = EXCLUDED.tis_person_id, list = EXCLUDED.list, rule = EXCLUDED.rule,"
            " reasons = EXCLUDED.reasons, flagged = EXCLUDED.flagged,"
            " tis_designated_bodies = EXCLUDED.tis_designated_bodies,"
            " gmc_designated_body = EXCLUDED.gmc_designated_body,"
            " visible_to = EXCLUDED.visible_to, gmc_request = EXCLUDED.gmc_request,"
            " signature = EXCLUDED.signature, classified_on = EXCLUDED.classified_on,"
            " since = CASE WHEN c.list IS DISTINCT FROM EXCLUDED.list"
            "  OR c.reasons IS DISTINCT FROM EXCLUDED.reasons THEN now() ELSE c.since END,"
            " updated_at = now()");
        db.exec("DELETE FROM reval_classifications_stage");
    }
    if (!gone.empty()) {
        db.exec("DELETE FROM reval_classifications WHERE doctor_key = ANY($1::text[])",
                {pg_text_array(gone)});
    }
    if (!history.empty()) {
        db.copy_in(
            "COPY reval_classification_history (doctor_key, classified_on, previous_list, list,"
            " reasons_new, reasons_resolved) FROM STDIN",
            history);
    }
    return ch;
}

std::vector<ClassificationSummary> load_notable_classifications(Db& db) {
    const Result r = db.exec(
        "SELECT doctor_key, gmc_number, list, visible_to::text,"
        " coalesce(gmc_request->>'client_request_id', ''), coalesce(gmc_request->>'state', '')"
        " FROM reval_classifications WHERE list = 'discrepancy' OR gmc_request IS NOT NULL"
        " ORDER BY doctor_key");
    std::vector<ClassificationSummary> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        ClassificationSummary s;
        s.key = r.text(i, 0);
        if (!r.is_null(i, 1)) s.gmc_number = r.text(i, 1);
        s.list = r.text(i, 2);
        const json v = json::parse(r.text(i, 3), nullptr, /*allow_exceptions=*/false);
        if (v.is_array()) {
            for (const json& e : v) {
                const auto body = e.find("designated_body");
                const auto ed = e.find("editable");
                if (body != e.end() && body->is_string() && ed != e.end() && ed->is_boolean() &&
                    ed->get<bool>()) {
                    s.editable_bodies.push_back(body->get<std::string>());
                }
            }
        }
        s.request_client_id = r.text(i, 4);
        s.request_state = r.text(i, 5);
        out.push_back(std::move(s));
    }
    return out;
}

namespace {

std::optional<std::string> context_json(const rv::ManualAction& a) {
    if (!a.context) return std::nullopt;
    json j = {
        {"gmc_designated_body",
         a.context->gmc_designated_body ? json(*a.context->gmc_designated_body) : json(nullptr)},
        {"tis_designated_bodies", a.context->tis_designated_bodies}};
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::int64_t record_manual_action(Db& db, const rv::ManualAction& a,
                                  const std::string& facts_json) {
    const Result r = db.exec(
        "INSERT INTO reval_manual_actions (gmc_number, tis_person_id, action, designated_body,"
        " actor, effective_on, reason, until, context, facts)"
        " VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8::date, $9::jsonb, $10::jsonb) RETURNING id",
        {a.gmc_number, a.tis_person_id, rv::to_string(a.action), a.designated_body, a.by,
         a.at.to_string(), a.reason, a.until ? Param(a.until->to_string()) : Param::null(),
         context_json(a), facts_json});
    return r.int64(0, 0);
}

std::int64_t record_gmc_request(Db& db, const NewGmcRequest& q) {
    const Result r = db.exec(
        "INSERT INTO reval_gmc_requests (client_request_id, action, gmc_number, designated_body,"
        " reason_code, requested_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        {q.client_request_id, rv::to_string(q.action), q.gmc_number, q.designated_body,
         q.reason_code, q.requested_by});
    const std::int64_t id = r.int64(0, 0);
    db.exec(
        "INSERT INTO reval_manual_actions (gmc_number, action, designated_body, actor,"
        " effective_on, reason, facts, gmc_request_id)"
        " VALUES ($1, $2, $3, $4, $5::date, $6, $7::jsonb, $8)",
        {q.gmc_number, rv::to_string(q.action), q.designated_body, q.requested_by,
         q.effective_on.to_string(), q.reason, q.facts_json, id});
    return id;
}

std::vector<LeasedGmcRequest> lease_gmc_requests(Db& db, int limit, int lease_seconds) {
    const Result r = db.exec(
        "UPDATE reval_gmc_requests SET state = 'sent', attempts = attempts + 1,"
        " leased_until = now() + make_interval(secs => $2), updated_at = now()"
        " WHERE id IN (SELECT id FROM reval_gmc_requests"
        "  WHERE (state IN ('pending', 'failed') AND next_attempt_at <= now())"
        "   OR (state = 'sent' AND leased_until < now())"
        "  ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)"
        " RETURNING id, action, gmc_number, designated_body, reason_code, requested_by,"
        " client_request_id, attempts",
        {limit, lease_seconds});
    std::vector<LeasedGmcRequest> out;
    for (int i = 0; i < r.rows(); ++i) {
        LeasedGmcRequest q;
        q.id = r.int64(i, 0);
        q.action = rv::parse_gmc_request_kind(r.text(i, 1)).value_or(rv::GmcRequestKind::add);
        q.gmc_number = r.text(i, 2);
        q.designated_body = r.text(i, 3);
        q.reason_code = static_cast<int>(r.int64(i, 4));
        q.requested_by = r.text(i, 5);
        q.client_request_id = r.text(i, 6);
        q.attempts = static_cast<int>(r.int64(i, 7));
        out.push_back(std::move(q));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
}

bool finish_gmc_request(Db& db, std::int64_t id, const GmcRequestOutcome& o,
                        int retry_initial_seconds, int retry_max_seconds) {
    const char* state = o.outcome == rv::GmcOutcome::success   ? "succeeded"
                        : o.outcome == rv::GmcOutcome::refused ? "refused"
                                                               : "failed";
    const Result r = db.exec(
        "UPDATE reval_gmc_requests SET state = $2, return_code = $3,"
        " gmc_request_id = nullif($4, ''), error = nullif($5, ''), leased_until = NULL,"
        " finished_at = CASE WHEN $2 = 'failed' THEN NULL ELSE now() END,"
        " next_attempt_at = CASE WHEN $2 = 'failed' THEN now() + make_interval(secs =>"
        "  least($7::float8, $6::float8 * power(2, greatest(attempts - 1, 0))))"
        "  ELSE next_attempt_at END,"
        " updated_at = now() WHERE id = $1 AND state = 'sent'",
        {id, state, o.return_code, o.gmc_request_id, o.text, retry_initial_seconds,
         retry_max_seconds});
    return r.affected() == 1;
}

}  // namespace casegate::storage
