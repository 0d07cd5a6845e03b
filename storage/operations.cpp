#include "storage/operations.hpp"

#include <nlohmann/json.hpp>

#include "storage/cases.hpp"

namespace casegate::storage {

namespace {

constexpr const char* kItemColumns =
    "id, source, source_kind, state, coalesce(verdict, ''), coalesce(reason, ''),"
    " to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),"
    " coalesce(to_char(processed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), ''),"
    " size, truncated, attempts, coalesce(message_id, ''), coalesce(from_address, ''),"
    " duplicate_of, coalesce(thread_reference, ''), coalesce(released_by, '')";

ItemRow item_of(const Result& r, int i) {
    ItemRow row;
    row.id = r.int64(i, 0);
    row.source = r.text(i, 1);
    row.source_kind = r.text(i, 2);
    row.state = r.text(i, 3);
    row.verdict = r.text(i, 4);
    row.reason = r.text(i, 5);
    row.received_at = r.text(i, 6);
    row.processed_at = r.text(i, 7);
    row.size = r.int64(i, 8);
    row.truncated = r.boolean(i, 9);
    row.attempts = static_cast<int>(r.int64(i, 10));
    row.message_id = r.text(i, 11);
    row.from_address = r.text(i, 12);
    if (!r.is_null(i, 13)) row.duplicate_of = r.int64(i, 13);
    row.thread_reference = r.text(i, 14);
    row.released_by = r.text(i, 15);
    return row;
}

std::string when(const Result& r, int row, int col) {
    return r.is_null(row, col) ? "" : r.text(row, col);
}

}  // namespace

std::vector<ItemRow> list_items(Db& db, const std::vector<std::string>& states, int limit) {
    const Result r = db.exec(std::string("SELECT ") + kItemColumns +
                                 " FROM inbound_items WHERE state = ANY($1::text[])"
                                 " ORDER BY id DESC LIMIT $2",
                             {pg_text_array(states), static_cast<std::int64_t>(limit)});
    std::vector<ItemRow> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(item_of(r, i));
    return out;
}

std::optional<ItemRow> find_item(Db& db, std::int64_t id) {
    const Result r =
        db.exec(std::string("SELECT ") + kItemColumns + " FROM inbound_items WHERE id = $1", {id});
    if (r.rows() == 0) return std::nullopt;
    return item_of(r, 0);
}

std::string item_raw(Db& db, std::int64_t id) {
    const Result r = db.exec("SELECT raw FROM inbound_items WHERE id = $1", {id});
    return r.rows() == 0 ? std::string() : r.bytes(0, 0);
}

bool release_duplicate(Db& db, std::int64_t id, const std::string& by) {
    return db.exec(
                 "UPDATE inbound_items SET state = 'received', attempts = 0,"
                 " next_attempt_at = now(), processed_at = NULL, claimed_by = NULL,"
                 " claimed_until = NULL, released_by = $2, thread_reference = NULL"
                 " WHERE id = $1 AND state = 'duplicate'",
                 {id, by})
               .affected() == 1;
}

std::vector<OutboxRow> list_outbox(Db& db, const std::string& state, int limit) {
    const Result r = db.exec(
        "SELECT o.id, o.kind, o.state, coalesce(c.reference, s.reference, ''),"
        " array_to_json(o.recipients),"
        " o.attempts, coalesce(o.last_error, ''),"
        " to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),"
        " to_char(o.next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),"
        " to_char(o.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
        " FROM outbox o LEFT JOIN cases c ON c.id = o.case_id"
        " LEFT JOIN submissions s ON s.id = o.submission_id"
        " WHERE $1 = '' OR o.state = $1 ORDER BY o.id DESC LIMIT $2",
        {state, static_cast<std::int64_t>(limit)});
    std::vector<OutboxRow> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        OutboxRow row;
        row.id = r.int64(i, 0);
        row.kind = r.text(i, 1);
        row.state = r.text(i, 2);
        row.reference = r.text(i, 3);
        row.recipients = nlohmann::json::parse(r.text(i, 4)).get<std::vector<std::string>>();
        row.attempts = static_cast<int>(r.int64(i, 5));
        row.last_error = r.text(i, 6);
        row.created_at = r.text(i, 7);
        row.next_attempt_at = row.state == "pending" ? r.text(i, 8) : "";
        row.sent_at = when(r, i, 9);
        out.push_back(std::move(row));
    }
    return out;
}

