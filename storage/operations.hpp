// What the operator commands read and change (`casegate items|outbox|status`, ops/): received
// items that became no case, the outbox, and the health of the whole (sources' last polls,
// backlogs, the revalidation schedule).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/pg.hpp"

namespace casegate::storage {

struct ItemRow {
    std::int64_t id = 0;
    std::string source, source_kind, state, verdict, reason;
    std::string received_at, processed_at;  ///< "YYYY-MM-DD HH:MM:SS" UTC, "" for none
    std::int64_t size = 0;
    bool truncated = false;
    int attempts = 0;
    std::string message_id, from_address;
    std::optional<std::int64_t> duplicate_of;
    std::string thread_reference, released_by;
};

/// The newest `limit` items in any of `states`, newest first.
std::vector<ItemRow> list_items(Db& db, const std::vector<std::string>& states, int limit);

std::optional<ItemRow> find_item(Db& db, std::int64_t id);

/// The item's stored bytes ("" when there is no such item).
std::string item_raw(Db& db, std::int64_t id);

/// A copy marked duplicate is made due again as a message of its own, released by `by` (the
/// pipeline then skips the duplicate check for it). False when it is not a duplicate.
bool release_duplicate(Db& db, std::int64_t id, const std::string& by);

struct OutboxRow {
    std::int64_t id = 0;
    std::string kind, state, reference;  ///< reference: its case's or submission's, "" for none
    std::vector<std::string> recipients;
    int attempts = 0;
    std::string last_error, created_at, next_attempt_at, sent_at;
};

/// The newest `limit` rows, of one state when `state` is not empty.
std::vector<OutboxRow> list_outbox(Db& db, const std::string& state, int limit);

/// A failed notification is sent again at the outbox's next turn (attempts from 0). False when
/// it is not failed.
bool resend_outbox(Db& db, std::int64_t id);

/// Records how a poll of `source` ended ("" = it succeeded), with the items it stored.
void record_poll(Db& db, const std::string& source, const std::string& error, int stored);

struct SourcePoll {
    std::string source, last_poll_at, last_success_at, last_error, last_error_at;
    double seconds_since_success = -1;  ///< -1: never succeeded
    std::int64_t stored_total = 0;
};

struct StatusFigures {
    std::vector<SourcePoll> polls;
    std::int64_t backlog = 0;           ///< items received, not yet processed
    double oldest_backlog_seconds = 0;  ///< 0 when none
    std::int64_t set_aside = 0, quarantined = 0, held = 0, duplicates = 0;
    std::int64_t incomplete = 0;  ///< submissions waiting for an answer
    std::int64_t cases_open = 0, cases_today = 0;
    std::int64_t outbox_pending = 0, outbox_failed = 0;
    double oldest_pending_seconds = 0;  ///< 0 when none
    std::string reval_last_success_at, reval_last_error, reval_next_run_at;
};

StatusFigures status_figures(Db& db);

/// One sample of a metric read from the database, for the daemon's /metrics.
struct MetricRow {
    std::string family;  ///< e.g. "items", "cases", "gmc_requests"
    std::vector<std::pair<std::string, std::string>> labels;
    double value = 0;
};

/// Everything the database tells of the whole (every process sharing it): items by state and
/// verdict, cases by status, incomplete submissions, the outbox by state and its oldest pending
/// row's age, each source's last successful poll (Unix time), polls failed and items stored,
/// the revalidation run's last success (Unix time), the latest applied snapshot's rows per feed
/// and designated body, GMC Connect requests by state.
std::vector<MetricRow> metric_rows(Db& db);

/// Records that the admins are told of `kind` ("not_renewed" or "secret_expiring") for the
/// OAuth 2.0 client: true when they were not told yet (or were told of another `detail` for a
/// secret's expiry), so that the caller sends the one alert, in the same transaction.
bool note_oauth2_alert(Db& db, const std::string& client, const std::string& kind,
                       const std::string& detail);

/// Forgets that the admins were told of `kind` for the client (it is fixed): the next
/// occurrence is told again.
void clear_oauth2_alert(Db& db, const std::string& client, const std::string& kind);

}  // namespace casegate::storage
