#include "storage/outbox.hpp"

#include <algorithm>

#include "storage/cases.hpp"

namespace casegate::storage {

void enqueue(Db& db, const std::vector<OutboxMessage>& messages) {
    if (messages.empty()) return;
    constexpr int kColumns = 7;
    std::string sql =
        "INSERT INTO outbox (message_id, kind, case_id, submission_id, mail_from, recipients,"
        " message) VALUES ";
    std::vector<Param> params;
    params.reserve(messages.size() * kColumns);
    for (const OutboxMessage& m : messages) {
        const std::size_t n = params.size();
        if (n != 0) sql += ", ";
        sql += "($" + std::to_string(n + 1) + ", $" + std::to_string(n + 2) + ", $" +
               std::to_string(n + 3) + ", $" + std::to_string(n + 4) + ", $" +
               std::to_string(n + 5) + ", $" + std::to_string(n + 6) + "::text[], $" +
               std::to_string(n + 7) + ")";
        params.emplace_back(m.message_id);
        params.emplace_back(m.kind);
        params.emplace_back(m.case_id);
        params.emplace_back(m.submission_id);
        params.emplace_back(m.mail_from);
        params.emplace_back(pg_text_array(m.recipients));
        params.push_back(Param::bytes(m.message));
    }
    db.defer(sql, std::move(params));
}

std::vector<DueMessage> claim_due(Db& db, int limit, int lease_seconds) {
    const Result r = db.exec(
        "UPDATE outbox SET next_attempt_at = now() + make_interval(secs => $2)"
        " WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= now()"
        "              ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)"
        " RETURNING id, message_id, mail_from, array_to_string(recipients, E'\\n'), message,"
        " attempts, next_attempt_at",
        {limit, lease_seconds});
    std::vector<DueMessage> out;
    for (int i = 0; i < r.rows(); ++i) {
        DueMessage m;
        m.id = r.int64(i, 0);
        m.message_id = r.text(i, 1);
        m.mail_from = r.text(i, 2);
        const std::string rcpts = r.text(i, 3);
        std::size_t start = 0;
        while (start <= rcpts.size()) {
            const std::size_t nl = rcpts.find('\n', start);
            const std::string one = rcpts.substr(start, nl == std::string::npos ? nl : nl - start);
            if (!one.empty()) m.recipients.push_back(one);
            if (nl == std::string::npos) break;
            start = nl + 1;
        }
        m.message = r.bytes(i, 4);
        m.attempts = static_cast<int>(r.int64(i, 5));
        m.lease_until = r.text(i, 6);
        out.push_back(std::move(m));
    }
    // Claimed rows are ordered by id for a stable sending order.
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
}

std::vector<std::int64_t> renew_lease(Db& db, const std::vector<std::int64_t>& ids,
                                      std::string& lease_until, int lease_seconds) {
    if (ids.empty()) return {};
    const std::string array = pg_id_array(ids);
    const Result r = db.exec(
        "UPDATE outbox SET next_attempt_at = now() + make_interval(secs => $3)"
        " WHERE id = ANY($1::bigint[]) AND state = 'pending' AND next_attempt_at = $2::timestamptz"
        " RETURNING id, next_attempt_at",
        {array, lease_until, lease_seconds});
    std::vector<std::int64_t> renewed;
    renewed.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) renewed.push_back(r.int64(i, 0));
    if (!renewed.empty()) lease_until = r.text(0, 1);
    std::sort(renewed.begin(), renewed.end());
    return renewed;
}

void mark_sent(Db& db, std::int64_t id) {
    db.exec(
        "UPDATE outbox SET state = 'sent', sent_at = now(), attempts = attempts + 1,"
        " last_error = NULL WHERE id = $1",
        {id});
}

void mark_retry(Db& db, std::int64_t id, const std::string& error, int delay_seconds) {
    db.exec(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $2,"
        " next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1",
        {id, error, delay_seconds});
}

void mark_failed(Db& db, std::int64_t id, const std::string& error) {
    db.exec(
        "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = $2 WHERE id = "
        "$1",
        {id, error});
}

void mark_bounced(Db& db, const std::string& message_id, const std::string& reason) {
    db.defer(
        "UPDATE outbox SET state = 'failed', last_error = 'bounced: ' || $2 WHERE message_id = $1",
        {message_id, reason});
}

}  // namespace casegate::storage