bool resend_outbox(Db& db, std::int64_t id) {
    return db.exec(
                 "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = now()"
                 " WHERE id = $1 AND state = 'failed'",
                 {id})
               .affected() == 1;
}

void record_poll(Db& db, const std::string& source, const std::string& error, int stored) {
    db.exec(
        "INSERT INTO source_polls AS p (source, last_poll_at, last_success_at, last_error,"
        " last_error_at, stored_total, poll_errors)"
        " VALUES ($1, now(), CASE WHEN $2 = '' THEN now() END, nullif($2, ''),"
        "  CASE WHEN $2 <> '' THEN now() END, $3, CASE WHEN $2 = '' THEN 0 ELSE 1 END)"
        " ON CONFLICT (source) DO UPDATE SET last_poll_at = now(),"
        "  last_success_at = CASE WHEN $2 = '' THEN now() ELSE p.last_success_at END,"
        "  last_error = CASE WHEN $2 = '' THEN p.last_error ELSE $2 END,"
        "  last_error_at = CASE WHEN $2 = '' THEN p.last_error_at ELSE now() END,"
        "  stored_total = p.stored_total + $3,"
        "  poll_errors = p.poll_errors + CASE WHEN $2 = '' THEN 0 ELSE 1 END",
        {source, error, static_cast<std::int64_t>(stored)});
}

StatusFigures status_figures(Db& db) {
    StatusFigures f;
    const Result polls = db.exec(
        "SELECT source,"
        " to_char(last_poll_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),"
        " to_char(last_success_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),"
        " coalesce(last_error, ''),"
        " to_char(last_error_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),"
        " coalesce(extract(epoch FROM now() - last_success_at), -1), stored_total"
        " FROM source_polls ORDER BY source");
    for (int i = 0; i < polls.rows(); ++i) {
        f.polls.push_back({polls.text(i, 0), polls.text(i, 1), when(polls, i, 2), polls.text(i, 3),
                           when(polls, i, 4), std::stod(polls.text(i, 5)), polls.int64(i, 6)});
    }
    const Result items = db.exec(
        "SELECT count(*) FILTER (WHERE state = 'received'),"
        " coalesce(extract(epoch FROM now() - min(received_at) FILTER (WHERE state = 'received')), "
        "0),"
        " count(*) FILTER (WHERE state = 'set_aside'), count(*) FILTER (WHERE state = "
        "'quarantined'),"
        " count(*) FILTER (WHERE state = 'held'), count(*) FILTER (WHERE state = 'duplicate')"
        " FROM inbound_items");
    f.backlog = items.int64(0, 0);
    f.oldest_backlog_seconds = std::stod(items.text(0, 1));
    f.set_aside = items.int64(0, 2);
    f.quarantined = items.int64(0, 3);
    f.held = items.int64(0, 4);
    f.duplicates = items.int64(0, 5);
    const Result work = db.exec(
        "SELECT (SELECT count(*) FROM submissions WHERE status = 'incomplete'),"
        " (SELECT count(*) FROM cases WHERE status NOT IN ('closed', 'archived')),"
        " (SELECT count(*) FROM cases WHERE created_at >= date_trunc('day', now())),"
        " count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'failed'),"
        " coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE state = 'pending')), 0)"
        " FROM outbox");
    f.incomplete = work.int64(0, 0);
    f.cases_open = work.int64(0, 1);
    f.cases_today = work.int64(0, 2);
    f.outbox_pending = work.int64(0, 3);
    f.outbox_failed = work.int64(0, 4);
    f.oldest_pending_seconds = std::stod(work.text(0, 5));
    const Result reval = db.exec(
        "SELECT to_char(last_success_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),"
        " coalesce(last_error, ''),"
        " CASE WHEN next_run_at = '-infinity' THEN 'now'"
        "  ELSE to_char(next_run_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') END"
        " FROM schedules WHERE name = 'revalidation'");
    if (reval.rows() == 1) {
        f.reval_last_success_at = when(reval, 0, 0);
        f.reval_last_error = reval.text(0, 1);
        f.reval_next_run_at = reval.text(0, 2);
    }
    return f;
}

