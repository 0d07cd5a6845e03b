#include "storage/retention.hpp"

namespace casegate::storage {

std::vector<PurgeCandidate> purge_candidates(Db& db, int retention_days) {
    const Result r = db.exec(
        "SELECT c.id, c.reference, to_char(c.closed_at, 'YYYY-MM-DD'),"
        " (SELECT count(*) FROM documents d WHERE d.case_id = c.id),"
        " (SELECT count(DISTINCT i) FROM (SELECT inbound_item_id AS i FROM case_actions"
        "   WHERE case_id = c.id AND inbound_item_id IS NOT NULL UNION"
        "   SELECT inbound_item_id FROM submissions WHERE case_id = c.id"
        "   AND inbound_item_id IS NOT NULL) items)"
        " FROM cases c WHERE c.status = 'archived' AND c.purged_at IS NULL"
        " AND c.closed_at < now() - make_interval(days => $1) ORDER BY c.closed_at, c.id",
        {retention_days});
    std::vector<PurgeCandidate> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.int64(i, 0), r.text(i, 1), r.text(i, 2), r.int64(i, 3), r.int64(i, 4)});
    }
    return out;
}

Purged purge_case(Db& db, std::int64_t case_id) {
    const Result r = db.exec(
        "WITH items AS ("
        "  SELECT inbound_item_id AS id FROM case_actions WHERE case_id = $1"
        "   AND inbound_item_id IS NOT NULL"
        "  UNION SELECT inbound_item_id FROM submissions WHERE case_id = $1"
        "   AND inbound_item_id IS NOT NULL),"
        " docs AS (DELETE FROM documents WHERE case_id = $1 RETURNING 1),"
        " raw AS (UPDATE inbound_items SET raw = ''::bytea, from_address = NULL"
        "  WHERE id IN (SELECT id FROM items) RETURNING 1),"
        " acts AS (UPDATE case_actions SET details = details - 'text' - 'reason' - 'from'"
        "  - 'gmc_number' WHERE case_id = $1 AND details ?| array['text', 'reason', 'from',"
        "  'gmc_number'] RETURNING 1),"
        " mail AS (UPDATE outbox SET message = ''::bytea, recipients = '{}'"
        "  WHERE case_id = $1 AND state <> 'pending' RETURNING 1),"
        " subs AS (UPDATE submissions SET fields = '{}', sender_email = NULL, notes = '[]'"
        "  WHERE case_id = $1 RETURNING 1),"
        " c AS (UPDATE cases SET trainee_name = '', gmc_number = '0000000', referrer_name = '',"
        "  referrer_email = '', referrer_phone = NULL, site = NULL, details = '',"
        "  purged_at = now(), updated_at = now() WHERE id = $1 RETURNING 1)"
        " SELECT (SELECT count(*) FROM docs), (SELECT count(*) FROM raw),"
        " (SELECT count(*) FROM acts), (SELECT count(*) FROM mail), (SELECT count(*) FROM subs),"
        " (SELECT count(*) FROM c)",
        {case_id});
    return {r.int64(0, 0), r.int64(0, 1), r.int64(0, 2), r.int64(0, 3)};
}

}  // namespace casegate::storage
