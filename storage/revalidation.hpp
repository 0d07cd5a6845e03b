// Revalidation data in PostgreSQL: the feeds' snapshots and the rows in force, the inputs of
// the connection rules read back in one go, the current classification of every doctor with
// its history, admins' manual actions, connection history, and GMC Connect requests with
// their lease for the sender. Every function runs inside the caller's transaction (the
// snapshot and classification writes must: they delete and insert together). Throws DbError.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "revalidation/actions.hpp"
#include "revalidation/model.hpp"
#include "storage/pg.hpp"

namespace casegate::storage {

// ---- snapshots ---------------------------------------------------------------------------

inline constexpr std::string_view feed_tis = "tis";
inline constexpr std::string_view feed_gmc = "gmc";

struct SnapshotRow {
    std::int64_t id = 0;
    std::string feed;             ///< "tis" | "gmc"
    std::string designated_body;  ///< "" for TIS
    std::int64_t row_count = 0;
    std::int64_t error_count = 0;
    std::string state;   ///< "applied" | "refused"
    std::string reason;  ///< why refused (or why it looked wrong when forced through)
};

/// The snapshot in force for (feed, DB), or nullopt when none was ever applied. Its row_count
/// is what the plausibility check compares a new snapshot with.
std::optional<SnapshotRow> applied_snapshot(Db& db, std::string_view feed,
                                            std::string_view designated_body);

/// The latest snapshot taken for (feed, DB), applied or refused.
std::optional<SnapshotRow> latest_snapshot(Db& db, std::string_view feed,
                                           std::string_view designated_body);

/// Replaces the TIS persons in force with `persons` (by COPY) and records the snapshot as
/// applied. Person ids must be unique (feeds::parse_tis_feed makes them so; a repeat throws
/// std::invalid_argument). `note`: the plausibility reason when forced through. Returns its id.
std::int64_t apply_tis_snapshot(Db& db, const std::vector<revalidation::TisPerson>& persons,
                                std::size_t error_count, const std::string& note = "");

/// Replaces the GMC rows in force for `designated_body` (by COPY), records the snapshot as
/// applied, and updates connection history as of `today`: doctors new to the DB open a
/// connection (from their date added, else today), doctors gone from it close theirs (to
/// today). Every row must carry `designated_body` and a 7-digit GMC number
/// (std::invalid_argument otherwise). Returns the snapshot id.
std::int64_t apply_gmc_snapshot(Db& db, const std::string& designated_body,
                                const std::vector<revalidation::GmcDoctor>& doctors,
                                revalidation::Date today, const std::string& note = "");

/// Records a snapshot that was not applied, with the reason; nothing else changes.
std::int64_t record_refused_snapshot(Db& db, std::string_view feed,
                                     std::string_view designated_body, std::size_t row_count,
                                     std::size_t error_count, const std::string& reason);

/// Everything classify() reads: TIS persons (extract order), GMC rows (by DB), manual
/// hide/unhide/flag/unflag (in the order made), connection history, and the GMC requests
/// that have an outcome (succeeded, refused, failed).
revalidation::Inputs load_inputs(Db& db);

/// Adds connection history from elsewhere (an import of past connections).
void import_connection_history(Db& db, const std::vector<revalidation::HistoryEntry>& entries);

// ---- classifications ---------------------------------------------------------------------

struct ClassificationChanges {
    std::size_t inserted = 0;  ///< doctors classified for the first time
    std::size_t updated = 0;   ///< doctors whose classification changed in any way
    std::size_t unchanged = 0;
    std::size_t removed = 0;  ///< doctors no longer in the data
    std::size_t history = 0;  ///< history rows written (list or reasons changed)
};

/// Makes `current` the stored classification: writes only the doctors whose classification
/// changed, removes those no longer present, and appends a history row for every doctor whose
/// list or reasons changed (reasons new and resolved). Keys must be unique.
ClassificationChanges store_classifications(
    Db& db, const std::vector<revalidation::Classification>& current,
    revalidation::Date classified_on);

/// What a digest compares a run's classifications with: a stored doctor that is a discrepancy
/// or carries a failed/refused GMC request.
struct ClassificationSummary {
    std::string key;
    std::optional<std::string> gmc_number;
    std::string list;
    std::vector<std::string> editable_bodies;  ///< visible_to entries that may edit ("*" kept)
    std::string request_client_id;             ///< "" when no GMC request is shown
    std::string request_state;                 ///< "failed" | "refused" | ""
};

/// The stored doctors that are discrepancies or show a GMC request, sorted by key.
std::vector<ClassificationSummary> load_notable_classifications(Db& db);

// ---- manual actions and GMC requests ------------------------------------------------------

/// Records an admin's hide/unhide/flag/unflag. `facts_json`: the classification the admin saw
/// (a JSON object). Returns the action's id.
std::int64_t record_manual_action(Db& db, const revalidation::ManualAction& action,
                                  const std::string& facts_json = "{}");

struct NewGmcRequest {
    revalidation::GmcRequestKind action = revalidation::GmcRequestKind::add;
    std::string gmc_number;
    std::string designated_body;
    int reason_code = 0;
    std::string requested_by;
    std::string client_request_id;    ///< unique (feeds::new_client_request_id())
    revalidation::Date effective_on;  ///< the day the admin asked (the rules' `at`)
    std::string reason;               ///< the admin's free text
    std::string facts_json = "{}";    ///< the classification the admin saw
};

/// Records an add/remove request (state pending, due now) and the manual action that asked for
/// it. Returns the request's id. A client_request_id used before throws DbError (unique).
std::int64_t record_gmc_request(Db& db, const NewGmcRequest& request);

struct LeasedGmcRequest {
    std::int64_t id = 0;
    revalidation::GmcRequestKind action = revalidation::GmcRequestKind::add;
    std::string gmc_number;
    std::string designated_body;
    int reason_code = 0;
    std::string requested_by;
    std::string client_request_id;
    int attempts = 0;  ///< including this one
};

/// Takes up to `limit` due requests (pending, failed and due, or sent with an expired lease)
/// for sending: state sent, attempts + 1, leased for `lease_seconds`. Concurrent senders get
/// different requests (SKIP LOCKED). Commit before calling GMC.
std::vector<LeasedGmcRequest> lease_gmc_requests(Db& db, int limit, int lease_seconds);

struct GmcRequestOutcome {
    revalidation::GmcOutcome outcome = revalidation::GmcOutcome::retryable;
    std::optional<int> return_code;
    std::string gmc_request_id;
    std::string text;  ///< return code text or transport error
};

/// Records the answer to a leased request: succeeded, refused (final), or failed and due again
/// after retry_initial_seconds * 2^(attempts-1), capped at retry_max_seconds. Returns false
/// when the request was not leased (finished by another sender, or unknown).
bool finish_gmc_request(Db& db, std::int64_t id, const GmcRequestOutcome& outcome,
                        int retry_initial_seconds = 60, int retry_max_seconds = 3600);

/// Who takes the classification lock: a classification run, or an admin action, which also
/// keeps the stored classifications from changing under its check.
enum class ClassificationLock { for_run, for_admin_action };

/// Takes the classification lock for the rest of the transaction: a run that classifies and
/// an admin action checked against a classification take turns through it.
void lock_classification(Db& db, ClassificationLock who);

}  // namespace casegate::storage