std::vector<MetricRow> metric_rows(Db& db) {
    // One round trip: each part gives its family, its labels as a JSON object, and the value.
    const Result r = db.exec(
        "SELECT 'items', json_build_object('state', state, 'verdict', coalesce(verdict, '')),"
        "  count(*)::float8 FROM inbound_items GROUP BY state, verdict"
        " UNION ALL SELECT 'cases', json_build_object('status', status), count(*)::float8"
        "  FROM cases GROUP BY status"
        " UNION ALL SELECT 'submissions_incomplete', '{}'::json, count(*)::float8"
        "  FROM submissions WHERE status = 'incomplete'"
        " UNION ALL SELECT 'outbox', json_build_object('state', state), count(*)::float8"
        "  FROM outbox GROUP BY state"
        " UNION ALL SELECT 'outbox_oldest_pending_seconds', '{}'::json,"
        "  coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8"
        "  FROM outbox WHERE state = 'pending'"
        " UNION ALL SELECT 'source_last_success_timestamp_seconds',"
        "  json_build_object('source', source), extract(epoch FROM last_success_at)::float8"
        "  FROM source_polls WHERE last_success_at IS NOT NULL"
        " UNION ALL SELECT 'source_poll_errors', json_build_object('source', source),"
        "  poll_errors::float8 FROM source_polls"
        " UNION ALL SELECT 'source_items_stored', json_build_object('source', source),"
        "  stored_total::float8 FROM source_polls"
        " UNION ALL SELECT 'revalidation_last_success_timestamp_seconds', '{}'::json,"
        "  extract(epoch FROM last_success_at)::float8 FROM schedules"
        "  WHERE name = 'revalidation' AND last_success_at IS NOT NULL"
        " UNION ALL (SELECT DISTINCT ON (feed, designated_body) 'revalidation_snapshot_rows',"
        "  json_build_object('feed', feed, 'designated_body', designated_body), row_count::float8"
        "  FROM reval_snapshots WHERE state = 'applied' ORDER BY feed, designated_body, id DESC)"
        " UNION ALL SELECT 'gmc_requests', json_build_object('state', state), count(*)::float8"
        "  FROM reval_gmc_requests GROUP BY state");
    std::vector<MetricRow> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        MetricRow row;
        row.family = r.text(i, 0);
        const nlohmann::json labels = nlohmann::json::parse(r.text(i, 1));
        for (const auto& [k, v] : labels.items())
            row.labels.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
        row.value = std::stod(r.text(i, 2));
        out.push_back(std::move(row));
    }
    return out;
}

bool note_oauth2_alert(Db& db, const std::string& client, const std::string& kind,
                       const std::string& detail) {
    return db.exec(
                 "INSERT INTO oauth2_alerts AS a (client, kind, detail) VALUES ($1, $2, $3)"
                 " ON CONFLICT (client, kind) DO UPDATE SET detail = EXCLUDED.detail,"
                 "  alerted_at = now()"
                 " WHERE a.kind = 'secret_expiring' AND a.detail <> EXCLUDED.detail"
                 " RETURNING 1",
                 {client, kind, detail})
               .rows() == 1;
}

void clear_oauth2_alert(Db& db, const std::string& client, const std::string& kind) {
    db.exec("DELETE FROM oauth2_alerts WHERE client = $1 AND kind = $2", {client, kind});
}

}  // namespace casegate::storage
